package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The ranges a quantization-aware network learned for the int8 tensors of its exported graph,
 * keyed like the DL4J layers: the network input, and for every layer with weights the tensor it
 * writes (its output after the fused ReLU/ReLU6/identity or, for a softmax output layer, its
 * logits: SOFTMAX's own output grid is fixed at 1/256). Layers without weights (pooling,
 * flattening) keep their input's quantization; {@link #forLayer} resolves them.
 */
public final class ActivationRanges {

    /** A learned range [min, max] (it always contains 0). */
    public record Range(double min, double max) {
        /** The int8 scale and zero point of this range, by the shared scheme. */
        public Int8Scheme.ActivationParams params() {
            return Int8Scheme.activation(min, max);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "[%.6g, %.6g]", min, max);
        }
    }

    private final Range input;
    private final NavigableMap<Integer, Range> layers;
    private final int layerCount;

    ActivationRanges(Range input, Map<Integer, Range> layers, int layerCount) {
        this.input = input;
        this.layerCount = layerCount;
        this.layers = Collections.unmodifiableNavigableMap(new TreeMap<>(layers));
    }

    /** The range of the network input (the exported model's input tensor). */
    public Range input() {
        return input;
    }

    /** Layer index to the range of the tensor the layer's weights produce, for every layer with weights. */
    public NavigableMap<Integer, Range> layers() {
        return layers;
    }

    /**
     * The range of the int8 tensor that layer {@code index} outputs: its own for a layer with
     * weights, otherwise that of the nearest earlier tensor (or the input), whose quantization
     * pooling and reshaping keep.
     */
    public Range forLayer(int index) {
        if (index < 0 || index >= layerCount) {
            throw new IllegalArgumentException("Layer index " + index + " is outside 0.." + (layerCount - 1));
        }
        Map.Entry<Integer, Range> entry = layers.floorEntry(index);
        return entry == null ? input : entry.getValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationRanges r && r.input.equals(input) && r.layers.equals(layers);
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
