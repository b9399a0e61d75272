package org.condition4j.qat;

import org.deeplearning4j.optimize.api.TrainingListener;
import org.condition4j.layers.LayerRegistry;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.WeightedOp;
import org.condition4j.quantize.ActivationRange;
import org.condition4j.quantize.ActivationRanges;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network made quantization-aware by {@link QuantizationAwareTraining#prepare}: train
 * {@link #network()} as usual, then export {@link #quantizedGraph()}: the float network
 * ({@link #strip()}) with the learned ranges ({@link #activationRanges()}).
 * All state, the learned ranges included, lives in the network's configuration, so a network
 * saved with {@code ModelStore} and loaded again is wrapped with {@link #of} and carries on.
 */
public final class QatModel {
    private final MultiLayerNetwork network;

    QatModel(MultiLayerNetwork network) {
        this.network = network;
    }

    /**
     * The quantization-aware network {@code net} (for instance loaded with {@code ModelStore}).
     * Fails if {@code net} was not made by {@link QuantizationAwareTraining#prepare}.
     */
    public static QatModel of(MultiLayerNetwork net) {
        if (net == null) {
            throw new IllegalArgumentException("No network given (null)");
        }
        QatModel model = new QatModel(net);
        model.inputQuantizer();
        model.layerRanges();
        return model;
    }

    /** The network to train and evaluate; it computes with fake-quantized weights and activations. */
    public MultiLayerNetwork network() {
        return network;
    }

    /** Whether training has given every int8 tensor a range (at least one training step). */
    public boolean isTrained() {
        return inputQuantizer().getRange().hasRange()
                && layerRanges().values().stream().allMatch(MovingAverageRange::hasRange);
    }

    /**
     * The learned ranges of the exported int8 tensors, keyed by layer index, plus the input.
     *
     * @throws IllegalStateException before the first training step, when there are none yet
     */
    public LearnedRanges activationRanges() {
        MovingAverageRange input = inputQuantizer().getRange();
        Map<Integer, MovingAverageRange> layers = layerRanges();
        if (!input.hasRange() || !layers.values().stream().allMatch(MovingAverageRange::hasRange)) {
            throw new IllegalStateException("The quantization-aware network has no activation ranges yet: they are "
                    + "learned in training. Train it first, e.g. Training.of(qat.network()).fit(train, test, 1)");
        }
        Map<Integer, ActivationRange> ranges = new LinkedHashMap<>();
        layers.forEach((index, range) -> ranges.put(index, rangeOf(range)));
        return new LearnedRanges(rangeOf(input), ranges, network.getnLayers());
    }

    /**
     * None: quantization-aware training works through hooks inside the layers (weight noise and
     * activations), not through training listeners. Here so that every technique has the same shape.
     */
    public List<TrainingListener> listeners() {
        return List.of();
    }

    /**
     * A copy of the trained network without the fake-quantization hooks: the float weights (the
     * exporter quantizes them exactly as training did) and the original activations.
     */
    public MultiLayerNetwork strip() {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(network.getLayerWiseConfigurations().toJson());
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            if (layer.getIDropout() instanceof InputFakeQuant) {
                layer.setIDropout(null);
            }
            if (layer instanceof BaseLayer weighted && weighted.getWeightNoise() instanceof WeightFakeQuant) {
                weighted.setWeightNoise(null);
                weighted.setActivationFn(unwrapped(weighted.getActivationFn()));
            }
        }
        MultiLayerNetwork plain = new MultiLayerNetwork(conf);
        plain.init(network.params().dup(), false);
        return plain;
    }

    /**
     * The trained network ready for the int8 TFLite writer: its inference graph, with the float
     * weights (the exporter quantizes them exactly as training did) and the learned activation
     * ranges instead of calibrated ones. The int8 graph is the one post-training quantization
     * makes, e.g. {@code TfliteExport.int8(qat.quantizedGraph()).writeTo(file)}.
     *
     * @throws IllegalStateException before the first training step, when there are no ranges yet
     */
    public QuantizedGraph quantizedGraph() {
        LearnedRanges learned = activationRanges();
        InferenceGraph graph = InferenceGraph.of(strip());
        Map<String, ActivationRange> byTensor = new LinkedHashMap<>();
        byTensor.put(InferenceGraph.INPUT, learned.input());
        learned.layers().forEach((layer, range) -> byTensor.put(weightedTensorOf(graph, layer), range));
        QuantizedGraph quantized = PostTrainingQuantization.withRanges(graph, ActivationRanges.of(byTensor));
        return perTensorWeights() ? quantized.withPerTensorWeights() : quantized;
    }

    /** Whether training fake-quantized every weight tensor with one scale (and the export does so too). */
    public boolean perTensorWeights() {
        return weightQuantizers().stream().allMatch(WeightFakeQuant::isPerTensor);
    }

    private List<WeightFakeQuant> weightQuantizers() {
        List<WeightFakeQuant> quantizers = new java.util.ArrayList<>();
        for (int i = 0; i < network.getnLayers(); i++) {
            if (layer(i) instanceof BaseLayer weighted && weighted.getWeightNoise() instanceof WeightFakeQuant q) {
                quantizers.add(q);
            }
        }
        return quantizers;
    }

    /** The tensor the weighted op of DL4J layer {@code layer} writes: the layer's own, or the logits before its softmax. */
    private static String weightedTensorOf(InferenceGraph graph, int layer) {
        int op = graph.opIndex(graph.tensorOfLayer(layer));
        if (graph.op(op) instanceof Softmax && op > 0) {
            op--;
        }
        if (!(graph.op(op) instanceof WeightedOp weighted)) {
            throw new IllegalStateException("Layer " + layer + " has no convolution or dense op in the exported "
                    + "graph (found " + graph.op(op).describe() + ")");
        }
        return weighted.name();
    }

    /**
     * What is quantized where, in inference order: the network input, then one row per layer
     * with its weight quantization, the int8 tensor it produces and the range learned for it
     * (null until training has seen data). {@code Tables.of(qat)} shows it.
     */
    public List<Quantization> quantization() {
        List<Quantization> rows = new java.util.ArrayList<>();
        Map<Integer, MovingAverageRange> ranges = layerRanges();
        rows.add(new Quantization("input", "", "", "", "network input, fake-quantized in training",
                range(inputQuantizer().getRange())));
        for (int i = 0; i < network.getnLayers(); i++) {
            Layer conf = layer(i);
            String name = String.valueOf(conf.getLayerName());
            String type = conf.getClass().getSimpleName();
            MovingAverageRange range = ranges.get(i);
            if (range == null) {
                rows.add(new Quantization(Integer.toString(i), name, type, "", "keeps its input's quantization", null));
                continue;
            }
            int scales = ((WeightFakeQuant) ((BaseLayer) conf).getWeightNoise()).isPerTensor() ? 1
                    : WeightFakeQuant.scaleCount(LayerRegistry.weight(conf, "W"), network.getLayer(i).getParam("W").shape());
            IActivation activation = ((BaseLayer) conf).getActivationFn();
            rows.add(new Quantization(Integer.toString(i), name, type,
                    "int8, " + scales + (scales == 1 ? " scale" : " channel scales"),
                    activation instanceof FakeQuantActivation a ? "output after " + a.getWrapped() : "logits, before softmax",
                    range(range)));
        }
        return List.copyOf(rows);
    }

    /** One row of {@link #quantization()}; {@code range} is null where nothing is learned (yet). */
    public record Quantization(String layer, String name, String type, String weights, String tensor,
                               ActivationRange range) {}

    private static ActivationRange range(MovingAverageRange range) {
        return range == null || !range.hasRange() ? null : new ActivationRange(range.getMin(), range.getMax());
    }

    private static IActivation unwrapped(IActivation activation) {
        if (activation instanceof FakeQuantActivation fakeQuant) {
            return fakeQuant.getWrapped();
        }
        return activation instanceof FakeQuantSoftmax ? new ActivationSoftmax() : activation;
    }

    private static ActivationRange rangeOf(MovingAverageRange range) {
        return new ActivationRange(range.getMin(), range.getMax());
    }

    private InputFakeQuant inputQuantizer() {
        Layer first = layer(0);
        if (first.getIDropout() instanceof InputFakeQuant input) {
            return input;
        }
        throw notPrepared(0, first);
    }

    /** The range of every layer with weights, checking that each has both fake-quant hooks. */
    private Map<Integer, MovingAverageRange> layerRanges() {
        Map<Integer, MovingAverageRange> ranges = new LinkedHashMap<>();
        int last = network.getnLayers() - 1;
        for (int i = 0; i <= last; i++) {
            Layer layer = layer(i);
            if (!QuantizationAwareTraining.hasWeights(i, layer, last)) {
                continue;
            }
            BaseLayer weighted = (BaseLayer) layer;
            if (!(weighted.getWeightNoise() instanceof WeightFakeQuant)) {
                throw notPrepared(i, layer);
            }
            if (weighted.getActivationFn() instanceof FakeQuantActivation activation) {
                ranges.put(i, activation.getRange());
            } else if (weighted.getActivationFn() instanceof FakeQuantSoftmax softmax) {
                ranges.put(i, softmax.getRange());
            } else {
                throw notPrepared(i, layer);
            }
        }
        return ranges;
    }

    private Layer layer(int index) {
        return network.getLayerWiseConfigurations().getConf(index).getLayer();
    }

    private static IllegalArgumentException notPrepared(int index, Layer layer) {
        return new IllegalArgumentException(LayerRegistry.describe(index, layer)
                + " has no fake quantization: the network is not quantization-aware. "
                + "Make one with QuantizationAwareTraining.prepare(net)");
    }
}
