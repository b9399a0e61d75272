package org.condition4j.tflite;

import org.condition4j.graph.FloatInference;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8 .tflite, run by the real TFLite interpreter, computes bit for bit what an independent
 * integer implementation ({@link IntegerReference}) computes. Every tensor is checked: the model
 * is exported once per op, cut after that op, so that each intermediate tensor is a model output.
 */
class Int8ExportTest {
    private static final int IMAGES = 100;
    /**
     * Interpreter threads: the 2.6 interpreter's int8 convolutions are slow (about 40 images/s for
     * the seed CNN on one thread, twice that on two). The thread count must not change a single
     * output value, and the bit-exact tests below would show it if it did.
     */
    private static final int THREADS = 2;
    /**
     * Bounds on how far a dequantized int8 tensor may lie from the float network's, in steps of its
     * own scale, over 100 test images. Rounding alone puts a tensor half a step away; each layer
     * adds its input's error multiplied by the weights, so errors grow along the network. Measured
     * (seed CNN / every-layer network): mean 0.16-0.34 / 0.16-0.62 steps per tensor, largest
     * 1.2-1.5 steps before the dense layer and 28.6 at the seed CNN's logits (1,568 inputs summed),
     * up to 17 in the every-layer network. Bounds: mean at most 0.75 step, largest 32 steps. A
     * wrong scale, zero point or bias moves the mean by far more.
     */
    private static final double MAX_STEPS_OFF = 32, MAX_MEAN_STEPS_OFF = 0.75;
    /**
     * Per image, the largest difference of a dequantized probability from the float network's.
     * Measured over 100 test images: 0.0225 (seed CNN), 0.0020 (every-layer network).
     */
    private static final double MAX_PROBABILITY_OFF = 0.03;

    @Test
    void seedCnnInt8TensorsEqualTheIntegerReference() {
        assertBitExact(TestNetworks.seedCnn());
    }

    @Test
    void everyLayerNetworkInt8TensorsEqualTheIntegerReference() {
        assertBitExact(TestNetworks.everyLayer());
    }

    @Test
    void perTensorWeightScalesAreBitExactToo() {
        assertBitExact(TestNetworks.everyLayer(), true);
    }

    private static void assertBitExact(MultiLayerNetwork net) {
        assertBitExact(net, false);
    }

    private static void assertBitExact(MultiLayerNetwork net, boolean perTensorWeights) {
        InferenceGraph graph = InferenceGraph.of(net);
        QuantizedGraph calibrated = PostTrainingQuantization.calibrate(graph, TestNetworks.mnist().trainSample(100));
        QuantizedGraph q = perTensorWeights ? calibrated.withPerTensorWeights() : calibrated;
        if (perTensorWeights) {
            for (int k = 0; k < graph.ops().size(); k++) {
                if (q.weights(k) != null) {
                    assertEquals(1, q.weights(k).scales().length, "op " + k + " has more than one weight scale");
                }
            }
        }
        DataSet test = TestNetworks.mnist().testSample(IMAGES);
        float[][] features = test.getFeatures().toFloatMatrix();
        float[][] inputs = graph.inputs(test.getFeatures());
        IntegerReference reference = new IntegerReference(q);
        int[][][] expected = new int[IMAGES][][];
        float[][][] exact = new float[IMAGES][][];
        FloatInference floats = FloatInference.of(graph);
        for (int i = 0; i < IMAGES; i++) {
            expected[i] = reference.run(inputs[i]);
            exact[i] = floats.runAll(inputs[i]);
        }
        List<String> tooFar = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        long compared = 0;
        for (int k = 0; k < graph.ops().size(); k++) {
            Op op = graph.op(k);
            if (op instanceof Softmax) {
                continue;
            }
            try (TfliteInterpreter tflite = TfliteInterpreter.of(TfliteExport.int8(q.prefix(k + 1)).toBytes(), THREADS)) {
                int differing = 0;
                int worst = 0;
                double scale = q.params(k + 1).scale();
                int zeroPoint = q.params(k + 1).zeroPoint();
                double largestError = 0;
                double errorSum = 0;
                for (int i = 0; i < IMAGES; i++) {
                    byte[] actual = tflite.runRaw(features[i]);
                    int[] want = expected[i][k + 1];
                    assertEquals(want.length, actual.length, op.name());
                    for (int v = 0; v < want.length; v++) {
                        if (actual[v] != want[v]) {
                            differing++;
                            worst = Math.max(worst, Math.abs(actual[v] - want[v]));
                        }
                        // the dequantized value against the float network's, in steps of this tensor's scale
                        double error = Math.abs(scale * (actual[v] - zeroPoint) - exact[i][k + 1][v]) / scale;
                        largestError = Math.max(largestError, error);
                        errorSum += error;
                    }
                    compared += want.length;
                }
                double meanError = errorSum / (IMAGES * (double) expected[0][k + 1].length);
                System.out.printf(java.util.Locale.ROOT, "  %-22s |int8 - float| in steps of its scale: largest %.2f, "
                        + "mean %.3f%n", op.name(), largestError, meanError);
                if (largestError > MAX_STEPS_OFF || meanError > MAX_MEAN_STEPS_OFF) {
                    tooFar.add(String.format(java.util.Locale.ROOT, "%s: dequantized int8 is up to %.2f steps (mean "
                            + "%.3f) from the float network", op.name(), largestError, meanError));
                }
                if (differing > 0) {
                    mismatches.add(String.format("op %d %s (%s): %d of %d values differ, by up to %d", k, op.name(),
                            op.getClass().getSimpleName(), differing, IMAGES * expected[0][k + 1].length, worst));
                }
            }
        }
        System.out.printf("%d ops, %d int8 values compared with the reference, %d ops differ%n",
                graph.ops().size(), compared, mismatches.size());
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        assertTrue(tooFar.isEmpty(), String.join("\n", tooFar));
        assertSoftmaxCloseToReference(q, features, expected, exact);
    }

