package org.condition4j.cluster;

import org.condition4j.report.Tables;

import org.condition4j.data.Mnist;
import org.condition4j.data.MnistBatches;
import org.condition4j.testing.Chance;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster-preserving fine-tuning with Adam on a small CNN and a few thousand MNIST images. */
class FineTuningTest {
    private static final PrintStream QUIET = TrainedBaseline.QUIET;

    private static Mnist mnist;
    private static MnistBatches train;
    private static MultiLayerNetwork baseline;
    private static double baselineAccuracy;
    private static MnistBatches test;
    /** Better than guessing on the test images ({@link Chance}): the only accuracy these tests require. */
    private static final double LEARNED = Chance.floor(Mnist.CLASSES, TrainedBaseline.TEST_IMAGES);

    @BeforeAll
    static void trainBaseline() {
        TrainedBaseline trained = TrainedBaseline.get();
        mnist = trained.mnist;
        train = trained.train;
        test = trained.test;
        baseline = trained.net;
        baselineAccuracy = trained.accuracy;
        assertTrue(baselineAccuracy > LEARNED, "baseline accuracy " + baselineAccuracy + ", no better than guessing");
    }

    @Test
    void fineTuningKeepsAtMostKValuesPerLayerAndTheNetworkStillClassifies() {
        ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.of(4, CentroidInit.LINEAR));
        double clusteredAccuracy = accuracy(clustered.network());
        Table centroidsBefore = clustered.centroids();
        DistinctValueWatch watch = new DistinctValueWatch(false);

        clustered.training().printingTo(QUIET).withListeners(List.of(watch)).fit(train, null, 1);
        double fineTunedAccuracy = accuracy(clustered.network());
        System.out.printf(Locale.ROOT, "baseline %.4f, clustered K=4 %.4f, after fine-tuning %.4f%n",
                baselineAccuracy, clusteredAccuracy, fineTunedAccuracy);

        assertEquals(train.batchesPerEpoch(), watch.steps);
        assertEquals(4, watch.mostSeen, "at most K=4 values in any kernel after every step");
        assertFalse(centroidsBefore.doubleColumn("centroid").asList()
                .equals(clustered.centroids().doubleColumn("centroid").asList()), "the centroids trained");
        // how much fine-tuning recovers depends on the weights training found; that the network
        // still classifies after every step kept at most K values does not
        assertTrue(fineTunedAccuracy > LEARNED, "accuracy collapsed to guessing: baseline " + baselineAccuracy
                + ", clustered " + clusteredAccuracy + ", fine-tuned " + fineTunedAccuracy);

        MultiLayerNetwork stripped = clustered.strip();
        DataSet sample = mnist.testSample(64);
        assertEquals(clustered.network().output(sample.getFeatures()), stripped.output(sample.getFeatures()));
        for (Row row : ClusterStatistics.of(stripped)) {
            assertTrue(row.getInt("distinct values") <= 4, row.toString());
            assertTrue(row.getInt("max distinct int8 per channel") <= 4, row.toString());
        }
    }

    @Test
    void perChannelFineTuningKeepsAtMostKValuesPerChannel() {
        ClusteredModel clustered = Clustering.cluster(baseline,
                ClusteringConfig.of(3, CentroidInit.KMEANS_PLUS_PLUS).withClustersPerChannel().reassignEvery(4));
        DistinctValueWatch watch = new DistinctValueWatch(true);
        clustered.training().printingTo(QUIET).withListeners(List.of(watch)).fit(train, null, 1);
        assertEquals(train.batchesPerEpoch(), watch.steps);
        assertEquals(3, watch.mostSeen, "at most K=3 values in any output channel after every step");
        double accuracy = accuracy(clustered.strip());
        assertTrue(accuracy > LEARNED, "baseline " + baselineAccuracy + ", per channel " + accuracy + ": guessing");
    }

    /**
     * k-means only ever lowers the clustering error its initialisation starts from, and each row's
     * accuracy is the accuracy of the network clustered from that initialisation (DL4J's own
     * evaluation of a network the test clusters again).
     */
    @Test
    void initialisationsCanBeComparedBeforeFineTuning() {
        ClusteringConfig config = ClusteringConfig.of(8, CentroidInit.LINEAR);
        Table compared = Tables.initialisations(8, ClusterStatistics.initialisations(baseline, config, test));
        Table initialOnly = Tables.initialisations(8,
                ClusterStatistics.initialisations(baseline, config.withMaxIterations(0), test));
        assertEquals(List.of("LINEAR", "RANDOM", "DENSITY_BASED", "KMEANS_PLUS_PLUS"),
                compared.stringColumn("initialisation").asList());
        for (int r = 0; r < 4; r++) {
            String init = compared.stringColumn("initialisation").get(r);
            assertTrue(compared.intColumn("k-means iterations").get(r) > 0, init);
            assertEquals(0, initialOnly.intColumn("k-means iterations").get(r), init);
            assertTrue(compared.doubleColumn("mean squared error").get(r)
                    <= initialOnly.doubleColumn("mean squared error").get(r), init);
            MultiLayerNetwork clustered = Clustering.cluster(baseline, config.withInit(CentroidInit.valueOf(init)))
                    .network();
            test.reset();
            double expected = 100 * clustered.evaluate(test).accuracy();
            assertEquals(expected, compared.doubleColumn("accuracy %").get(r), 1e-9, init + " accuracy");
        }
    }

    private static double accuracy(MultiLayerNetwork net) {
        return TrainedBaseline.get().accuracy(net);
    }

    /** Counts distinct kernel values after every training step (it runs after the clustering listener). */
    private static final class DistinctValueWatch extends BaseTrainingListener {
        final boolean perChannel;
        int steps;
        int mostSeen;

        DistinctValueWatch(boolean perChannel) {
            this.perChannel = perChannel;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            steps++;
            Table stats = ClusterStatistics.of((MultiLayerNetwork) model);
            String column = perChannel ? "max distinct per channel" : "distinct values";
            for (int value : stats.intColumn(column)) {
                mostSeen = Math.max(mostSeen, value);
            }
        }
    }

}
