package org.condition4j.channels;

import org.condition4j.data.Mnist;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.layers.Capability;
import org.condition4j.layers.LayerKind;
import org.condition4j.layers.LayerRegistry;
import org.condition4j.model.Training;
import org.condition4j.prune.PruningSchedule;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channel pruning of the seed CNN (trained briefly) and of the network with every layer kind:
 * the channel counts follow the schedule step by step (expected counts computed here from the
 * share), the smaller network computes what the masked one does on real MNIST images, the
 * written .tflite holds only the kept channels (shapes read from the file), the norm criteria
 * remove the channels whose norms this test computes smallest, and bad configurations fail
 * clearly.
 */
class ChannelPruningTest {
    private static final int BATCH = 64;
    private static final int CHANNELS = 32; // each of the seed CNN's convolutions
    private static final int[] CONVS = {0, 1, 3};
    private static final int DENSE = 5;
    private static final int POOLED_AREA = 7 * 7; // conv3's map after the second pool, flattened into the dense layer
    /** Outputs of the smaller network against the masked one: float32 rounding of sums taken in another order. */
    private static final double TOLERANCE = 1e-5;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    static Path dir;

    private static Mnist mnist;
    private static DataSet images;
    private static MultiLayerNetwork seed;
    /** Share 0.25 at step 0, 0.375 at step 4, 0.5 from step 8 (linear decay, pruning every 4 steps). */
    private static final PruningSchedule SCHEDULE = PruningSchedule.polynomialDecay(0.25, 0.5, 0, 8, 1, 4);
    private static final int STEPS = 10;
    private static ChannelPrunedModel slim;
    private static final List<List<int[]>> removedPerStep = new ArrayList<>();
    private static MultiLayerNetwork sliced;

