package org.condition4j.prune;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** Masks that keep the largest-magnitude weights of a tensor and zero the rest. */
final class MagnitudeMask {
    private MagnitudeMask() {}

    /**
     * How many of {@code size} weights a tensor keeps at {@code sparsity}: as in TensorFlow Model
     * Optimization, {@code max(1, round(size * (1 - sparsity)))} with halves rounded to even.
     */
    static long keptCount(long size, double sparsity) {
        return Math.max(1, (long) Math.rint(size * (1 - sparsity)));
    }

    /**
     * A 0/1 mask shaped like {@code weights} that zeroes exactly {@code size - keptCount} weights:
     * those of smallest magnitude, ties broken by position (first ones pruned). Exact counts
     * make the achieved sparsity the schedule's to within one weight, and weights already at
     * zero are pruned first, so a pruned weight stays pruned while the sparsity does not fall.
     */
    static INDArray keepLargest(INDArray weights, double sparsity) {
        float[] magnitudes = weights.dup('c').reshape(weights.length()).toFloatVector();
        int size = magnitudes.length;
        int pruneCount = (int) (size - keptCount(size, sparsity));
        for (int i = 0; i < size; i++) {
            magnitudes[i] = Math.abs(magnitudes[i]);
        }
        float[] mask = new float[size];
        Arrays.fill(mask, 1f);
        if (pruneCount > 0) {
            float[] sorted = magnitudes.clone();
            Arrays.sort(sorted);
            float threshold = sorted[pruneCount - 1];
            int belowThreshold = 0;
            for (float m : magnitudes) {
                if (m < threshold) {
                    belowThreshold++;
                }
            }
            int tiesToPrune = pruneCount - belowThreshold;
            for (int i = 0; i < size; i++) {
                if (magnitudes[i] < threshold) {
                    mask[i] = 0;
                } else if (magnitudes[i] == threshold && tiesToPrune > 0) {
                    mask[i] = 0;
                    tiesToPrune--;
                }
            }
        }
        return Nd4j.create(mask, weights.shape(), 'c').castTo(weights.dataType());
    }
}
