package org.condition4j.layers;

import org.condition4j.backend.Backend;
import org.condition4j.channels.ChannelPruning;
import org.condition4j.cluster.CentroidInit;
import org.condition4j.cluster.Clustering;
import org.condition4j.cluster.ClusteringConfig;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.prune.Pruning;
import org.condition4j.prune.PruningSchedule;
import org.condition4j.qat.QuantizationAwareTraining;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every layer kind the registry knows, and five it does not, through the real exporter and the
 * three techniques: each path accepts or refuses exactly as the registry says, refusals come in
 * one message format, and the registry itself says what this test expects (written out here, not
 * read from the registry).
 */
class LayerRegistryTest {
    private static final String ALL = "ConvolutionLayer, DepthwiseConvolution2D, SeparableConvolution2D, DenseLayer, "
            + "OutputLayer, SubsamplingLayer, GlobalPoolingLayer, BatchNormalization, ActivationLayer, DropoutLayer";
    private static final String QAT = "ConvolutionLayer, DepthwiseConvolution2D, DenseLayer, OutputLayer, SubsamplingLayer, "
            + "GlobalPoolingLayer";
    /** Every kind but batch norm, which must be folded first (fold.BatchNormFolding). */
    private static final String FOLDED = ALL.replace("BatchNormalization, ", "");
    /** The message's "supported: ..." part, per capability. */
    private static final Map<Capability, String> SUPPORTED = new EnumMap<>(Map.of(
            Capability.EXPORT, ALL, Capability.QAT, QAT, Capability.PRUNING, FOLDED, Capability.CLUSTERING, FOLDED,
            Capability.CHANNEL_PRUNING, ALL)); // channel pruning follows a channel through batch norm
    /** How the message names each capability. */
    private static final Map<Capability, String> WHO = new EnumMap<>(Map.of(
            Capability.EXPORT, "the exporter", Capability.QAT, "quantization-aware training",
            Capability.PRUNING, "pruning", Capability.CLUSTERING, "clustering",
            Capability.CHANNEL_PRUNING, "channel pruning"));

    /** One probe network per layer kind, with the probed layer at {@code index}. */
    private record Probe(String type, MultiLayerNetwork net, int index) {}

    @BeforeAll
    static void backend() {
        Backend.start();
    }

    @Test
    void theRegistryKnowsExactlyTheExpectedKindsWithTheirWeightsAndAxes() {
        List<String> names = LayerRegistry.kinds().stream().map(LayerKind::name).toList();
        assertEquals(List.of(ALL.split(", ")), names);
        for (LayerKind kind : LayerRegistry.kinds()) {
            for (Capability c : Capability.values()) {
                boolean expected = accepts(c, kind.name());
                assertEquals(expected, kind.supports(c), kind.name() + " / " + c);
            }
        }
        Map<String, String> weights = new LinkedHashMap<>();
        for (LayerKind kind : LayerRegistry.kinds()) {
            weights.put(kind.name(), kind.weights().toString());
        }
        assertEquals("[W (channel axes [0], CONV_2D)]", weights.get("ConvolutionLayer"));
        assertEquals("[W (channel axes [2, 3], DEPTHWISE_CONV_2D)]", weights.get("DepthwiseConvolution2D"));
        assertEquals("[W (channel axes [1, 0], DEPTHWISE_CONV_2D), pW (channel axes [0], CONV_2D)]",
                weights.get("SeparableConvolution2D"));
        assertEquals("[W (channel axes [1], FULLY_CONNECTED)]", weights.get("DenseLayer"));
        assertEquals("[W (channel axes [1], FULLY_CONNECTED)]", weights.get("OutputLayer"));
        for (String none : List.of("SubsamplingLayer", "GlobalPoolingLayer", "BatchNormalization", "ActivationLayer",
                "DropoutLayer")) {
            assertEquals("[]", weights.get(none), none);
        }
        assertEquals(0, TfliteWeights.CONV_2D.outputChannelAxis());
        assertEquals(3, TfliteWeights.DEPTHWISE_CONV_2D.outputChannelAxis());
        assertEquals(0, TfliteWeights.FULLY_CONNECTED.outputChannelAxis());
    }

