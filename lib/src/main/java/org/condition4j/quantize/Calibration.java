package org.condition4j.quantize;

import org.condition4j.graph.FloatInference;
import org.condition4j.graph.InferenceGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Post-training calibration: runs a representative set through the float graph and records the
 * minimum and maximum of every tensor (input, every op's output). The graph's own float run is
 * used, not DL4J's, because its tensors are exactly the ones that get exported.
 */
public final class Calibration {
    /** How many training images calibration uses unless told otherwise. */
    public static final int DEFAULT_SAMPLES = 100;

    private Calibration() {}

    /** The min/max range of every tensor of {@code graph} over the examples of {@code representative}. */
    public static ActivationRanges observe(InferenceGraph graph, DataSet representative) {
        if (representative == null || representative.getFeatures() == null) {
            throw new IllegalArgumentException("The representative data set is empty: give some training images, "
                    + "e.g. mnist.trainSample(" + DEFAULT_SAMPLES + ")");
        }
        return observe(graph, representative.getFeatures());
    }

    /** The min/max range of every tensor of {@code graph} over the rows of {@code features}. */
    public static ActivationRanges observe(InferenceGraph graph, INDArray features) {
        if (features == null || features.isEmpty() || features.size(0) == 0) {
            throw new IllegalArgumentException("The representative data set is empty: give some training images, "
                    + "e.g. mnist.trainSample(" + DEFAULT_SAMPLES + ")");
        }
        float[][] inputs;
        try {
            inputs = graph.inputs(features);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The representative data set has the wrong shape: "
                    + Arrays.toString(features.shape()) + ", expected " + graph.expectedFeatures(), e);
        }
        List<String> names = graph.tensorNames();
        double[] min = new double[names.size()];
        double[] max = new double[names.size()];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        FloatInference inference = FloatInference.of(graph);
        for (float[] input : inputs) {
            float[][] tensors = inference.runAll(input);
            for (int t = 0; t < tensors.length; t++) {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float v : tensors[t]) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                if (Float.isNaN(lo) || Float.isNaN(hi) || Float.isInfinite(lo) || Float.isInfinite(hi)) {
                    throw new IllegalStateException("Tensor '" + names.get(t) + "' is not finite on a "
                            + "representative example; the network's weights or the data hold NaN or infinity");
                }
                min[t] = Math.min(min[t], lo);
                max[t] = Math.max(max[t], hi);
            }
        }
        Map<String, ActivationRange> ranges = new LinkedHashMap<>();
        for (int t = 0; t < names.size(); t++) {
            ranges.put(names.get(t), new ActivationRange(min[t], max[t]));
        }
        return ActivationRanges.of(ranges);
    }
}
