package org.condition4j.model;

import org.condition4j.backend.Backend;
import org.condition4j.data.Mnist;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The small convolutional network every notebook conditions: three 3x3 convolutions with 32
 * filters and ReLU, two 2x2 max pools, and a 10-way softmax classifier, for 28x28 grey digits.
 */
public final class SeedCnn {
    public static final long SEED = 42;
    public static final double LEARNING_RATE = 0.001;
    public static final int BATCH_SIZE = 128;
    /** Flat rows of 784 pixels, seen by the first layer as 28x28x1 images. */
    public static final InputType INPUT_TYPE = InputType.convolutionalFlat(Mnist.HEIGHT, Mnist.WIDTH, 1);

    private SeedCnn() {}

    /** A freshly initialised seed CNN (same weights for the same seed). */
    public static MultiLayerNetwork create() {
        return create(SEED);
    }

    public static MultiLayerNetwork create(long seed) {
        Backend.start();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(conv("conv1"))
                .layer(conv("conv2"))
                .layer(pool("pool1"))
                .layer(conv("conv3"))
                .layer(pool("pool2"))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("dense")
                        .nOut(Mnist.CLASSES)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(INPUT_TYPE)
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static ConvolutionLayer conv(String name) {
        return new ConvolutionLayer.Builder(3, 3)
                .name(name)
                .nOut(32)
                .stride(1, 1)
                .activation(Activation.RELU)
                .build();
    }

    private static SubsamplingLayer pool(String name) {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .name(name)
                .kernelSize(2, 2)
                .stride(2, 2)
                .build();
    }
}