    @TestFactory
    List<DynamicTest> everyPathAcceptsOrRefusesAsTheRegistrySays() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Probe probe : probes()) {
            for (Capability capability : Capability.values()) {
                tests.add(DynamicTest.dynamicTest(probe.type() + " / " + capability, () -> check(probe, capability)));
            }
        }
        return tests;
    }

    private static void check(Probe probe, Capability capability) {
        Layer layer = probe.net().getLayerWiseConfigurations().getConf(probe.index()).getLayer();
        boolean known = LayerRegistry.kind(layer).isPresent();
        boolean supported = known && LayerRegistry.kind(layer).get().supports(capability);
        boolean expected = ALL.contains(probe.type()) && accepts(capability, probe.type());
        assertEquals(expected, supported, "the registry's answer for " + probe.type() + " / " + capability);
        Runnable path = () -> run(capability, probe.net());
        if (supported) {
            path.run();
            return;
        }
        UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, path::run);
        String prefix = "layer " + probe.index() + " (" + probe.type() + " 'probe'): not supported by " + WHO.get(capability);
        assertTrue(e.getMessage().startsWith(prefix), "expected '" + prefix + "...', got: " + e.getMessage());
        assertTrue(e.getMessage().endsWith("; supported: " + SUPPORTED.get(capability)), e.getMessage());
        if (known) {
            assertTrue(e.getMessage().contains(" ("), "a known kind's refusal says why: " + e.getMessage());
        }
    }

    /** Whether {@code capability} supports the layer kind {@code type}, as this test expects. */
    private static boolean accepts(Capability capability, String type) {
        return List.of(SUPPORTED.get(capability).split(", ")).contains(type);
    }

    private static void run(Capability capability, MultiLayerNetwork net) {
        switch (capability) {
            case EXPORT -> InferenceGraph.of(net);
            case QAT -> QuantizationAwareTraining.prepare(net);
            case PRUNING -> Pruning.lowMagnitude(net, PruningSchedule.constant(0.5));
            case CLUSTERING -> Clustering.cluster(net, ClusteringConfig.of(2, CentroidInit.LINEAR));
            case CHANNEL_PRUNING -> ChannelPruning.of(net).prune(PruningSchedule.constant(0.5)).strip();
        }
    }

    private static List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        // known kinds, each between an 8x8 input convolution and a softmax output
        probes.add(image("ConvolutionLayer", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU)));
        probes.add(image("DepthwiseConvolution2D", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1)
                .activation(Activation.RELU)));
        probes.add(image("SeparableConvolution2D", new SeparableConvolution2D.Builder(3, 3).nOut(4)
                .activation(Activation.RELU)));
        probes.add(image("DenseLayer", new DenseLayer.Builder().nOut(8).activation(Activation.RELU)));
        probes.add(image("SubsamplingLayer", new SubsamplingLayer.Builder(PoolingType.MAX, new int[] {2, 2})));
        probes.add(image("GlobalPoolingLayer", new GlobalPoolingLayer.Builder(PoolingType.AVG)));
        probes.add(image("BatchNormalization", new BatchNormalization.Builder()));
        probes.add(image("ActivationLayer", new ActivationLayer.Builder().activation(Activation.RELU)));
        probes.add(image("DropoutLayer", new DropoutLayer.Builder(0.5)));
        probes.add(probe("OutputLayer", 1, list -> list
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(output().name("probe").build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1))));
        // kinds the registry does not know
        probes.add(image("Deconvolution2D", new Deconvolution2D.Builder(3, 3).nOut(4)));
        probes.add(image("Upsampling2D", new Upsampling2D.Builder(2)));
        probes.add(probe("Convolution3D", 0, list -> list
                .layer(new Convolution3D.Builder(2, 2, 2).nOut(2).name("probe").build())
                .layer(output().build())
                .setInputType(InputType.convolutional3D(4, 4, 4, 1))));
        probes.add(probe("Convolution1DLayer", 0, list -> list
                .layer(new Convolution1DLayer.Builder(3).nOut(4).name("probe").build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(output().build())
                .setInputType(InputType.recurrent(1, 8))));
        probes.add(probe("LSTM", 1, list -> list
                .layer(new DenseLayer.Builder().nIn(16).nOut(8).activation(Activation.RELU).build())
                .layer(new LSTM.Builder().nIn(8).nOut(8).name("probe").build())
                .layer(new RnnOutputLayer.Builder().nIn(8).nOut(10).activation(Activation.SOFTMAX).build())));
        return probes;
    }

    /** An 8x8 image network: convolution, the probed layer (index 1), softmax output. */
    private static Probe image(String type, Layer.Builder<?> probed) {
        return probe(type, 1, list -> list
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(probed.name("probe").build())
                .layer(output().build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1)));
    }

    private static Probe probe(String type, int index, Consumer<NeuralNetConfiguration.ListBuilder> layers) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(1).list();
        layers.accept(list);
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        String actual = net.getLayerWiseConfigurations().getConf(index).getLayer().getClass().getSimpleName();
        if (!actual.equals(type)) {
            fail("probe for " + type + " has " + actual + " at index " + index);
        }
        return new Probe(type, net, index);
    }

    private static OutputLayer.Builder output() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX);
    }
}