    /**
     * The int8 SOFTMAX kernel (lookup tables) is not reproduced bit for bit; its output must be
     * within one step (1/256) of the exact softmax of the reference's int8 logits.
     */
    private static void assertSoftmaxCloseToReference(QuantizedGraph q, float[][] features, int[][][] expected,
                                                      float[][][] exact) {
        int last = q.graph().ops().size() - 1;
        if (!(q.graph().op(last) instanceof Softmax)) {
            return;
        }
        int exactlyRounded = 0;
        int total = 0;
        double worstImage = 0;
        try (TfliteInterpreter tflite = TfliteInterpreter.of(TfliteExport.int8(q).toBytes(), THREADS)) {
            for (int i = 0; i < IMAGES; i++) {
                byte[] actual = tflite.runRaw(features[i]);
                int[] logits = expected[i][last];
                double scale = (float) q.params(last).scale();
                double[] e = new double[logits.length];
                double sum = 0;
                for (int c = 0; c < logits.length; c++) {
                    e[c] = Math.exp(scale * (logits[c] - q.params(last).zeroPoint()));
                    sum += e[c];
                }
                for (int c = 0; c < logits.length; c++) {
                    int want = IntegerReference.clamp(Math.round(e[c] / sum * 256) - 128, -128, 127);
                    assertTrue(Math.abs(actual[c] - want) <= 1, "softmax of image " + i + " class " + c + ": "
                            + actual[c] + " vs exact " + want);
                    exactlyRounded += actual[c] == want ? 1 : 0;
                    total++;
                }
                // per image: the file's dequantized probabilities against the float network's
                double largest = 0;
                for (int c = 0; c < logits.length; c++) {
                    largest = Math.max(largest, Math.abs((actual[c] + 128) / 256.0 - exact[i][last + 1][c]));
                }
                worstImage = Math.max(worstImage, largest);
                assertTrue(largest <= MAX_PROBABILITY_OFF, "image " + i + ": int8 probabilities up to " + largest
                        + " from the float network's");
            }
        }
        System.out.printf("softmax: %d of %d int8 outputs equal the exactly rounded softmax (the rest within 1); "
                + "largest |int8 - float| probability on one image %.4f%n", exactlyRounded, total, worstImage);
    }

    @Test
    void floatInputOutputModelQuantizesAndDequantizesLikeTheInt8Model() {
        QuantizedGraph q = seedQuantized();
        byte[] int8Model = TfliteExport.int8(q).toBytes();
        byte[] floatIoModel = TfliteExport.int8(q).withFloatInputOutput().toBytes();
        TfliteModel file = TfliteModel.of(floatIoModel);
        List<String> ops = file.operators().stream().map(TfliteModel.OperatorInfo::op).toList();
        assertEquals("QUANTIZE", ops.get(0));
        assertEquals("DEQUANTIZE", ops.get(ops.size() - 1));
        assertEquals("FLOAT32", file.input().type());
        assertEquals("FLOAT32", file.output().type());
        float[][] features = TestNetworks.mnist().testSample(IMAGES).getFeatures().toFloatMatrix();
        try (TfliteInterpreter int8 = TfliteInterpreter.of(int8Model, THREADS);
             TfliteInterpreter floatIo = TfliteInterpreter.of(floatIoModel, THREADS)) {
            assertTrue(int8.int8Input() && int8.int8Output());
            assertTrue(!floatIo.int8Input() && !floatIo.int8Output());
            for (float[] image : features) {
                // QUANTIZE in the model must round as the library does for int8 inputs
                assertArrayEquals(int8.run(image), floatIo.run(image));
            }
        }
    }

