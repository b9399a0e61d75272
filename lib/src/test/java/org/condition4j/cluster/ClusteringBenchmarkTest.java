package org.condition4j.cluster;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.condition4j.model.SeedCnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Prints what clustering costs on the seed CNN (34,656 kernel weights): clustering with each
 * initialisation (k-means included), the clustering listener's work per training step, and a
 * training step of batch 128 for comparison. Run with the other benchmarks (README);
 * it is not part of the test suite.
 */
@Tag("benchmark")
class ClusteringBenchmarkTest {
    @Test
    void clusteringCost() {
        MultiLayerNetwork baseline = SeedCnn.create();
        for (CentroidInit init : CentroidInit.values()) {
            ClusteringConfig config = ClusteringConfig.of(16, init);
            Clustering.cluster(baseline, config); // warm-up
            long start = System.nanoTime();
            ClusteredModel clustered = Clustering.cluster(baseline, config);
            System.out.printf(Locale.ROOT, "cluster() with %-16s %7.1f ms, k-means iterations per layer %s%n", init,
                    (System.nanoTime() - start) / 1e6, clustered.summary().intColumn("k-means iterations").asList());
        }
        ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.defaults());
        MultiLayerNetwork net = clustered.network();
        TrainingListener listener = clustered.listeners().get(0);
        int steps = 200;
        for (int i = 0; i < 20; i++) {
            listener.iterationDone(net, i, 0);
        }
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            listener.iterationDone(net, i, 0);
        }
        System.out.printf(Locale.ROOT, "listener per step (re-assigning every step): %.2f ms%n",
                (System.nanoTime() - start) / 1e6 / steps);

        DataSet batch = new DataSet(Nd4j.rand(128, 784), Nd4j.zeros(128, 10).putScalar(0, 1, 1));
        MultiLayerNetwork plain = SeedCnn.create();
        for (int i = 0; i < 3; i++) {
            plain.fit(batch);
        }
        int trainingSteps = 10;
        start = System.nanoTime();
        for (int i = 0; i < trainingSteps; i++) {
            plain.fit(batch);
        }
        System.out.printf(Locale.ROOT, "training step, batch 128: %.1f ms%n", (System.nanoTime() - start) / 1e6 / trainingSteps);
    }
}
