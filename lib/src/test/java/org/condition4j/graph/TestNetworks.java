package org.condition4j.graph;

import org.condition4j.testing.TestSeed;
import org.condition4j.workshop.Workshop;
import org.condition4j.data.Mnist;
import org.condition4j.model.DsCnn;
import org.condition4j.model.ModelStore;
import org.condition4j.model.SeedCnn;
import org.condition4j.model.Training;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The networks the exporter tests share, trained once per test JVM: the seed CNN (one epoch on
 * 6000 images) and a small network with every supported layer kind (one epoch on 640 images,
 * which also moves batch norm's running statistics away from 0 and 1). Trained networks are cached
 * on disk, see {@link #trained}.
 */
public final class TestNetworks {
    public static final int SEED_TRAIN_IMAGES = 6000;
    public static final int EVERY_LAYER_TRAIN_IMAGES = 640;
    /** 20 steps: enough to move every batch norm's running statistics well away from 0 and 1. */
    public static final int DS_CNN_TRAIN_IMAGES = 2560;

    private static Mnist mnist;
    private static MultiLayerNetwork seedCnn;
    private static MultiLayerNetwork everyLayer;
    private static MultiLayerNetwork dsCnn;

    private TestNetworks() {}

    public static synchronized Mnist mnist() {
        if (mnist == null) {
            mnist = Workshop.mnist();
        }
        return mnist;
    }

    public static synchronized MultiLayerNetwork seedCnn() {
        if (seedCnn == null) {
            seedCnn = trained("seed-cnn", SeedCnn.create(TestSeed.of(SeedCnn.SEED)), SEED_TRAIN_IMAGES);
        }
        return seedCnn;
    }

    public static synchronized MultiLayerNetwork everyLayer() {
        if (everyLayer == null) {
            MultiLayerNetwork net = new MultiLayerNetwork(everyLayerConfiguration());
            net.init();
            everyLayer = trained("every-layer", net, EVERY_LAYER_TRAIN_IMAGES);
        }
        return everyLayer;
    }

    /** The DS-CNN reference network, with its batch norm layers (not folded), trained for 20 steps. */
    public static synchronized MultiLayerNetwork dsCnn() {
        if (dsCnn == null) {
            dsCnn = trained("ds-cnn", DsCnn.create(TestSeed.of(DsCnn.SEED)), DS_CNN_TRAIN_IMAGES);
        }
        return dsCnn;
    }

    /**
     * Conv → batch norm → ReLU6 layer → depthwise (stride 2, VALID, multiplier 2) → separable
     * → batch norm → ReLU layer → average pool (SAME with padding at the edge) → conv stride 2 →
     * batch norm → dropout → max pool 3x3 stride 2 SAME over negative values → global average
     * pool → dense ReLU6 with dropout → softmax output.
     */
    public static MultiLayerConfiguration everyLayerConfiguration() {
        return new NeuralNetConfiguration.Builder()
                .seed(TestSeed.of(7))
                .updater(new Adam(0.003))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(8).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().name("bn1").activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().name("relu6").activation(Activation.RELU6).build())
                .layer(new DepthwiseConvolution2D.Builder(3, 3).name("depthwise").depthMultiplier(2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build())
                .layer(new SeparableConvolution2D.Builder(3, 3).name("separable").nOut(16)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().name("bn2").build()) // DL4J ignores a BN's activation
                .layer(new ActivationLayer.Builder().name("relu").activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).name("avgpool")
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv_s2").nOut(16).stride(2, 2)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().name("bn3").activation(Activation.IDENTITY).build())
                .layer(new DropoutLayer.Builder(0.8).name("dropout").build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("maxpool")
                        .kernelSize(3, 3).stride(2, 2).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).name("gap").build())
                .layer(new DenseLayer.Builder().name("dense").nOut(32).activation(Activation.RELU6).dropOut(0.9).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(Mnist.CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(Mnist.HEIGHT, Mnist.WIDTH, 1))
                .build();
    }

    /**
     * {@code net} trained for one epoch on {@code images} training images. The result is kept in
     * target/test-networks (keyed by configuration and image count) so that later test runs on a
     * busy machine skip the training.
     */
    private static MultiLayerNetwork trained(String name, MultiLayerNetwork net, int images) {
        String key = Integer.toHexString(Objects.hash(net.getLayerWiseConfigurations().toJson(), images));
        Path cached = Path.of("target", "test-networks", name + "-" + key + ".zip");
        if (Files.isRegularFile(cached)) {
            return ModelStore.load(cached);
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Training.of(net).printingTo(quiet).fit(mnist().train(SeedCnn.BATCH_SIZE, images), null, 1);
        ModelStore.save(net, cached);
        return net;
    }
}
