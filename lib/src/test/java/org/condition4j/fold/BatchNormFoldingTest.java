package org.condition4j.fold;

import org.condition4j.backend.Backend;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.TestNetworks;
import org.condition4j.graph.WeightedOp;
import org.condition4j.layers.UnsupportedNetworkException;
import org.condition4j.model.DsCnn;
import org.condition4j.model.SeedCnn;
import org.condition4j.model.Training;
import org.condition4j.testing.TestSeed;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Folding batch norm: the folded network computes what the original computes (outputs within
 * 1e-5, the criterion, on real MNIST test images), on networks trained for a few steps so
 * that the running means and variances are far from 0 and 1; refusals name the layer and the fix.
 */
class BatchNormFoldingTest {
    /** The criterion for the folded network's outputs (probabilities). */
    private static final double TOLERANCE = 1e-5;
    private static final double FEATURE_TOLERANCE = 1e-5;
    private static final int TEST_IMAGES = 500;

    private static INDArray images;
    private static MultiLayerNetwork dsCnn;

    @BeforeAll
    static void trainBriefly() {
        Backend.start();
        images = TestNetworks.mnist().testSample(TEST_IMAGES).getFeatures();
        dsCnn = trained(DsCnn.create(TestSeed.of(DsCnn.SEED)), 1280);
    }

    private static MultiLayerNetwork trained(MultiLayerNetwork net, int trainImages) {
        Training.of(net).printingTo(new PrintStream(OutputStream.nullOutputStream()))
                .fit(TestNetworks.mnist().train(64, trainImages), null, 1);
        return net;
    }

