package org.condition4j.layers;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place that knows the DL4J layers: for each layer class, its weight tensors with their
 * output-channel axes (in DL4J's layout and in TFLite's), and whether the exporter and each
 * technique support it, or why not. The exporter and the techniques ask it before they touch a
 * layer, so they accept and refuse the same layers, with messages in one format:
 * {@code layer 3 (LSTM 'lstm'): not supported by pruning; supported: ...}.
 *
 * <p>A layer class is matched exactly: a subclass (e.g. {@code Deconvolution2D} or
 * {@code Convolution1DLayer}, both subclasses of {@code ConvolutionLayer}) has other weights or
 * other semantics and is unknown until it is added here.
 */
public final class LayerRegistry {
    private static final String W = "W";

    private static final String QAT_NO_HOOK = "quantization-aware training fake-quantizes the activation of a "
            + "convolution or dense layer; this layer has no such hook";

    /** The fold step's name, for messages (a string: layers sits below the fold package). */
    public static final String FOLD_METHOD = "BatchNormFolding.fold(net)";

    private static final String FOLD_FIRST = "the exporter folds batch normalization into the layer before it, "
            + "multiplying each output channel by its own factor, so the weights this technique changed would not be "
            + "the weights exported; fold it first with " + FOLD_METHOD + " (package org.condition4j.fold)";

    private static final List<LayerKind> KINDS = List.of(
            new LayerKind(ConvolutionLayer.class,
                    List.of(new WeightParam(W, new int[] {0}, TfliteWeights.CONV_2D)), Map.of()),
            new LayerKind(DepthwiseConvolution2D.class,
                    List.of(new WeightParam(W, new int[] {2, 3}, TfliteWeights.DEPTHWISE_CONV_2D)), Map.of()),
            new LayerKind(SeparableConvolution2D.class,
                    List.of(new WeightParam(W, new int[] {1, 0}, TfliteWeights.DEPTHWISE_CONV_2D),
                            new WeightParam("pW", new int[] {0}, TfliteWeights.CONV_2D)),
                    Map.of(Capability.QAT, "the exporter splits it into a depthwise and a 1x1 convolution, and "
                            + "the int8 range of the tensor between the two cannot be learned inside one DL4J layer")),
            new LayerKind(DenseLayer.class,
                    List.of(new WeightParam(W, new int[] {1}, TfliteWeights.FULLY_CONNECTED)), Map.of()),
            new LayerKind(OutputLayer.class,
                    List.of(new WeightParam(W, new int[] {1}, TfliteWeights.FULLY_CONNECTED)), Map.of()),
            new LayerKind(SubsamplingLayer.class, List.of(), Map.of()),
            // a pool keeps its input's int8 parameters, so QAT has nothing to learn there
            new LayerKind(GlobalPoolingLayer.class, List.of(), Map.of()),
            new LayerKind(BatchNormalization.class, List.of(), Map.of(Capability.QAT, FOLD_FIRST,
                    Capability.PRUNING, FOLD_FIRST, Capability.CLUSTERING, FOLD_FIRST)),
            new LayerKind(ActivationLayer.class, List.of(), Map.of(Capability.QAT, QAT_NO_HOOK
                    + "; set the activation on the convolution or dense layer before it (after a batch norm, "
                    + FOLD_METHOD + " does)")),
            new LayerKind(DropoutLayer.class, List.of(), Map.of(Capability.QAT, QAT_NO_HOOK)));

    private LayerRegistry() {}

    /** Every layer kind the registry knows, in a fixed order. */
    public static List<LayerKind> kinds() {
        return KINDS;
    }

    /** The kind of {@code layer}, if the registry knows its class. */
    public static Optional<LayerKind> kind(Layer layer) {
        return KINDS.stream().filter(k -> k.type() == layer.getClass()).findFirst();
    }

    /** The layer classes {@code capability} supports, for messages: "ConvolutionLayer, DenseLayer, ...". */
    public static String supported(Capability capability) {
        return KINDS.stream().filter(k -> k.supports(capability)).map(LayerKind::name)
                .collect(Collectors.joining(", "));
    }

    /** "layer 2 (SubsamplingLayer 'pool1')": how every message names a layer. */
    public static String describe(MultiLayerNetwork net, int index) {
        return describe(index, layer(net, index));
    }

    /** As {@link #describe(MultiLayerNetwork, int)}, for layer {@code index} configured by {@code layer}. */
    public static String describe(int index, Layer layer) {
        return "layer " + index + " (" + layer.getClass().getSimpleName()
                + (layer.getLayerName() == null ? "" : " '" + layer.getLayerName() + "'") + ")";
    }

    /**
     * The kind of layer {@code index} of {@code net}, which {@code capability} supports.
     *
     * @throws UnsupportedNetworkException if the registry does not know the layer or
     *                                     {@code capability} does not support it
     */
    public static LayerKind require(MultiLayerNetwork net, int index, Capability capability) {
        return require(index, layer(net, index), capability);
    }

    /** As {@link #require(MultiLayerNetwork, int, Capability)}, for layer {@code index} configured by {@code layer}. */
    public static LayerKind require(int index, Layer layer, Capability capability) {
        Optional<LayerKind> kind = kind(layer);
        String reason = kind.map(k -> k.refusal(capability).orElse(null)).orElse(null);
        if (kind.isEmpty() || reason != null) {
            throw new UnsupportedNetworkException(describe(index, layer) + ": not supported by " + capability.who()
                    + (reason == null ? "" : " (" + reason + ")") + "; supported: " + supported(capability));
        }
        return kind.get();
    }

    /** Requires {@code capability} to support every layer of {@code net}. */
    public static void requireAll(MultiLayerNetwork net, Capability capability) {
        for (int i = 0; i < net.getnLayers(); i++) {
            require(net, i, capability);
        }
    }

    /** One weight tensor of a network: the index and configuration of its layer, and what the registry knows of it. */
    public record LayerWeight(int layerIndex, Layer layer, WeightParam param) {}

    /**
     * The weight tensors of layer {@code index} that {@code capability} works on (none for a
     * layer without weights); fails as {@link #require} does.
     */
    public static List<LayerWeight> weights(MultiLayerNetwork net, int index, Capability capability) {
        Layer layer = layer(net, index);
        return require(index, layer, capability).weights().stream()
                .map(param -> new LayerWeight(index, layer, param)).toList();
    }

    /** The weight tensors of every layer of {@code net}, in layer order; fails as {@link #require} does. */
    public static List<LayerWeight> weights(MultiLayerNetwork net, Capability capability) {
        List<LayerWeight> all = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            all.addAll(weights(net, i, capability));
        }
        return all;
    }

    /** The weight tensor {@code key} of {@code layer}; fails for a layer or key the registry does not know. */
    public static WeightParam weight(Layer layer, String key) {
        return kind(layer).flatMap(k -> k.weight(key)).orElseThrow(() -> new UnsupportedNetworkException(
                "No weight tensor '" + key + "' known for " + layer.getClass().getSimpleName()
                        + (layer.getLayerName() == null ? "" : " '" + layer.getLayerName() + "'")));
    }

    private static Layer layer(MultiLayerNetwork net, int index) {
        return net.getLayerWiseConfigurations().getConf(index).getLayer();
    }
}
