package org.condition4j.qat;

import org.condition4j.graph.FloatInference;
import org.condition4j.graph.FullyConnected;
import org.condition4j.graph.FusedActivation;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.Pool2D;
import org.condition4j.graph.Reshape;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.WeightedOp;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.quantize.QuantizedWeights;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.IntegerReference;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.quantize.Int8Scheme.ActivationParams;
import org.condition4j.testing.Int8Bounds;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.condition4j.qat.QatFixtures.mnist;
import static org.condition4j.qat.QatFixtures.trainedSeed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quantization-aware network exported to int8 and run by the TFLite 2.6 interpreter. */
class QatExportTest {
    private static final int TEST_IMAGES = 500;

    private static QatModel qat;

    /** The seed CNN fine-tuned with QAT over 1,024 training images. */
    @BeforeAll
    static void fineTune() {
        qat = QuantizationAwareTraining.prepare(trainedSeed());
        QatFixtures.quietly(qat.network()).fit(mnist().train(QatFixtures.BATCH, 1_024), null, 1);
    }

    /**
     * The file computes what the int8 specification allows for the quantization-aware network:
     * layer by layer, given the int8 input the file's arithmetic computed, each int8 tensor lies
     * within its bound of the network's own fake-quantized tensor (one step: the network's rounding
     * and the file's may fall on either side of a grid point), the output within a step of the
     * softmax of the reference's logits, and the network's class on every image whose margin
     * exceeds the bound ({@link Int8Bounds}). This holds for any weights QAT trains; a count of
     * agreeing images or of outputs within a step would not.
     */
    @Test
    void interpreterAgreesWithTheQuantizationAwareNetwork() {
        assertFileWithinSpecOfNetwork(qat, mnist().testSample(TEST_IMAGES));
    }

    @Test
    void exportedWeightsAreTheWeightsTheNetworkTrainedWith() {
        assertEquals(4, assertExportedWeightsAreTrainedWeights(qat), "three convolutions and the dense layer");
    }

    /**
     * The same network with its fake-quantized weights as plain float weights, read into a graph:
     * its weights (in TFLite's layout) must be the exporter's int8 codes times their scales.
     * Returns how many weighted ops were compared.
     */
    private static int assertExportedWeightsAreTrainedWeights(QatModel qat) {
        QuantizedGraph exported = qat.quantizedGraph();
        InferenceGraph trainedWith = InferenceGraph.of(QatFixtures.quantizedWeightCopy(qat));
        int weighted = 0;
        for (int k = 0; k < exported.graph().ops().size(); k++) {
            if (!(trainedWith.op(k) instanceof WeightedOp op)) {
                continue;
            }
            QuantizedWeights int8 = exported.weights(k);
            float[] w = op.weights();
            int inner = w.length / int8.channels();
            for (int j = 0; j < w.length; j++) {
                double scale = int8.scale(int8.channelAxis() == 0 ? j / inner : j % int8.channels());
                assertEquals(int8.values()[j] * scale, w[j], 1e-6 * Math.abs(w[j]) + 1e-9,
                        op.name() + " weight " + j);
            }
            weighted++;
        }
        return weighted;
    }

    @Test
    void exportUsesTheLearnedRangesAndTheGraphOfPostTrainingQuantization() {
        QuantizedGraph exported = qat.quantizedGraph();
        LearnedRanges learned = qat.activationRanges();
        assertEquals(learned.input().params(), exported.input());
        assertEquals(learned.layers().get(0).params(), exported.params("conv1"));
        assertEquals(learned.layers().get(3).params(), exported.params("conv3"));
        assertEquals(learned.layers().get(5).params(), exported.params("dense/logits"));

        MultiLayerNetwork plain = qat.strip();
        QuantizedGraph calibrated = PostTrainingQuantization.calibrate(InferenceGraph.of(plain), mnist().trainSample(100));
        TfliteModel qatFile = TfliteModel.of(TfliteExport.int8(exported).toBytes());
        TfliteModel ptqFile = TfliteModel.of(TfliteExport.int8(calibrated).toBytes());
        assertEquals(structure(ptqFile), structure(qatFile));
        assertTrue(!learned.layers().get(0).equals(calibrated.ranges().get("conv1")), "not re-calibrated");
    }

    /** Operators with versions and tensors, and every tensor's name, type, shape and constant size. */
    private static List<String> structure(TfliteModel model) {
        List<String> lines = new ArrayList<>();
        model.operators().forEach(o -> lines.add(o.op() + " v" + o.version() + " " + o.inputs() + " -> " + o.outputs()));
        model.tensors().forEach(t -> lines.add(t.name() + " " + t.type() + " " + Arrays.toString(t.shape())
                + " " + t.bufferBytes() + " bytes, " + t.scales().length + " scales"));
        return lines;
    }