    @Test
    void theFoldedDsCnnHasNoBatchNormAndTheSameOutputs() {
        MultiLayerNetwork folded = BatchNormFolding.fold(dsCnn);
        assertFalse(BatchNormFolding.hasBatchNorm(folded));
        assertTrue(BatchNormFolding.hasBatchNorm(dsCnn), "the original is untouched");
        // stem, 4 x (depthwise, pointwise), global pool, dense: every BN and ReLU layer folded away
        List<String> names = new ArrayList<>();
        for (int i = 0; i < folded.getnLayers(); i++) {
            Layer layer = folded.getLayerWiseConfigurations().getConf(i).getLayer();
            names.add(layer.getLayerName());
            if (i < folded.getnLayers() - 2) {
                assertInstanceOf(ActivationReLU.class, ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer)
                        .getActivationFn(), layer.getLayerName() + " carries the ReLU");
                assertTrue(((ConvolutionLayer) layer).hasBias(), layer.getLayerName() + " got a bias");
            }
        }
        assertEquals(List.of("stem", "dw1", "pw1", "dw2", "pw2", "dw3", "pw3", "dw4", "pw4", "avgpool", "dense"), names);
        assertStatisticsAreNotTrivial(dsCnn);
        assertSameOutputs(dsCnn, folded);
    }

    @Test
    void theNetworkWithEveryLayerKindFoldsToTheSameOutputs() {
        // conv → BN → ReLU6 layer; separable → BN → ReLU layer; conv → BN → dropout
        MultiLayerNetwork every = TestNetworks.everyLayer();
        MultiLayerNetwork folded = BatchNormFolding.fold(every);
        assertEquals(every.getnLayers() - 5, folded.getnLayers());
        assertSameOutputs(every, folded);
    }

    @Test
    void aDenseLayerWithoutBiasFoldsAndABatchNormWithoutActivationLayerLeavesIdentity() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(TestSeed.of(3)).updater(new Adam(0.003)).weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new DenseLayer.Builder().name("dense1").nOut(32).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().name("bn").useLogStd(false).build())
                .layer(new ActivationLayer.Builder().name("relu").activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("dense2").nOut(16).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().name("bn2").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        trained(net, 1280);
        assertStatisticsAreNotTrivial(net);
        MultiLayerNetwork folded = BatchNormFolding.fold(net);
        assertEquals(3, folded.getnLayers());
        assertSameOutputs(net, folded);
    }

    @Test
    void theExporterWritesTheSameWeightsWhetherItFoldsOrTheFoldStepDid() {
        for (MultiLayerNetwork net : List.of(dsCnn, TestNetworks.everyLayer())) {
            List<Op> direct = InferenceGraph.of(net).ops();
            List<Op> folded = InferenceGraph.of(BatchNormFolding.fold(net)).ops();
            assertEquals(direct.size(), folded.size());
            for (int k = 0; k < direct.size(); k++) {
                if (direct.get(k) instanceof WeightedOp d) {
                    WeightedOp f = (WeightedOp) folded.get(k);
                    assertArrayEquals(d.weights(), f.weights(), 0f, d.name());
                    assertArrayEquals(d.bias(), f.bias(), 0f, d.name());
                    assertEquals(d.activation(), f.activation(), d.name());
                }
            }
        }
    }

    @Test
    void aWrongEpsilonIsCaughtByTheComparison() {
        // the comparison is sharp enough to see a fold with another epsilon (DL4J's default is 1e-5)
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(dsCnn.getLayerWiseConfigurations().toJson());
        for (var c : conf.getConfs()) {
            if (c.getLayer() instanceof BatchNormalization bn) {
                bn.setEps(bn.getEps() * 10);
            }
        }
        MultiLayerNetwork wrongEps = new MultiLayerNetwork(conf);
        wrongEps.init(dsCnn.params().dup(), false);
        double difference = maxDifference(dsCnn.output(images, false), BatchNormFolding.fold(wrongEps).output(images, false));
        assertTrue(difference > TOLERANCE, "a fold with epsilon 1e-4 instead of 1e-5 is " + difference + " off");
    }

    @Test
    void refusalsNameTheLayerAndTheFix() {
        assertRefused(List.of(new SubsamplingLayer.Builder(2, 2).name("pool").stride(2, 2).build(),
                        new BatchNormalization.Builder().name("bn").build()),
                "layer 1 (BatchNormalization 'bn'): it follows layer 0 (SubsamplingLayer 'pool'); batch normalization "
                        + "can only be folded into a ConvolutionLayer, DepthwiseConvolution2D, SeparableConvolution2D or "
                        + "DenseLayer right before it; move it there or remove it");
        assertRefused(List.of(new BatchNormalization.Builder().name("bn").build(),
                        new ConvolutionLayer.Builder(3, 3).name("conv").nOut(16).build()),
                "layer 0 (BatchNormalization 'bn'): it normalizes the network input");
        assertRefused(List.of(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(16).activation(Activation.RELU).build(),
                        new BatchNormalization.Builder().name("bn").build()),
                "layer 1 (BatchNormalization 'bn'): it follows layer 0 (ConvolutionLayer 'conv') whose activation is "
                        + "relu, which cannot be folded through; give that layer Activation.IDENTITY and put the "
                        + "activation after the batch norm (an ActivationLayer), then retrain");
        assertRefused(List.of(new DepthwiseConvolution2D.Builder(3, 3).name("dw").activation(Activation.IDENTITY).build(),
                        new ActivationLayer.Builder().name("relu").activation(Activation.RELU).build(),
                        new BatchNormalization.Builder().name("bn").build()),
                "layer 2 (BatchNormalization 'bn'): it follows layer 1 (ActivationLayer 'relu')");
        assertRefused(List.of(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(16).activation(Activation.IDENTITY).build(),
                        new BatchNormalization.Builder().name("bn1").build(),
                        new BatchNormalization.Builder().name("bn2").build()),
                "layer 2 (BatchNormalization 'bn2'): it follows another batch normalization (layer 1)");
    }

    private static void assertRefused(List<Layer> layers, String expectedStart) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .convolutionMode(ConvolutionMode.Same).list();
        layers.forEach(list::layer);
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(SeedCnn.INPUT_TYPE).build());
        net.init();
        UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, () -> BatchNormFolding.fold(net));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    private static void assertSameOutputs(MultiLayerNetwork original, MultiLayerNetwork folded) {
        double difference = maxDifference(original.output(images, false), folded.output(images, false));
        List<INDArray> a = original.feedForward(images, false);
        List<INDArray> b = folded.feedForward(images, false);
        INDArray fa = a.get(a.size() - 2);
        INDArray fb = b.get(b.size() - 2);
        assertTrue(difference <= TOLERANCE, "outputs differ by " + difference);
        // the features before the last layer, relative to their largest: float32 rounds the folded weights once
        // (6e-8) and DL4J sums in another order, a few ulps per layer; 1e-5 is over a hundred ulps
        double features = maxDifference(fa, fb) / fa.amaxNumber().doubleValue();
        assertTrue(features <= FEATURE_TOLERANCE, "features before the last layer differ by " + features + " of their largest");
    }

    /** Training has moved every running mean away from 0 and every variance away from 1. */
    private static void assertStatisticsAreNotTrivial(MultiLayerNetwork net) {
        for (int i = 0; i < net.getnLayers(); i++) {
            if (net.getLayerWiseConfigurations().getConf(i).getLayer() instanceof BatchNormalization) {
                INDArray mean = net.getLayer(i).getParam("mean");
                assertTrue(mean.amaxNumber().doubleValue() > 0.01, "layer " + i + " mean " + mean);
            }
        }
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