    @BeforeAll
    static void pruneTheSeedCnn() {
        mnist = TestNetworks.mnist();
        images = mnist.testSample(500);
        seed = TestNetworks.seedCnn();
        slim = ChannelPruning.of(seed).prune(SCHEDULE);
        removedPerStep.add(removed(slim));
        TrainingListener recorder = new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                removedPerStep.add(removed(slim));
            }
        };
        List<TrainingListener> listeners = new ArrayList<>(slim.listeners());
        listeners.add(recorder); // after the pruning listener, so it sees each step's result
        Training.of(slim.network()).printingTo(QUIET).withListeners(listeners)
                .fit(mnist.train(BATCH, STEPS * BATCH), null, 1);
        sliced = slim.strip();
    }

    @Test
    void theChannelCountsFollowTheScheduleAndRemovedChannelsStayRemoved() {
        assertEquals(STEPS, slim.step());
        assertEquals(STEPS + 1, removedPerStep.size());
        for (int step = 0; step <= STEPS; step++) {
            // the share in effect: the value at the last pruning step (0, 4, 8), linear from 0.25 to 0.5
            int lastPruning = Math.min(8, step / 4 * 4);
            double share = 0.25 + 0.25 * lastPruning / 8.0;
            int expectedRemoved = CHANNELS - (int) Math.round(CHANNELS * (1 - share));
            List<int[]> removed = removedPerStep.get(step);
            assertEquals(3, removed.size(), "conv1, conv2 and conv3 are pruned; the dense layer's outputs are the classes");
            for (int k = 0; k < removed.size(); k++) {
                assertEquals(expectedRemoved, removed.get(k).length, "step " + step + ", layer " + CONVS[k]);
                if (step > 0) {
                    Set<Integer> now = set(removed.get(k));
                    assertTrue(now.containsAll(set(removedPerStep.get(step - 1).get(k))),
                            "step " + step + ", layer " + CONVS[k] + ": a removed channel came back");
                }
            }
        }
        assertEquals(List.of(8, 12, 16), List.of(removedPerStep.get(0).get(0).length,
                removedPerStep.get(4).get(0).length, removedPerStep.get(8).get(0).length));
    }

    @Test
    void theMaskedNetworkHoldsEveryRemovedChannelAtZero() {
        MultiLayerNetwork masked = slim.network();
        List<int[]> removed = removed(slim);
        for (int k = 0; k < CONVS.length; k++) {
            int layer = CONVS[k];
            // row-major copies: a convolution's W is [out, in, 3, 3], the dense layer's [in, 10]
            float[] w = masked.getLayer(layer).getParam("W").dup('c').data().asFloat();
            float[] b = masked.getLayer(layer).getParam("b").dup('c').data().asFloat(); // one bias per channel
            int in = w.length / CHANNELS / 9;
            int consumer = k + 1 < CONVS.length ? CONVS[k + 1] : DENSE;
            float[] next = masked.getLayer(consumer).getParam("W").dup('c').data().asFloat();
            for (int c : removed.get(k)) {
                for (int i = c * in * 9; i < (c + 1) * in * 9; i++) {
                    assertEquals(0.0, Math.abs(w[i]), "layer " + layer + " filter " + c);
                }
                assertEquals(0.0, Math.abs(b[c]), "layer " + layer + " bias " + c); // -0.0 where a negative bias was masked
                if (consumer == DENSE) {
                    // NCHW flatten: channel c is the dense layer's inputs c*49 .. c*49+48
                    for (int row = c * POOLED_AREA; row < (c + 1) * POOLED_AREA; row++) {
                        for (int j = 0; j < 10; j++) {
                            assertEquals(0.0, Math.abs(next[row * 10 + j]), "dense input " + row + " of channel " + c);
                        }
                    }
                } else {
                    for (int o = 0; o < CHANNELS; o++) {
                        for (int i = (o * CHANNELS + c) * 9; i < (o * CHANNELS + c + 1) * 9; i++) {
                            assertEquals(0.0, Math.abs(next[i]), "layer " + consumer + " filter " + o + " input " + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theSmallerNetworkHasTheBudgetsShapesAndComputesWhatTheMaskedOneDoesOnMnist() {
        int kept = CHANNELS - (CHANNELS - (int) Math.round(CHANNELS * (1 - 0.5)));
        for (int layer : CONVS) {
            assertEquals(kept, nOut(sliced, layer), "layer " + layer);
        }
        assertEquals(1, nIn(sliced, 0));
        assertEquals(kept, nIn(sliced, 1));
        assertEquals(kept, nIn(sliced, 3));
        assertEquals(kept * POOLED_AREA, nIn(sliced, DENSE));
        long params = (9L * kept + kept) + 2 * (9L * kept * kept + kept) + (10L * kept * POOLED_AREA + 10);
        assertEquals(params, sliced.numParams());
        assertEquals(0, sliced.getListeners() == null ? 0 : sliced.getListeners().size());
        assertSameOutputs(slim.network(), sliced, images.getFeatures(), "seed CNN");
    }

    @Test
    void theWrittenFilesHoldOnlyTheKeptChannels() {
        int kept = 16;
        DataSet calibration = mnist.trainSample(100);
        Path int8 = TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(sliced), calibration))
                .writeTo(dir.resolve("sliced_int8.tflite"));
        Path float32 = TfliteExport.float32(InferenceGraph.of(sliced)).writeTo(dir.resolve("sliced_float.tflite"));
        Path plain = TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(seed), calibration))
                .writeTo(dir.resolve("plain_int8.tflite"));
        List<int[]> expected = List.of(new int[] {kept, 3, 3, 1}, new int[] {kept, 3, 3, kept},
                new int[] {kept, 3, 3, kept}, new int[] {10, kept * POOLED_AREA});
        assertEquals(shapes(expected), shapes(weightShapes(TfliteModel.read(int8))), "int8 file");
        assertEquals(shapes(expected), shapes(weightShapes(TfliteModel.read(float32))), "float32 file");
        assertEquals(shapes(List.of(new int[] {32, 3, 3, 1}, new int[] {32, 3, 3, 32}, new int[] {32, 3, 3, 32},
                new int[] {10, 32 * POOLED_AREA})), shapes(weightShapes(TfliteModel.read(plain))), "plain int8 file");
        // every weight and bias value the file stores, counted against the budget
        TfliteModel model = TfliteModel.read(int8);
        long weights = 0;
        for (String name : model.weightTensorNames()) {
            weights += model.int8Values(name).length;
        }
        assertEquals(9L * kept + 2 * 9L * kept * kept + 10L * kept * POOLED_AREA, weights);
        long biases = 0;
        for (String name : model.biasTensorNames()) {
            biases += model.int32Values(name).length;
        }
        assertEquals(3L * kept + 10, biases);
        // every activation between the layers has the kept channel count
        for (TfliteModel.OperatorInfo op : model.operators()) {
            if (op.op().equals("CONV_2D") || op.op().equals("MAX_POOL_2D")) {
                int[] out = model.tensor(op.outputs().get(0)).shape();
                assertEquals(kept, out[out.length - 1], op.op() + " " + op.outputs().get(0));
            }
        }
    }

    @Test
    void theNormCriteriaRemoveTheChannelsWithTheSmallestNormsComputedHere() {
        for (ChannelCriterion criterion : List.of(ChannelCriterion.L2, ChannelCriterion.L1)) {
            ChannelPrunedModel pruned = ChannelPruning.of(seed).withCriterion(criterion)
                    .prune(PruningSchedule.constant(0.25, 0, 100));
            List<int[]> removed = removed(pruned);
            for (int k = 0; k < CONVS.length; k++) {
                float[] w = seed.getLayer(CONVS[k]).getParam("W").dup('c').data().asFloat();
                int per = w.length / CHANNELS; // W is [out, in, 3, 3]: each filter is a contiguous run
                double[] norm = new double[CHANNELS];
                for (int c = 0; c < CHANNELS; c++) {
                    for (int i = c * per; i < (c + 1) * per; i++) {
                        norm[c] += criterion == ChannelCriterion.L1 ? Math.abs(w[i]) : (double) w[i] * w[i];
                    }
                }
                int[] weakest = IntStream.range(0, CHANNELS).boxed().sorted((a, b) -> Double.compare(norm[a], norm[b]))
                        .limit(8).mapToInt(Integer::intValue).sorted().toArray();
                assertArrayEquals(weakest, removed.get(k), criterion + ", layer " + CONVS[k]);
            }
        }
    }

    @Test
    void theTaylorCriterionRemovesADeadChannelAndTheSmallerNetworkStillMatches() {
        MultiLayerNetwork net = seed.clone();
        int dead = 5; // conv2's channel 5 outputs ReLU(0) = 0 everywhere: its Taylor score is exactly 0
        net.getLayer(1).getParam("W").get(NDArrayIndex.point(dead)).assign(0);
        net.getLayer(1).getParam("b").putScalar(0, dead, 0);
        ChannelPrunedModel taylor = ChannelPruning.of(net).withCriterion(ChannelCriterion.TAYLOR).only("conv2")
                .prune(PruningSchedule.constant(0.25, 3, 100));
        assertEquals(0, removed(taylor).get(0).length, "nothing removed before the first pruning step");
        Training.of(taylor.network()).printingTo(QUIET).withListeners(taylor.listeners())
                .fit(mnist.train(BATCH, 4 * BATCH), null, 1);
        int[] removed = removed(taylor).get(0);
        assertEquals(8, removed.length);
        assertTrue(set(removed).contains(dead), "the dead channel is among the removed: " + Arrays.toString(removed));
        MultiLayerNetwork smaller = taylor.strip();
        assertEquals(24, nOut(smaller, 1));
        assertEquals(24, nIn(smaller, 3));
        assertEquals(32, nOut(smaller, 3));
        assertSameOutputs(taylor.network(), smaller, images.getFeatures(), "Taylor, conv2 only");

        assertThrows(IllegalArgumentException.class, () -> ChannelPruning.of(seed).withCriterion(ChannelCriterion.TAYLOR)
                .prune(PruningSchedule.constant(0.5)), "Taylor scores need training before the first removal");
    }

    @Test
    void channelsGoThroughBatchNormDepthwiseSeparableGlobalPoolingAndDense() {
        MultiLayerNetwork every = TestNetworks.everyLayer();
        ChannelPrunedModel pruned = ChannelPruning.of(every).prune(PruningSchedule.constant(0.5, 0, 100));
        assertEquals(List.of("layer 0 (ConvolutionLayer 'conv')", "layer 4 (SeparableConvolution2D 'separable')",
                "layer 8 (ConvolutionLayer 'conv_s2')", "layer 13 (DenseLayer 'dense')"),
                ChannelPruning.of(every).prunableLayers());
        MultiLayerNetwork smaller = pruned.strip();
        // conv 8 -> 4; bn1 4; depthwise (multiplier 2) reads 4, writes 8; separable reads 8, writes 16 -> 8;
        // bn2 8; conv_s2 reads 8, writes 16 -> 8; bn3 8; dense reads 8 (global pool), writes 32 -> 16; output reads 16
        assertEquals(4, nOut(smaller, 0));
        assertEquals(4, nOut(smaller, 1));
        assertEquals(4, nIn(smaller, 3));
        assertEquals(8, nOut(smaller, 3));
        assertEquals(8, nIn(smaller, 4));
        assertEquals(8, nOut(smaller, 4));
        assertEquals(8, nOut(smaller, 5));
        assertEquals(8, nIn(smaller, 8));
        assertEquals(8, nOut(smaller, 8));
        assertEquals(8, nOut(smaller, 9));
        assertEquals(8, nIn(smaller, 13));
        assertEquals(16, nOut(smaller, 13));
        assertEquals(16, nIn(smaller, 14));
        assertSameOutputs(pruned.network(), smaller, images.getFeatures(), "every-layer network");
        // and the smaller network exports
        TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(smaller), mnist.trainSample(50)))
                .writeTo(dir.resolve("every_sliced.tflite"));
    }

    @Test
    void anNhwcFlattenMapsEachChannelToEveryPixelsSlot() {
        MultiLayerNetwork nhwc = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3).updater(new Adam(0.001)).weightInit(WeightInit.XAVIER_UNIFORM)
                .convolutionMode(ConvolutionMode.Same).list()
                // sigmoid(0) = 1/2: a removed channel still sends values, so the dense inputs reading it must go too
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv").dataFormat(CNN2DFormat.NHWC).nOut(8)
                        .activation(Activation.SIGMOID).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).dataFormat(CNN2DFormat.NHWC)
                        .kernelSize(4, 4).stride(4, 4).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1, CNN2DFormat.NHWC)).build());
        nhwc.init();
        ChannelPrunedModel pruned = ChannelPruning.of(nhwc).prune(PruningSchedule.constant(0.5, 0, 100));
        MultiLayerNetwork smaller = pruned.strip();
        assertEquals(4 * 49, nIn(smaller, 2));
        INDArray x = images.getFeatures().reshape(images.numExamples(), 28, 28, 1);
        assertSameOutputs(pruned.network(), smaller, x, "NHWC");
    }

    @Test
    void theChannelMultipleRoundsEachBudgetToTheNearestMultiple() {
        // 32 * (1 - 0.4) = 19.2 channels -> 19; the nearest multiple of 8 is 16
        ChannelPrunedModel pruned = ChannelPruning.of(seed).withChannelMultiple(8).prune(PruningSchedule.constant(0.4, 0, 100));
        for (ChannelPrunedModel.LayerChannels row : pruned.channels()) {
            assertEquals(16, row.kept(), row.name());
        }
        assertEquals(8, ChannelPruning.of(seed).forAccelerator("ethos-u55-128").channelMultiple());
        assertEquals(1, ChannelPruning.of(seed).forAccelerator("ethos-u85-256").withChannelMultiple(1).channelMultiple());
        // the rule written out: at least one multiple, all channels once the nearest multiple reaches them
        assertEquals(16, ChannelPruning.keptChannels(32, 0.5, 16));
        assertEquals(16, ChannelPruning.keptChannels(32, 0.3, 16)); // 22.4 -> 22 -> 16
        assertEquals(32, ChannelPruning.keptChannels(32, 0.2, 16)); // 25.6 -> 26 -> 32
        assertEquals(16, ChannelPruning.keptChannels(32, 0.9, 16)); // 3 -> at least one block
        assertEquals(3, ChannelPruning.keptChannels(32, 0.9, 1));
        assertEquals(1, ChannelPruning.keptChannels(4, 0.99, 1));
        assertEquals(3, ChannelPruning.keptChannels(6, 0.5, 8)); // fewer channels than one block: no rounding
    }

    @Test
    void aLayerMayHaveItsOwnSchedule() {
        ChannelPrunedModel pruned = ChannelPruning.of(seed).withSchedule("conv1", PruningSchedule.constant(0.25, 0, 100))
                .prune(PruningSchedule.constant(0.5, 0, 100));
        assertEquals(List.of(24, 16, 16), pruned.channels().stream().map(ChannelPrunedModel.LayerChannels::kept).toList());
        MultiLayerNetwork smaller = pruned.strip();
        assertEquals(24, nOut(smaller, 0));
        assertEquals(24, nIn(smaller, 1));
        assertSameOutputs(pruned.network(), smaller, images.getFeatures(), "conv1 on its own schedule");
        assertThrows(IllegalArgumentException.class, () -> ChannelPruning.of(seed)
                .withSchedule("dense", PruningSchedule.constant(0.5)));
        assertThrows(IllegalArgumentException.class, () -> ChannelPruning.of(seed).except("conv1")
                .withSchedule("conv1", PruningSchedule.constant(0.25)).prune(PruningSchedule.constant(0.5)));
    }

    @Test
    void badConfigurationsFailSayingWhatToDo() {
        ChannelPruning pruning = ChannelPruning.of(seed);
        assertThrows(IllegalArgumentException.class, () -> pruning.withChannelMultiple(0));
        assertThrows(IllegalArgumentException.class, () -> pruning.withCriterion(null));
        assertThrows(IllegalArgumentException.class, () -> pruning.prune(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pruning.except("dense"));
        assertTrue(e.getMessage().contains("prunable: [layer 0 (ConvolutionLayer 'conv1')"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pruning.only("pool1"));
        assertThrows(IllegalArgumentException.class, () -> pruning.only("nope"));
        assertThrows(IllegalArgumentException.class, () -> pruning.except("conv1").only("conv2")
                .prune(PruningSchedule.constant(0.5)));
        assertThrows(IllegalArgumentException.class, () -> pruning.except("conv1", "conv2", "conv3")
                .prune(PruningSchedule.constant(0.5)));
        IllegalStateException foreign = assertThrows(IllegalStateException.class, () -> {
            ChannelPrunedModel model = pruning.prune(PruningSchedule.constant(0.5));
            Training.of(seed.clone()).printingTo(QUIET).withListeners(model.listeners()).fit(mnist.train(BATCH, BATCH), null, 1);
        });
        assertTrue(foreign.getMessage().contains("belong to ChannelPrunedModel.network()"), foreign.getMessage());
    }

    @Test
    void everyKindTheRegistryLetsChannelPruningHandleHasAChannelFlowAndNoOther() {
        for (LayerKind kind : LayerRegistry.kinds()) {
            assertEquals(kind.supports(Capability.CHANNEL_PRUNING), ChannelFlow.known(kind.type()) != null, kind.name());
        }
    }

    // ---- helpers, independent of the code under test

    static void assertSameOutputs(MultiLayerNetwork masked, MultiLayerNetwork smaller, INDArray x, String what) {
        float[] a = masked.output(x, false).dup('c').data().asFloat();
        float[] b = smaller.output(x, false).dup('c').data().asFloat();
        assertEquals(a.length, b.length, what);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        System.out.printf("%s: largest output difference, masked vs smaller network, %.3g on %d images%n",
                what, worst, x.size(0));
        assertTrue(worst <= TOLERANCE, what + ": outputs differ by " + worst + " > " + TOLERANCE);
    }

    static List<int[]> removed(ChannelPrunedModel model) {
        return model.channels().stream().map(ChannelPrunedModel.LayerChannels::removed).toList();
    }

    static long nOut(MultiLayerNetwork net, int layer) {
        return ((FeedForwardLayer) net.getLayerWiseConfigurations().getConf(layer).getLayer()).getNOut();
    }

    static long nIn(MultiLayerNetwork net, int layer) {
        return ((FeedForwardLayer) net.getLayerWiseConfigurations().getConf(layer).getLayer()).getNIn();
    }

    /** The weight tensor shape of every CONV_2D and FULLY_CONNECTED op, in the file's order. */
    static List<int[]> weightShapes(TfliteModel model) {
        List<int[]> shapes = new ArrayList<>();
        for (TfliteModel.OperatorInfo op : model.operators()) {
            if (op.op().equals("CONV_2D") || op.op().equals("FULLY_CONNECTED") || op.op().equals("DEPTHWISE_CONV_2D")) {
                shapes.add(model.tensor(op.inputs().get(1)).shape());
            }
        }
        return shapes;
    }

    static List<String> shapes(List<int[]> shapes) {
        return shapes.stream().map(Arrays::toString).toList();
    }

    private static Set<Integer> set(int[] values) {
        Set<Integer> set = new HashSet<>();
        for (int v : values) {
            set.add(v);
        }
        return set;
    }
}
