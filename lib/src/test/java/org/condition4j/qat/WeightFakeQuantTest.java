package org.condition4j.qat;

import org.condition4j.testing.TestSeed;
import org.condition4j.backend.Backend;
import org.condition4j.quantize.Int8Scheme;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.weightnoise.IWeightNoise;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.function.IntFunction;

import static org.condition4j.qat.GridAssertions.doubles;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weight fake quantization on its own, in a net with every kind of weighted layer QAT handles. */
class WeightFakeQuantTest {
    private static final double LEARNING_RATE = 0.05;
    /** Indices of the weighted layers of {@link #net}: conv, depthwise, dense, output. */
    private static final int[] WEIGHTED = {0, 1, 3, 4};

    @BeforeAll
    static void start() {
        Backend.start();
    }

    private static MultiLayerNetwork net(IWeightNoise noise) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(TestSeed.of(7))
                .updater(new Sgd(LEARNING_RATE))
                .convolutionMode(ConvolutionMode.Same)
                .weightNoise(noise)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).activation(Activation.RELU6).build())
                .layer(new SubsamplingLayer.Builder().kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DataSet batch() {
        INDArray labels = Nd4j.zeros(16, 3);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        return new DataSet(Nd4j.rand(11L, new long[] {16, 64}), labels);
    }

    /** The weights the layer computes with, as the hook hands them to DL4J. */
    private static INDArray forwardWeights(MultiLayerNetwork net, int layer) {
        return ((org.deeplearning4j.nn.conf.layers.BaseLayer) net.getLayer(layer).conf().getLayer()).getWeightNoise().getParameter(net.getLayer(layer), "W", 0, 0,
                false, LayerWorkspaceMgr.noWorkspaces());
    }

    @Test
    void forwardWeightsLieOnTheInt8GridOfEachConvolutionChannelAndOfEachDenseMatrix() {
        MultiLayerNetwork net = net(new WeightFakeQuant());
        INDArray conv = net.getLayer(0).getParam("W");         // [out, in, kh, kw]
        INDArray depthwise = net.getLayer(1).getParam("W");    // [kh, kw, in, multiplier]
        INDArray dense = net.getLayer(3).getParam("W");        // [in, out]
        INDArray output = net.getLayer(4).getParam("W");       // [in, out]
        assertEquals(4, depthwise.rank());
        check(conv, forwardWeights(net, 0), (int) conv.size(0),
                c -> new INDArrayIndex[] {point(c), all(), all(), all()});
        check(depthwise, forwardWeights(net, 1), (int) (depthwise.size(2) * depthwise.size(3)),
                c -> new INDArrayIndex[] {all(), all(), point(c / depthwise.size(3)), point(c % depthwise.size(3))});
        // Dense layers: one scale for the whole matrix (TFLite 2.6's FULLY_CONNECTED reads one).
        check(dense, forwardWeights(net, 3), 1, c -> new INDArrayIndex[] {all(), all()});
        check(output, forwardWeights(net, 4), 1, c -> new INDArrayIndex[] {all(), all()});
    }

    /** Checks each of {@code groups} weight groups, sliced independently of the implementation's index arithmetic. */
    private static void check(INDArray weights, INDArray quantized, int groups, IntFunction<INDArrayIndex[]> channel) {
        assertArrayEquals(weights.shape(), quantized.shape());
        for (int c = 0; c < groups; c++) {
            double[] w = doubles(weights.get(channel.apply(c)));
            double[] q = doubles(quantized.get(channel.apply(c)));
            double maxAbs = 0;
            for (double v : w) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            double scale = maxAbs / 127;
            int largest = 0;
            for (int i = 0; i < w.length; i++) {
                double steps = q[i] / scale;
                assertEquals(Math.rint(steps), steps, 1e-3, "channel " + c + ": " + q[i] + " is off the grid");
                assertEquals(Int8Scheme.quantizeWeight(w[i], scale), (int) Math.rint(steps), "channel " + c);
                largest = Math.max(largest, (int) Math.abs(Math.rint(steps)));
            }
            assertEquals(127, largest, "the largest weight of channel " + c + " maps to 127");
        }
    }

    @Test
    void gradientIsTheGradientAtTheQuantizedWeightsAndUpdatesTheFloatWeights() {
        MultiLayerNetwork qat = net(new WeightFakeQuant());
        MultiLayerNetwork reference = net(null); // the same net without the hook, holding the quantized weights
        INDArray floatParams = qat.params().dup();
        for (int layer : WEIGHTED) {
            reference.getLayer(layer).setParam("W", forwardWeights(qat, layer));
        }
        DataSet batch = batch();

        assertEquals(reference.output(batch.getFeatures()), qat.output(batch.getFeatures()));

        reference.setInput(batch.getFeatures());
        reference.setLabels(batch.getLabels());
        reference.computeGradientAndScore();
        INDArray expectedGradient = reference.getGradientsViewArray().dup();

        // One plain SGD step: float weights -= rate * gradient at the quantized weights (DL4J's
        // updater averages the summed gradient over the batch).
        qat.fit(batch);
        INDArray expected = floatParams.sub(expectedGradient.mul(LEARNING_RATE / batch.numExamples()));
        double[] e = doubles(expected);
        double[] a = doubles(qat.params());
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-6, "parameter " + i);
        }

        // The check can tell: the gradient at the float weights would have moved them differently.
        MultiLayerNetwork unquantized = net(null);
        unquantized.setInput(batch.getFeatures());
        unquantized.setLabels(batch.getLabels());
        unquantized.computeGradientAndScore();
        double difference = unquantized.getGradientsViewArray().sub(expectedGradient).amaxNumber().doubleValue();
        // measurably: by more than the 1e-6 the comparison above allows
        assertTrue(difference * LEARNING_RATE / batch.numExamples() > 1e-6,
                "quantization changes the gradient measurably (" + difference + ")");
    }
}