    /** Depthwise convolution (per-channel weights along its multiplier layout), ReLU6 and a hidden dense layer. */
    @Test
    void depthwiseReluSixAndHiddenDenseLayersExportWhatTheyTrained() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Adam(0.003))
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).stride(2, 2).activation(Activation.RELU6).build())
                .layer(new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        QatFixtures.quietly(net).fit(mnist().train(QatFixtures.BATCH, 1_024), null, 1);
        QatModel small = QuantizationAwareTraining.prepare(net);
        QatFixtures.quietly(small.network()).fit(mnist().train(QatFixtures.BATCH, 512), null, 1);

        assertEquals(4, assertExportedWeightsAreTrainedWeights(small), "conv, depthwise, dense, output");
        assertFileWithinSpecOfNetwork(small, mnist().testSample(200));
    }

    private static void assertFileWithinSpecOfNetwork(QatModel qat, DataSet test) {
        QuantizedGraph q = qat.quantizedGraph();
        float[][] images = test.getFeatures().toFloatMatrix();
        byte[][] outputs = new byte[images.length][];
        try (TfliteInterpreter tflite = TfliteInterpreter.of(TfliteExport.int8(q).toBytes(), 1)) {
            for (int i = 0; i < images.length; i++) {
                outputs[i] = tflite.runRaw(images[i]);
            }
        }
        List<float[][]> tensors = networkTensors(qat, q, test);
        assertEachLayerRoundsAsTheNetwork(q, tensors);
        int[] classes = qat.network().output(test.getFeatures()).argMax(1).toIntVector();
        // the network predicts from its logits rounded to their grid, the tensors hold them unrounded:
        // half a step either way
        Int8Bounds.Report report = Int8Bounds.check(q, tensors, classes, 0.5,
                q.graph().inputs(test.getFeatures()), outputs);
        System.out.println("int8 .tflite against the quantization-aware network: " + report);
        assertTrue(report.holds(), report.toString());
    }

    /**
     * Layer by layer, given the network's own input to the layer (on the file's int8 grid, checked,
     * so exactly an int8 tensor), the file's arithmetic ({@link IntegerReference}, bit for bit the
     * interpreter's in Int8ExportTest) gives the network's own output up to rounding: both round
     * one accumulator, which they compute apart only by the int32 bias rounding, float32 error and
     * the fixed-point multiplier, together {@code d} steps at most (derived per value below), so
     * their roundings lie at most {@code floor(d) + 1} grid points apart. Max pooling is exact;
     * average pooling and the unrounded logits (clamped to their range, where both saturate) lie
     * within half a step plus {@code d}. This holds for
     * any weights; a file exported with other ranges, other weight scales or other weights than
     * the network trained with breaks it in the first layer.
     */
    private static void assertEachLayerRoundsAsTheNetwork(QuantizedGraph q, List<float[][]> tensors) {
        IntegerReference reference = new IntegerReference(q);
        InferenceGraph graph = q.graph();
        int ops = graph.ops().size();
        long compared = 0;
        double largestApart = 0;
        for (float[][] t : tensors) {
            boolean onGrid = true; // the input, fake-quantized outputs, max pools and reshapes of them
            for (int k = 0; k < ops && onGrid; k++) {
                Op op = graph.op(k);
                if (op instanceof Softmax) {
                    break;
                }
                ActivationParams in = q.params(k);
                ActivationParams out = q.params(k + 1);
                int[] int8In = new int[t[k].length];
                for (int v = 0; v < int8In.length; v++) {
                    double level = t[k][v] / in.scale() + in.zeroPoint();
                    int8In[v] = (int) Math.round(level);
                    assertEquals(int8In[v], level, 1e-3, op.name() + "'s input value " + v + " is not on the file's grid");
                }
                int[] int8Out = reference.runOp(k, int8In);
                double[] apart = op instanceof WeightedOp w ? accumulatorsApart(q, k, w, t[k]) : null;
                boolean average = op instanceof Pool2D p && p.kind() == Pool2D.Kind.AVERAGE;
                for (int v = 0; v < int8Out.length; v++) {
                    // the network's fake quantization saturates at the ends of the range, as the file does
                    double level = Math.max(-128, Math.min(127, t[k + 1][v] / out.scale() + out.zeroPoint()));
                    double steps = Math.abs(int8Out[v] - level);
                    double allowed;
                    if (apart == null) {
                        allowed = average ? 0.5 + 1e-4 : 1e-4;
                    } else {
                        largestApart = Math.max(largestApart, apart[v]);
                        allowed = logits(graph, k) ? 0.5 + apart[v] : Math.floor(apart[v]) + 1 + 1e-4;
                    }
                    assertTrue(steps <= allowed, op.name() + " value " + v + ": the file's arithmetic on the network's "
                            + "input lies " + steps + " steps from the network's output, more than " + allowed);
                    compared++;
                }
                onGrid = !average && !logits(graph, k);
            }
        }
        System.out.printf(Locale.ROOT, "%d values of the file's arithmetic compared with the network's, layer by layer; "
                + "accumulators at most %.3f steps apart%n", compared, largestApart);
    }

    /**
     * Per output value of weighted op k on the network's input {@code x}, in steps of the output
     * scale: how far the file's int32 accumulator (times its scales) and the network's float32 one
     * may lie apart: half the bias step, plus the float32 dot product's error (any summation order,
     * 4x for transformed convolutions) and the fixed-point multiplier's relative 2^-30, both on
     * {@code sum |w x| + |b|}.
     */
    private static double[] accumulatorsApart(QuantizedGraph q, int k, WeightedOp op, float[] x) {
        QuantizedWeights w = q.weights(k);
        int channels = w.channels();
        int inner = 1;
        for (int d = w.channelAxis() + 1; d < w.shape().length; d++) {
            inner *= w.shape()[d];
        }
        float[] absWeights = new float[w.values().length];
        for (int i = 0; i < absWeights.length; i++) {
            absWeights[i] = (float) (Math.abs(w.values()[i]) * w.scale((i / inner) % channels));
        }
        float[] absBias = new float[channels];
        for (int c = 0; c < channels; c++) {
            absBias[c] = (float) Math.abs(w.bias()[c] * w.biasScales()[w.biasScales().length == 1 ? 0 : c]);
        }
        float[] absX = new float[x.length];
        for (int v = 0; v < x.length; v++) {
            absX[v] = Math.abs(x[v]);
        }
        float[] magnitude = FloatInference.apply(op.with(absWeights, absBias, FusedActivation.NONE, op.name(),
                op.layer()), absX);
        int terms = w.values().length / channels;
        double u = Math.ulp(1.0f) / 2;
        double gamma = (terms + 1) * u / (1 - (terms + 1) * u);
        double out = q.params(k + 1).scale();
        double[] apart = new double[magnitude.length];
        for (int v = 0; v < apart.length; v++) {
            int c = v % channels;
            double biasStep = w.biasScales()[w.biasScales().length == 1 ? 0 : c];
            apart[v] = (biasStep / 2 + (4 * gamma + Math.scalb(1.0, -30)) * magnitude[v] * (1 + 1e-6)) / out;
        }
        return apart;
    }

    /** Whether op k writes the logits a softmax reads. */
    private static boolean logits(InferenceGraph graph, int k) {
        return k + 1 < graph.ops().size() && graph.op(k + 1) instanceof Softmax;
    }

    /**
     * The quantization-aware network's own tensors per image, NHWC in the graph's order, from its
     * DL4J forward pass: the input, each layer's fake-quantized output, and the logits its output
     * layer computes (with its fake-quantized weights) from its last hidden tensor, unrounded: DL4J
     * shows only the probabilities.
     */
    private static List<float[][]> networkTensors(QatModel qat, QuantizedGraph q, DataSet test) {
        InferenceGraph graph = q.graph();
        InferenceGraph trainedWith = InferenceGraph.of(QatFixtures.quantizedWeightCopy(qat));
        List<INDArray> activations = qat.network().feedForward(test.getFeatures(), false);
        float[][] inputs = graph.inputs(test.getFeatures());
        int ops = graph.ops().size();
        List<float[][]> tensors = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            float[][] t = new float[ops + 1][];
            t[0] = inputs[i];
            for (int k = 0; k < ops; k++) {
                Op op = graph.op(k);
                if (op instanceof Reshape) {
                    t[k + 1] = t[k];
                } else if (logits(graph, k)) {
                    t[k + 1] = logits((FullyConnected) trainedWith.op(k), t[k]);
                } else {
                    t[k + 1] = InferenceGraph.toNhwc(activations.get(op.layer() + 1).slice(i).dup('c').data().asFloat(),
                            op.outputShape());
                }
            }
            tensors.add(t);
        }
        return tensors;
    }

    /** A dense op's output in double precision: weights [out, in]. */
    private static float[] logits(FullyConnected dense, float[] in) {
        int out = dense.outputShape()[1];
        float[] z = new float[out];
        for (int o = 0; o < out; o++) {
            double sum = dense.bias()[o];
            for (int j = 0; j < in.length; j++) {
                sum += (double) dense.weights()[o * in.length + j] * in[j];
            }
            z[o] = (float) sum;
        }
        return z;
    }

    @Test
    void exportBeforeAnyTrainingStepIsAClearError() {
        QatModel untrained = QuantizationAwareTraining.prepare(trainedSeed());
        IllegalStateException e = assertThrows(IllegalStateException.class, untrained::quantizedGraph);
        assertTrue(e.getMessage().contains("no activation ranges yet"), e.getMessage());
    }
}
