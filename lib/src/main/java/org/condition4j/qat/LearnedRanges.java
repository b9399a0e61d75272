package org.condition4j.qat;

import org.condition4j.quantize.ActivationRange;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The ranges a quantization-aware network learned for the int8 tensors of its exported graph,
 * keyed like the DL4J layers: the network input, and for every layer with weights the tensor it
 * writes (its output after the fused ReLU/ReLU6/identity or, for a softmax output layer, its
 * logits: SOFTMAX's own output grid is fixed at 1/256). Layers without weights (pooling,
 * flattening) keep their input's quantization; {@link #forLayer} resolves them. The ranges
 * always contain 0. {@link QatModel#quantizedGraph()} turns them into the exporter's ranges,
 * keyed by tensor name.
 */
public final class LearnedRanges {
    private final ActivationRange input;
    private final NavigableMap<Integer, ActivationRange> layers;
    private final int layerCount;

    LearnedRanges(ActivationRange input, Map<Integer, ActivationRange> layers, int layerCount) {
        this.input = input;
        this.layerCount = layerCount;
        this.layers = Collections.unmodifiableNavigableMap(new TreeMap<>(layers));
    }

    /** The range of the network input (the exported model's input tensor). */
    public ActivationRange input() {
        return input;
    }

    /** Layer index to the range of the tensor the layer's weights produce, for every layer with weights. */
    public NavigableMap<Integer, ActivationRange> layers() {
        return layers;
    }

    /**
     * The range of the int8 tensor that layer {@code index} outputs: its own for a layer with
     * weights, otherwise that of the nearest earlier tensor (or the input), whose quantization
     * pooling and reshaping keep.
     */
    public ActivationRange forLayer(int index) {
        if (index < 0 || index >= layerCount) {
            throw new IllegalArgumentException("Layer index " + index + " is outside 0.." + (layerCount - 1));
        }
        Map.Entry<Integer, ActivationRange> entry = layers.floorEntry(index);
        return entry == null ? input : entry.getValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LearnedRanges r && r.input.equals(input) && r.layers.equals(layers);
    }

    @Override
    public int hashCode() {
        return input.hashCode() * 31 + layers.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("input ").append(input);
        layers.forEach((layer, range) -> text.append(", layer ").append(layer).append(' ').append(range));
        return text.toString();
    }
}
