package org.condition4j.cluster;

import org.condition4j.model.SeedCnn;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusteringTest {

    @Test
    void everyKernelOfTheSeedCnnHoldsAtMostKValuesAndBiasesAreUntouched() {
        MultiLayerNetwork baseline = SeedCnn.create();
        INDArray before = baseline.params().dup();
        ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.of(16, CentroidInit.LINEAR));
        MultiLayerNetwork net = clustered.network();

        assertEquals(before, baseline.params(), "the given network must not change");
        assertNotSame(baseline, net);
        Table stats = ClusterStatistics.of(net);
        assertEquals(List.of("conv1", "conv2", "conv3", "dense"), stats.stringColumn("name").asList());
        for (Row row : stats) {
            assertEquals(16, row.getInt("distinct values"), row.getString("name"));
        }
        for (String layer : List.of("conv1", "conv2", "conv3", "dense")) {
            assertEquals(baseline.getLayer(layer).getParam("b"), net.getLayer(layer).getParam("b"));
            assertTrue(ClusterStatistics.distinct(asFloats(baseline, layer)) > 200, "baseline " + layer);
        }
        Table summary = clustered.summary();
        assertEquals(4, summary.rowCount());
        assertEquals(List.of(16, 16, 16, 16), summary.intColumn("K").asList());
        assertEquals(List.of(16, 16, 16, 16), summary.intColumn("distinct values").asList());
        assertEquals(4 * 16, clustered.centroids().rowCount());
    }

    /** After converged k-means each weight holds the centroid nearest to its original value. */
    @Test
    void eachWeightTakesTheNearestCentroid() {
        MultiLayerNetwork baseline = SeedCnn.create();
        ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.of(8, CentroidInit.DENSITY_BASED));
        Table centroids = clustered.centroids();
        for (String layer : List.of("conv2", "dense")) {
            double[] layerCentroids = centroids.where(centroids.stringColumn("name").isEqualTo(layer))
                    .doubleColumn("centroid").asDoubleArray();
            float[] original = asFloats(baseline, layer);
            float[] clusteredValues = asFloats(clustered.network(), layer);
            for (int i = 0; i < original.length; i++) {
                double nearest = layerCentroids[0];
                for (double c : layerCentroids) {
                    if (Math.abs(original[i] - c) < Math.abs(original[i] - nearest)) {
                        nearest = c;
                    }
                }
                assertEquals((float) nearest, clusteredValues[i], layer + " weight " + i);
            }
            Table rows = clustered.summary().where(clustered.summary().stringColumn("name").isEqualTo(layer));
            assertTrue(rows.booleanColumn("converged").get(0), layer + " k-means converged");
            int members = centroids.where(centroids.stringColumn("name").isEqualTo(layer)).intColumn("weights")
                    .asList().stream().mapToInt(Integer::intValue).sum();
            assertEquals(original.length, members);
        }
    }

    @Test
    void perChannelClusteringKeepsAtMostKValuesPerOutputChannel() {
        MultiLayerNetwork baseline = SeedCnn.create();
        ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.of(4, CentroidInit.LINEAR).withClustersPerChannel());
        Table stats = ClusterStatistics.of(clustered.network());
        for (Row row : stats) {
            String name = row.getString("name");
            assertEquals(4, row.getInt("max distinct per channel"), name);
            assertTrue(row.getInt("max distinct int8 per channel") <= 4, name);
            // K per channel, not per layer: the kernel as a whole holds many more values
            assertTrue(row.getInt("distinct values") > 4 * row.getInt("channels") / 2, name);
        }
        assertEquals(32 * 4, clustered.centroids().where(clustered.centroids().stringColumn("name").isEqualTo("conv2"))
                .rowCount());
        assertEquals(Set.of("output channel"), new TreeSet<>(clustered.summary().stringColumn("K per").asList()));
    }

    /** The channel of a dense weight is its column; of a conv weight its first index. */
    @Test
    void perChannelGroupsFollowTheOutputChannelAxis() {
        MultiLayerNetwork baseline = SeedCnn.create();
        ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.of(3, CentroidInit.LINEAR).withClustersPerChannel());
        INDArray dense = clustered.network().getLayer("dense").getParam("W"); // [in, out]
        for (int out = 0; out < dense.size(1); out++) {
            assertTrue(distinct(dense.getColumn(out)) <= 3, "dense column " + out);
        }
        INDArray conv = clustered.network().getLayer("conv3").getParam("W"); // [out, in, kh, kw]
        for (int out = 0; out < conv.size(0); out++) {
            assertTrue(distinct(conv.slice(out)) <= 3, "conv3 filter " + out);
        }
    }

    /** Depthwise channels are (input channel, multiplier) pairs; separable layers have two kernels. */
    @Test
    void depthwiseAndSeparableLayersAreClusteredPerKernel() {
        MultiLayerNetwork baseline = Nets.depthwiseAndSeparable(3);
        List<Kernel> kernels = Kernel.all(baseline);
        assertEquals(List.of("depthwise W", "separable W", "separable pW", "hidden W", "out W"),
                kernels.stream().map(k -> k.layerName() + " " + k.param()).toList());
        Kernel depthwise = kernels.get(0); // W [kh, kw, in, multiplier] = [3, 3, 3, 2]
        int[] channelOf = depthwise.channelOfEach();
        assertEquals(6, depthwise.channels());
        assertEquals(1 * 2 + 1, channelOf[(int) (((0 * 3 + 2) * 3 + 1) * 2 + 1)], "kh 0, kw 2, in 1, m 1");
        Kernel separable = kernels.get(1); // W [multiplier, in, kh, kw] = [3, 6, 3, 3]
        assertEquals(18, separable.channels());
        assertEquals(4 * 3 + 2, separable.channelOfEach()[((2 * 6 + 4) * 3 + 1) * 3], "m 2, in 4");

        ClusteredModel perLayer = Clustering.cluster(baseline, ClusteringConfig.of(5, CentroidInit.KMEANS_PLUS_PLUS));
        for (Row row : ClusterStatistics.of(perLayer.network())) {
            assertEquals(5, row.getInt("distinct values"), row.getString("name") + " " + row.getString("param"));
        }
        ClusteredModel perChannel = Clustering.cluster(baseline,
                ClusteringConfig.of(4, CentroidInit.DENSITY_BASED).withClustersPerChannel().skip("out"));
        Table stats = ClusterStatistics.of(perChannel.network());
        for (int r = 0; r < 4; r++) {
            assertTrue(stats.intColumn("max distinct per channel").get(r) <= 4, stats.row(r).toString());
        }
        assertEquals(baseline.getLayer(3).getParam("W"), perChannel.network().getLayer(3).getParam("W"));
    }

    @Test
    void layersCanBeSkippedOrGivenTheirOwnK() {
        MultiLayerNetwork baseline = SeedCnn.create();
        ClusteredModel clustered = Clustering.cluster(baseline,
                ClusteringConfig.of(16, CentroidInit.LINEAR).skip("conv1").layer(5, 4).layer("conv3", 2));
        MultiLayerNetwork net = clustered.network();
        assertEquals(baseline.getLayer(0).getParam("W"), net.getLayer(0).getParam("W"));
        Table stats = ClusterStatistics.of(net);
        assertEquals(List.of(288, 16, 2, 4), stats.intColumn("distinct values").asList());
        assertEquals(List.of(1, 3, 5), clustered.summary().intColumn("layer").asList());
        // a later rule for the same layer wins
        ClusteredModel again = Clustering.cluster(baseline, ClusteringConfig.of(16, CentroidInit.LINEAR)
                .skip(0).layer("conv1", 3));
        assertEquals(3, ClusterStatistics.of(again.network()).intColumn("distinct values").get(0));
    }

    @Test
    void invalidKIsAClearErrorNamingTheLayer() {
        MultiLayerNetwork baseline = SeedCnn.create();
        String perChannel = message(() -> Clustering.cluster(baseline, ClusteringConfig.of(16, CentroidInit.LINEAR)
                .withClustersPerChannel()));
        assertContains(perChannel, "K=16", "layer 0 (ConvolutionLayer 'conv1')", "9 weights per output channel");

        MultiLayerNetwork tiny = tinyDense();
        String perLayer = message(() -> Clustering.cluster(tiny, ClusteringConfig.of(8, CentroidInit.LINEAR)));
        assertContains(perLayer, "K=8", "layer 1 (OutputLayer 'out')", "only 6 weights");

        assertContains(message(() -> ClusteringConfig.of(16, CentroidInit.LINEAR).layer("dense", 1)),
                "K=1", "layer 'dense'", "at least 2");
        assertContains(message(() -> ClusteringConfig.of(16, CentroidInit.LINEAR).layer(3, 0)), "K=0", "layer 3");
        assertContains(message(() -> ClusteringConfig.of(1, CentroidInit.LINEAR)), "K=1", "at least 2");
    }

    @Test
    void namingALayerThatCannotBeClusteredIsAClearError() {
        MultiLayerNetwork baseline = SeedCnn.create();
        assertContains(message(() -> Clustering.cluster(baseline, ClusteringConfig.defaults().layer("pool1", 4))),
                "layer 2 (SubsamplingLayer 'pool1')", "no kernel weights", "0 'conv1'", "5 'dense'");
        assertContains(message(() -> Clustering.cluster(baseline, ClusteringConfig.defaults().skip(4))),
                "layer 4 (SubsamplingLayer 'pool2')");
        assertContains(message(() -> Clustering.cluster(baseline, ClusteringConfig.defaults().skip("fc"))),
                "no layer 'fc'", "'conv1', 'conv2', 'pool1', 'conv3', 'pool2', 'dense'");
        assertContains(message(() -> Clustering.cluster(baseline, ClusteringConfig.defaults().layer(6, 4))),
                "no layer 6", "0..5");
        assertContains(message(() -> Clustering.cluster(baseline, ClusteringConfig.defaults()
                .skip(0).skip(1).skip(3).skip(5))), "Nothing to cluster");
    }

    @Test
    void layersWithWeightConstraintsAreRefused() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().name("hidden").nIn(4).nOut(8)
                        .constrainWeights(new MaxNormConstraint(1.0, 1)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        assertContains(message(() -> Clustering.cluster(net, ClusteringConfig.of(4, CentroidInit.LINEAR))),
                "layer 0 (DenseLayer 'hidden')", "constraints", "skip(0)");
        assertEquals(1, Clustering.cluster(net, ClusteringConfig.of(4, CentroidInit.LINEAR).skip("hidden"))
                .summary().rowCount());
    }

    @Test
    void stripGivesAPlainIndependentNetworkWithTheSameOutputs() {
        MultiLayerNetwork baseline = SeedCnn.create();
        ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.of(16, CentroidInit.KMEANS_PLUS_PLUS));
        MultiLayerNetwork stripped = clustered.strip();
        Nd4j.getRandom().setSeed(5);
        INDArray input = Nd4j.rand(8, 784);
        assertEquals(clustered.network().output(input), stripped.output(input));
        assertTrue(stripped.getListeners().isEmpty());
        assertEquals(clustered.network().getLayerWiseConfigurations(), stripped.getLayerWiseConfigurations());
        stripped.params().muli(2);
        assertEquals(16, ClusterStatistics.distinct(asFloats(clustered.network(), "conv2")));
        assertTrue(Arrays.equals(asFloats(clustered.network(), "dense"), asFloats(clustered.strip(), "dense")));
    }

    @Test
    void randomInitialisationIsRepeatableForASeed() {
        MultiLayerNetwork baseline = SeedCnn.create();
        ClusteringConfig config = ClusteringConfig.of(16, CentroidInit.RANDOM).withSeed(3);
        float[] first = asFloats(Clustering.cluster(baseline, config).network(), "conv2");
        assertArrayEquals(first, asFloats(Clustering.cluster(baseline, config).network(), "conv2"));
        float[] other = asFloats(Clustering.cluster(baseline, config.withSeed(4)).network(), "conv2");
        assertTrue(!Arrays.equals(first, other));
    }

    static float[] asFloats(MultiLayerNetwork net, String layer) {
        return net.getLayer(layer).getParam("W").dup('c').data().asFloat();
    }

    private static int distinct(INDArray array) {
        return ClusterStatistics.distinct(array.dup('c').data().asFloat());
    }

    private static MultiLayerNetwork tinyDense() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().name("hidden").nIn(4).nOut(3).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    private static String message(Runnable action) {
        return assertThrows(IllegalArgumentException.class, action::run).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
        }
    }
}
