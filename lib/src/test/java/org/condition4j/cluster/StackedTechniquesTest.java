package org.condition4j.cluster;

import org.condition4j.model.Training;
import org.condition4j.prune.PrunedModel;
import org.condition4j.prune.Pruning;
import org.condition4j.prune.PruningSchedule;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pruning's and clustering's listeners train one network together, and neither undoes the
 * other: after every training step each pruned kernel still has at least its target share of
 * zeros, and its other weights take at most K distinct values.
 */
class StackedTechniquesTest {
    private static final int K = 8;
    private static final double SPARSITY = 0.5;
    private static final int STEPS = 10;

    @Test
    void pruningAndClusteringListenersKeepBothPropertiesOverTrainingSteps() {
        TrainedBaseline base = TrainedBaseline.get();
        PrunedModel pruned = Pruning.lowMagnitude(base.net, PruningSchedule.constant(SPARSITY));
        MultiLayerNetwork net = pruned.network();
        ClusteredModel clustered = Clustering.clusterInPlace(net, ClusteringConfig.of(K, CentroidInit.LINEAR));
        assertSame(net, clustered.network(), "clustering in place works on the pruned network itself");
        float[] before = net.params().dup().data().asFloat();

        Training.of(net).printingTo(TrainedBaseline.QUIET)
                .withListeners(clustered.listeners())
                .withListeners(pruned.listeners())
                .fit(base.mnist.train(64, 64 * STEPS), null, 1);

        assertEquals(STEPS, pruned.step(), "the pruning listener ran in every step");
        assertNotEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(net.params().data().asFloat()),
                "training changed the network");
        int kernels = 0;
        for (int layer = 0; layer < net.getnLayers(); layer++) {
            if (net.getLayer(layer).getParam("W") == null) {
                continue;
            }
            float[] w = net.getLayer(layer).getParam("W").dup().data().asFloat();
            int zeros = 0;
            Set<Float> nonZero = new HashSet<>();
            for (float v : w) {
                if (v == 0) {
                    zeros++;
                } else {
                    nonZero.add(v);
                }
            }
            double sparsity = (double) zeros / w.length;
            assertTrue(sparsity >= SPARSITY - 1.0 / w.length, "layer " + layer + ": sparsity " + sparsity
                    + " fell below " + SPARSITY + ": clustering undid pruning");
            assertTrue(nonZero.size() <= K, "layer " + layer + ": " + nonZero.size() + " distinct non-zero weights, more "
                    + "than K = " + K + ": pruning undid clustering");
            kernels++;
        }
        assertTrue(kernels >= 2, "the small CNN has at least two kernels, found " + kernels);
    }
}
