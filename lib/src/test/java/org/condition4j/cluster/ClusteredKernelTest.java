package org.condition4j.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fine-tuning rule on a hand-made 2x2 kernel with two clusters. */
class ClusteredKernelTest {
    private static final Kernel KERNEL = new Kernel(0, "dense", "DenseLayer", "W", new long[] {2, 2}, new int[] {1}, true);

    private static ClusteredKernel clustered() {
        return ClusteredKernel.cluster(KERNEL, new float[] {0f, 0.1f, 1f, 1.1f}, 2,
                ClusteringConfig.of(2, CentroidInit.LINEAR));
    }

    @Test
    void kMeansStartsFromTheClusterMeans() {
        assertArrayEquals(new float[] {0.05f, 0.05f, 1.05f, 1.05f}, clustered().clusteredValues(), 1e-7f);
    }

    @Test
    void eachCentroidMovesByTheMeanOfItsMembersUpdates() {
        ClusteredKernel kernel = clustered();
        float[] after = add(kernel.clusteredValues(), 0.1, 0.3, -0.2, 0);
        float[] written = kernel.afterStep(after, false);
        // cluster 0: 0.05 + (0.1 + 0.3) / 2; cluster 1: 1.05 + (-0.2 + 0) / 2
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.95f, 0.95f}, written, 1e-6f);
        assertEquals(0.25, kernel.centroid(0, 0), 1e-6);
        assertEquals(0.95, kernel.centroid(0, 1), 1e-6);
    }

    /** A weight whose shadow value crossed into the other cluster moves there at re-assignment. */
    @Test
    void reassignmentFollowsTheShadowWeights() {
        ClusteredKernel kernel = clustered();
        kernel.afterStep(add(kernel.clusteredValues(), 0.1, 0.3, -0.2, 0), false); // shadows 0.1 0.4 0.8 1.1
        float[] written = kernel.afterStep(add(kernel.clusteredValues(), 0, 0.5, 0, 0), true); // 0.4 -> 0.9
        float upper = (float) ((0.9 + 0.8 + 1.1) / 3);
        assertArrayEquals(new float[] {0.1f, upper, upper, upper}, written, 1e-6f);
        assertEquals(1, kernel.members(0, 0));
        assertEquals(3, kernel.members(0, 1));
    }

    /** Without re-assignment, updates that would pull a cluster apart still leave two values. */
    @Test
    void theKernelNeverHoldsMoreThanKValues() {
        ClusteredKernel kernel = clustered();
        float[] written = kernel.afterStep(add(kernel.clusteredValues(), 0.5, -0.5, 0.01, 0.03), false);
        assertEquals(2, ClusterStatistics.distinct(written));
    }

    private static float[] add(float[] values, double... updates) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (values[i] + updates[i]);
        }
        return out;
    }
}
