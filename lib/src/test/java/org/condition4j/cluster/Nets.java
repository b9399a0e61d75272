package org.condition4j.cluster;

import org.condition4j.testing.TestSeed;
import org.condition4j.workshop.Workshop;
import org.condition4j.data.Mnist;
import org.condition4j.backend.Backend;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;


/** Small networks and data for the clustering tests, so that they run in seconds. */
final class Nets {
    private Nets() {}

    /** MNIST from the project's data folder (tests run in lib/). */
    static Mnist mnist() {
        return Workshop.mnist();
    }

    /** conv 8 3x3, pool 2, conv 16 3x3, pool 2, softmax 10 over MNIST; trains in a few seconds. */
    static MultiLayerNetwork smallCnn(long seed) {
        Backend.start();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(TestSeed.of(seed))
                .updater(new Adam(0.002))
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool1")
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv2").nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool2")
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("dense")
                        .nOut(Mnist.CLASSES).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(Mnist.HEIGHT, Mnist.WIDTH, 1))
                .build());
        net.init();
        return net;
    }

    /** Depthwise (multiplier 2), separable (multiplier 3) and dense layers on 6x6x3 inputs. */
    static MultiLayerNetwork depthwiseAndSeparable(long seed) {
        Backend.start();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(TestSeed.of(seed))
                .updater(new Adam(0.01))
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new DepthwiseConvolution2D.Builder(3, 3).name("depthwise").depthMultiplier(2).nOut(6)
                        .activation(Activation.RELU).build())
                .layer(new SeparableConvolution2D.Builder(3, 3).name("separable").depthMultiplier(3).nOut(5)
                        .activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden").nOut(12).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 3))
                .build());
        net.init();
        return net;
    }
}
