package org.condition4j.model;

import org.condition4j.backend.Backend;
import org.condition4j.data.Mnist;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A DS-CNN for 28x28 grey digits, in the shape of MLPerf Tiny's keyword-spotting reference model:
 * a strided 3x3 convolution, then four depthwise-separable blocks (depthwise 3x3, then pointwise
 * 1x1), each convolution followed by batch normalization and ReLU, a global average pool and a
 * 10-way softmax dense layer. Every convolution has {@value #FILTERS} channels (a multiple of the
 * NPU's 16-channel brick) and no bias of its own: the batch norm after it shifts, and folding
 * ({@code fold.BatchNormFolding}) gives it the bias.
 *
 * <p>In DL4J a batch norm layer does not apply an activation function, so each ReLU is an
 * {@code ActivationLayer} after the batch norm; folding makes it the convolution's activation.
 */
public final class DsCnn {
    public static final long SEED = 42;
    public static final int FILTERS = 64;
    public static final int BLOCKS = 4;
    public static final double LEARNING_RATE = 0.003;

    private DsCnn() {}

    /** A freshly initialised DS-CNN (same weights for the same seed). */
    public static MultiLayerNetwork create() {
        return create(SEED);
    }

    public static MultiLayerNetwork create(long seed) {
        Backend.start();
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("stem").stride(2, 2).nOut(FILTERS)
                        .hasBias(false).activation(Activation.IDENTITY).build());
        normalizedRelu(layers, "stem");
        for (int b = 1; b <= BLOCKS; b++) {
            layers.layer(new DepthwiseConvolution2D.Builder(3, 3).name("dw" + b).depthMultiplier(1)
                    .hasBias(false).activation(Activation.IDENTITY).build());
            normalizedRelu(layers, "dw" + b);
            layers.layer(new ConvolutionLayer.Builder(1, 1).name("pw" + b).nOut(FILTERS)
                    .hasBias(false).activation(Activation.IDENTITY).build());
            normalizedRelu(layers, "pw" + b);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(layers
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).name("avgpool").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("dense").nOut(Mnist.CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(SeedCnn.INPUT_TYPE)
                .build());
        net.init();
        return net;
    }

    private static void normalizedRelu(NeuralNetConfiguration.ListBuilder layers, String conv) {
        layers.layer(new BatchNormalization.Builder().name(conv + "_bn").activation(Activation.IDENTITY).build());
        layers.layer(new ActivationLayer.Builder().name(conv + "_relu").activation(Activation.RELU).build());
    }
}
