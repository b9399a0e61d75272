package org.condition4j.graph;

import org.condition4j.layers.UnsupportedNetworkException;
import org.condition4j.backend.Backend;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A layer or option the exporter cannot express is an error naming the layer, its type and the option. */
class UnsupportedNetworkTest {

    @BeforeAll
    static void backend() {
        Backend.start();
    }

    @Test
    void anLstmIsNamedWithTheSupportedLayers() {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(16).activation(Activation.RELU).build())
                .layer(new LSTM.Builder().nIn(16).nOut(8).build())
                .layer(new RnnOutputLayer.Builder().nIn(8).nOut(10).activation(Activation.SOFTMAX).build());
        assertMessage("layer 1 (LSTM 'layer1'): not supported by the exporter; supported: "
                + "ConvolutionLayer, DepthwiseConvolution2D, SeparableConvolution2D, DenseLayer, OutputLayer, "
                + "SubsamplingLayer, GlobalPoolingLayer, BatchNormalization, ActivationLayer, DropoutLayer", list);
    }

    @Test
    void dilationIsNamed() {
        assertMessage("layer 1 (ConvolutionLayer 'conv2'): dilation 2 is not supported",
                cnn(new ConvolutionLayer.Builder(3, 3).name("conv2").nOut(4).dilation(2, 2).build()));
    }

    @Test
    void anActivationWithoutTfliteFusionIsNamed() {
        assertMessage("layer 1 (ConvolutionLayer 'conv2'): activation sigmoid is not supported; supported: "
                        + "identity, relu, relu6 (and softmax on a dense or output layer)",
                cnn(new ConvolutionLayer.Builder(3, 3).name("conv2").nOut(4).activation(Activation.SIGMOID).build()));
    }

    @Test
    void explicitPaddingIsNamed() {
        assertMessage("layer 1 (ConvolutionLayer 'conv2'): explicit padding [1, 1] is not supported; use "
                        + "ConvolutionMode.Same for SAME padding, or no padding",
                cnn(new ConvolutionLayer.Builder(3, 3).name("conv2").nOut(4).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).build()));
    }

    @Test
    void anUnknownInputSizeSaysHowToDeclareIt() {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1));
        assertMessage("layer 0 (ConvolutionLayer 'conv1'): the input image size is unknown; build the network with "
                + ".setInputType(InputType.convolutionalFlat(height, width, channels))", list);
    }

    @Test
    void averagePoolingThatCountsPaddingIsNamed() {
        assertMessage("layer 1 (SubsamplingLayer 'pool'): average pooling with avgPoolIncludePadInDivisor(true) "
                        + "counts padded zeros, which TFLite does not; set avgPoolIncludePadInDivisor(false) or use "
                        + "ConvolutionMode.Truncate",
                cnn(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).name("pool").kernelSize(3, 3)
                        .stride(2, 2).avgPoolIncludePadInDivisor(true).build()));
    }

    @Test
    void batchNormThatCannotBeFoldedIsNamed() {
        assertMessage("layer 2 (BatchNormalization 'bn'): batch normalization can only follow a convolution or "
                        + "dense layer whose activation is identity (it is folded into it); here it follows 'pool' "
                        + "(max 2x2 stride 2 SAME)",
                cnn(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool").kernelSize(2, 2)
                        .stride(2, 2).build(), new BatchNormalization.Builder().name("bn").build()));
        assertMessage("layer 2 (BatchNormalization 'bn'): batch normalization can only follow a convolution or "
                        + "dense layer whose activation is identity (it is folded into it); here it follows 'conv2' "
                        + "(3x3 stride 1 SAME, 4 filters, RELU)",
                cnn(new ConvolutionLayer.Builder(3, 3).name("conv2").nOut(4).activation(Activation.RELU).build(),
                        new BatchNormalization.Builder().name("bn").build()));
    }

    /** conv1 (ReLU), then {@code middle}, then a softmax output, for 28x28x1 input. */
    private static NeuralNetConfiguration.ListBuilder cnn(Layer... middle) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build());
        for (Layer layer : middle) {
            list.layer(layer);
        }
        return list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1));
    }

    private static void assertMessage(String expected, NeuralNetConfiguration.ListBuilder list) {
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, () -> InferenceGraph.of(net));
        assertEquals(expected, e.getMessage());
    }
}