    @Test
    void int8AccuracyIsWithinHalfAPointOfFloat() {
        QuantizedGraph q = seedQuantized();
        DataSet test = TestNetworks.mnist().testSample(1000);
        double floatAccuracy;
        double int8Accuracy;
        try (TfliteInterpreter f = TfliteInterpreter.of(TfliteExport.float32(q.graph()).toBytes(), THREADS);
             TfliteInterpreter i = TfliteInterpreter.of(TfliteExport.int8(q).toBytes(), THREADS)) {
            floatAccuracy = f.accuracy(test);
            int8Accuracy = i.accuracy(test);
        }
        System.out.printf("seed CNN (1 epoch on %d images), 1000 test images: float %.2f %%, int8 %.2f %%%n",
                TestNetworks.SEED_TRAIN_IMAGES, 100 * floatAccuracy, 100 * int8Accuracy);
        assertTrue(floatAccuracy > 0.8, "the briefly trained seed CNN should be trained: " + floatAccuracy);
        assertEquals(floatAccuracy, int8Accuracy, 0.005);
    }

    @Test
    void theInt8FileHoldsOnlyInt8TensorsAndInt32Biases() {
        assertFullyInt8(seedQuantized());
        assertFullyInt8(PostTrainingQuantization.calibrate(InferenceGraph.of(TestNetworks.everyLayer()),
                TestNetworks.mnist().trainSample(100)));
    }

    private static void assertFullyInt8(QuantizedGraph q) {
        TfliteModel file = TfliteModel.of(TfliteExport.int8(q).toBytes());
        List<String> weights = file.weightTensorNames();
        List<String> biases = file.biasTensorNames();
        for (TfliteModel.TensorInfo t : file.tensors()) {
            if (biases.contains(t.name()) || t.name().endsWith("/shape")) {
                assertEquals("INT32", t.type(), t.name());
            } else {
                assertEquals("INT8", t.type(), t.name());
                assertTrue(t.isQuantized(), t.name());
            }
        }
        for (TfliteModel.OperatorInfo op : file.operators()) {
            if (!weights.contains(op.inputs().size() > 1 ? op.inputs().get(1) : "")) {
                continue;
            }
            TfliteModel.TensorInfo in = file.tensor(op.inputs().get(0));
            TfliteModel.TensorInfo w = file.tensor(op.inputs().get(1));
            TfliteModel.TensorInfo b = file.tensor(op.inputs().get(2));
            int channels = file.tensor(op.outputs().get(0)).shape()[file.tensor(op.outputs().get(0)).shape().length - 1];
            boolean dense = op.op().equals("FULLY_CONNECTED");
            assertEquals(dense ? 1 : channels, w.scales().length, w.name());
            assertEquals(op.op().equals("DEPTHWISE_CONV_2D") ? 3 : 0, w.quantizedDimension(), w.name());
            assertTrue(Arrays.stream(w.zeroPoints()).allMatch(z -> z == 0), w.name());
            for (byte v : file.int8Values(w.name())) {
                assertTrue(v >= -127, w.name() + " holds -128");
            }
            assertEquals(channels, file.int32Values(b.name()).length);
            for (int c = 0; c < b.scales().length; c++) {
                assertEquals((double) in.scales()[0] * w.scales()[c], b.scales()[c], 1e-6 * b.scales()[c], b.name());
            }
        }
        for (TfliteModel.OperatorInfo op : file.operators()) {
            TfliteModel.TensorInfo in = file.tensor(op.inputs().get(0));
            TfliteModel.TensorInfo out = file.tensor(op.outputs().get(0));
            switch (op.op()) {
                case "MAX_POOL_2D", "AVERAGE_POOL_2D", "RESHAPE" -> {
                    assertArrayEquals(in.scales(), out.scales(), op.op());
                    assertArrayEquals(in.zeroPoints(), out.zeroPoints(), op.op());
                }
                case "SOFTMAX" -> {
                    assertEquals(1.0f / 256, out.scales()[0]);
                    assertEquals(-128, out.zeroPoints()[0]);
                }
                default -> { }
            }
        }
    }

    private static QuantizedGraph seedQuantized;

    private static synchronized QuantizedGraph seedQuantized() {
        if (seedQuantized == null) {
            seedQuantized = PostTrainingQuantization.calibrate(InferenceGraph.of(TestNetworks.seedCnn()),
                    TestNetworks.mnist().trainSample(100));
        }
        return seedQuantized;
    }
}
