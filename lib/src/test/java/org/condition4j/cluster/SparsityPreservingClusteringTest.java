package org.condition4j.cluster;

import org.condition4j.model.Training;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sparsity-preserving clustering on the small CNN with a pruning mask the test draws itself (a
 * seeded random two thirds of every kernel set to zero). Everything expected is counted by the
 * test in the network's own parameter arrays: which weights are zero, which share a value, how
 * many values each layer or output channel holds. Training uses the network's Adam, whose
 * momentum keeps pushing the masked weights off zero in every step (a probe before the clustering
 * listener sees it do so), so only the listener keeps them at zero.
 */
class SparsityPreservingClusteringTest {
    private static final int STEPS = 12;
    private static final double MASKED_SHARE = 2.0 / 3;
    /** The small CNN's kernels: conv1 W [8, 1, 3, 3], conv2 W [16, 8, 3, 3] (channel axis 0), dense W [784, 10] (axis 1). */
    private static final int[] KERNEL_LAYERS = {0, 2, 4};

    @Test
    void zerosAndAssignmentsHoldOverAdamStepsPerLayer() {
        int k = 8;
        MultiLayerNetwork net = maskedBaseline(11);
        Map<Integer, boolean[]> mask = zeroMask(net);
        // no re-assignment in these steps, so every weight must stay in the cluster it started in
        ClusteredModel clustered = Clustering.cluster(net, ClusteringConfig.of(k, CentroidInit.LINEAR)
                .withSparsityPreserved().withFixedAssignments());
        MultiLayerNetwork trained = clustered.network();
        Map<Integer, int[]> partitionBefore = new HashMap<>();
        for (int layer : KERNEL_LAYERS) {
            float[] w = kernel(trained, layer);
            assertZerosExactlyAt(mask.get(layer), w, "layer " + layer + " after clustering");
            assertTrue(distinct(w) <= k, "layer " + layer + ": " + distinct(w) + " values after clustering");
            partitionBefore.put(layer, partition(w));
        }
        float[] before = trained.params().dup().data().asFloat();

        StepWatch watch = new StepWatch(mask, k, false);
        OptimizerProbe probe = new OptimizerProbe(mask);
        train(trained, probe, clustered, watch);

        assertEquals(STEPS, watch.steps, "the watch ran after every step");
        assertEquals(List.of(), watch.failures, "after some step");
        assertTrue(probe.movedOffZero, "Adam moved masked weights off zero before the clustering listener ran "
                + "(otherwise this test would not exercise the listener)");
        assertNotEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(trained.params().data().asFloat()),
                "training changed the centroids");
        for (int layer : KERNEL_LAYERS) {
            int[] after = partition(kernel(trained, layer));
            assertTrue(java.util.Arrays.equals(partitionBefore.get(layer), after),
                    "layer " + layer + ": the weights that shared a value before training share one after it, "
                            + "and no others (cluster assignments preserved)");
        }
        MultiLayerNetwork stripped = clustered.strip();
        for (int layer : KERNEL_LAYERS) {
            assertZerosExactlyAt(mask.get(layer), kernel(stripped, layer), "stripped layer " + layer);
        }
    }

    @Test
    void theZeroCentroidStaysFixedAndHoldsExactlyTheMaskWhileOthersAreReassigned() {
        int k = 6;
        MultiLayerNetwork net = maskedBaseline(12);
        Map<Integer, boolean[]> mask = zeroMask(net);
        ClusteredModel clustered = Clustering.cluster(net, ClusteringConfig.of(k, CentroidInit.DENSITY_BASED)
                .withSparsityPreserved()); // re-assignment in every step
        assertZeroCentroids(clustered, mask, "before training");
        StepWatch watch = new StepWatch(mask, k, false);
        train(clustered.network(), new OptimizerProbe(mask), clustered, watch);
        assertEquals(List.of(), watch.failures, "after some step");
        assertZeroCentroids(clustered, mask, "after " + STEPS + " steps");
        for (Row row : clustered.summary()) {
            int layer = row.getInt("layer");
            assertEquals(count(mask.get(layer)), row.getInt("fixed zeros"), "layer " + layer);
        }
    }

    @Test
    void perChannelKeepsZerosAndAtMostKValuesInEveryOutputChannel() {
        int k = 4;
        MultiLayerNetwork net = maskedBaseline(13);
        // edge cases: conv2's channel 0 entirely zero, channel 1 with only two non-zero weights (< K - 1)
        float[] conv2 = kernel(net, 2);
        int perChannel = conv2.length / 16;
        for (int i = 0; i < 2 * perChannel; i++) {
            conv2[i] = i == perChannel + 5 || i == perChannel + 40 ? 0.25f * (i % 2 == 0 ? 1 : -1) : 0f;
        }
        net.getLayer(2).getParam("W").assign(org.nd4j.linalg.factory.Nd4j.create(conv2,
                net.getLayer(2).getParam("W").shape(), 'c'));
        Map<Integer, boolean[]> mask = zeroMask(net);
        ClusteredModel clustered = Clustering.cluster(net, ClusteringConfig.of(k, CentroidInit.KMEANS_PLUS_PLUS)
                .withClustersPerChannel().withSparsityPreserved());
        StepWatch watch = new StepWatch(mask, k, true);
        train(clustered.network(), new OptimizerProbe(mask), clustered, watch);
        assertEquals(STEPS, watch.steps);
        assertEquals(List.of(), watch.failures, "after some step");
        float[] after = kernel(clustered.strip(), 2);
        for (int i = 0; i < perChannel; i++) {
            assertEquals(0f, after[i], "conv2 channel 0 stays entirely zero");
        }
        Set<Float> channel1 = new HashSet<>();
        for (int i = perChannel; i < 2 * perChannel; i++) {
            channel1.add(after[i]);
        }
        assertTrue(channel1.contains(0f) && channel1.size() <= 3, "channel 1: zero and its two weights' values, found "
                + channel1);
        assertTrue(distinct(kernel(clustered.network(), 2)) > k, "per channel, not per layer: conv2 holds more "
                + "than K values in total");
    }

    @Test
    void configurationIsImmutableAndSaysSo() {
        ClusteringConfig plain = ClusteringConfig.of(16, CentroidInit.LINEAR);
        ClusteringConfig keeping = plain.withSparsityPreserved();
        assertFalse(plain.preservesSparsity());
        assertTrue(keeping.preservesSparsity());
        assertTrue(keeping.withClustersPerChannel().preservesSparsity() && keeping.reassignEvery(3).preservesSparsity()
                && keeping.withInit(CentroidInit.RANDOM).withSeed(1).withMaxIterations(0).layer(0, 4).preservesSparsity());
        assertTrue(keeping.toString().contains("zero"), keeping.toString());
        assertFalse(plain.toString().contains("zero"), plain.toString());
    }

    /** A copy of the trained small CNN with a seeded random two thirds of every kernel set to zero. */
    private static MultiLayerNetwork maskedBaseline(long seed) {
        MultiLayerNetwork net = TrainedBaseline.get().net.clone();
        Random random = new Random(seed);
        for (int layer : KERNEL_LAYERS) {
            float[] w = kernel(net, layer);
            for (int i = 0; i < w.length; i++) {
                if (random.nextDouble() < MASKED_SHARE) {
                    w[i] = 0f;
                }
            }
            net.getLayer(layer).getParam("W").assign(org.nd4j.linalg.factory.Nd4j.create(w,
                    net.getLayer(layer).getParam("W").shape(), 'c'));
        }
        return net;
    }

    private static Map<Integer, boolean[]> zeroMask(MultiLayerNetwork net) {
        Map<Integer, boolean[]> mask = new HashMap<>();
        for (int layer : KERNEL_LAYERS) {
            float[] w = kernel(net, layer);
            boolean[] zero = new boolean[w.length];
            for (int i = 0; i < w.length; i++) {
                zero[i] = w[i] == 0;
            }
            assertTrue(count(zero) > w.length / 2, "the mask zeroes most of layer " + layer);
            mask.put(layer, zero);
        }
        return mask;
    }

    private static void train(MultiLayerNetwork net, OptimizerProbe probe, ClusteredModel clustered, StepWatch watch) {
        Training.of(net).printingTo(TrainedBaseline.QUIET)
                .withListeners(List.of(probe))
                .withListeners(clustered.listeners())
                .withListeners(List.of(watch))
                .fit(TrainedBaseline.get().mnist.train(64, 64 * STEPS), null, 1);
    }

    /** Per group, centroid 0 is exactly 0 and holds exactly the masked weights of that group. */
    private static void assertZeroCentroids(ClusteredModel clustered, Map<Integer, boolean[]> mask, String when) {
        Table centroids = clustered.centroids();
        int zeroCentroids = 0;
        for (Row row : centroids) {
            if (row.getInt("cluster") == 0) {
                assertEquals(0.0, row.getDouble("centroid"), when + ": " + row);
                assertEquals(count(mask.get(row.getInt("layer"))), row.getInt("weights"), when + ": " + row);
                zeroCentroids++;
            } else {
                assertNotEquals(0.0, row.getDouble("centroid"), when + ": only cluster 0 is zero: " + row);
            }
        }
        assertEquals(KERNEL_LAYERS.length, zeroCentroids, when + ": one fixed zero per layer");
    }

    private static float[] kernel(MultiLayerNetwork net, int layer) {
        return net.getLayer(layer).getParam("W").dup('c').data().asFloat();
    }

    private static void assertZerosExactlyAt(boolean[] mask, float[] w, String where) {
        for (int i = 0; i < w.length; i++) {
            if (mask[i]) {
                assertEquals(0f, w[i], where + ": masked weight " + i + " is no longer zero");
            } else {
                assertNotEquals(0f, w[i], where + ": weight " + i + " became zero");
            }
        }
    }

    /** For each weight, the index of the first weight holding the same value: equal arrays mean equal groupings. */
    private static int[] partition(float[] w) {
        Map<Float, Integer> first = new HashMap<>();
        int[] classes = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            classes[i] = first.computeIfAbsent(w[i], v -> classes.length + first.size());
        }
        return classes;
    }

    private static int distinct(float[] w) {
        Set<Float> values = new HashSet<>();
        for (float v : w) {
            values.add(v);
        }
        return values.size();
    }

    /** The most distinct values in one output channel of the kernel of {@code layer}, counted from its shape. */
    private static int perChannelDistinctMax(MultiLayerNetwork net, int layer) {
        long[] shape = net.getLayer(layer).getParam("W").shape();
        float[] w = kernel(net, layer);
        boolean dense = shape.length == 2; // W [in, out]: channel = index % out; conv W [out, ...]: index / (size / out)
        int channels = (int) (dense ? shape[1] : shape[0]);
        List<Set<Float>> values = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            values.add(new HashSet<>());
        }
        for (int i = 0; i < w.length; i++) {
            values.get(dense ? i % channels : i / (w.length / channels)).add(w[i]);
        }
        return values.stream().mapToInt(Set::size).max().orElseThrow();
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            if (f) {
                n++;
            }
        }
        return n;
    }

    /** Runs before the clustering listener: did the optimizer move any masked weight off zero? */
    private static final class OptimizerProbe extends BaseTrainingListener {
        final Map<Integer, boolean[]> mask;
        boolean movedOffZero;

        OptimizerProbe(Map<Integer, boolean[]> mask) {
            this.mask = mask;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            for (int layer : KERNEL_LAYERS) {
                float[] w = kernel((MultiLayerNetwork) model, layer);
                boolean[] zero = mask.get(layer);
                for (int i = 0; i < w.length; i++) {
                    movedOffZero |= zero[i] && w[i] != 0;
                }
            }
        }
    }

    /** Runs after the clustering listener: zeros exactly at the mask, at most K values per layer or channel. */
    private static final class StepWatch extends BaseTrainingListener {
        final Map<Integer, boolean[]> mask;
        final int k;
        final boolean perChannel;
        final List<String> failures = new ArrayList<>();
        int steps;

        StepWatch(Map<Integer, boolean[]> mask, int k, boolean perChannel) {
            this.mask = mask;
            this.k = k;
            this.perChannel = perChannel;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            steps++;
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            for (int layer : KERNEL_LAYERS) {
                float[] w = kernel(net, layer);
                boolean[] zero = mask.get(layer);
                for (int i = 0; i < w.length; i++) {
                    if (zero[i] != (w[i] == 0)) {
                        failures.add("step " + steps + ", layer " + layer + ", weight " + i + ": " + w[i]
                                + (zero[i] ? " should be zero" : " became zero"));
                        return;
                    }
                }
                int values = perChannel ? perChannelDistinctMax(net, layer) : distinct(w);
                if (values > k) {
                    failures.add("step " + steps + ", layer " + layer + ": " + values + " distinct values"
                            + (perChannel ? " in one output channel" : "") + ", more than K = " + k);
                }
            }
        }
    }
}
