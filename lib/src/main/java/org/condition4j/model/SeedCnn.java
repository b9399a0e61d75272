package org.condition4j.model;

import org.condition4j.backend.Backend;
import org.condition4j.data.Mnist;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
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
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(seed, CNN2DFormat.NCHW));
        net.init();
        return net;
    }

    /**
     * The seed CNN's configuration with its convolutions and pools in {@code format}: NCHW takes
     * flat rows of 784 pixels, NHWC takes [n, 28, 28, 1] images (for the training-speed benchmark).
     */
    static MultiLayerConfiguration configuration(long seed, CNN2DFormat format) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .convolutionMode(ConvolutionMode.Same)
                // backprop reuses each convolution's forward pre-activation instead of computing it
                // again: the same gradients, about a fifth less time per step
                .cacheMode(CacheMode.DEVICE)
                .list()
                .layer(conv("conv1", format))
                .layer(conv("conv2", format))
                .layer(pool("pool1", format))
                .layer(conv("conv3", format))
                .layer(pool("pool2", format))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("dense")
                        .nOut(Mnist.CLASSES)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(format == CNN2DFormat.NCHW ? INPUT_TYPE
                        : InputType.convolutional(Mnist.HEIGHT, Mnist.WIDTH, 1, format))
                .build();
    }

    private static ConvolutionLayer conv(String name, CNN2DFormat format) {
        return new ConvolutionLayer.Builder(3, 3)
                .name(name)
                .dataFormat(format)
                .nOut(32)
                .stride(1, 1)
                .activation(Activation.RELU)
                .build();
    }

    private static SubsamplingLayer pool(String name, CNN2DFormat format) {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .name(name)
                .dataFormat(format)
                .kernelSize(2, 2)
                .stride(2, 2)
                .build();
    }
}
