package org.condition4j.quantize;

import org.condition4j.graph.InferenceGraph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Activation ranges keyed by tensor name of an {@link InferenceGraph} ({@value InferenceGraph#INPUT}
 * for the input, the DL4J layer name for a layer's output; see {@link InferenceGraph} for the
 * full rule and {@link InferenceGraph#tensorOfLayer(int)} to go from a layer index to its tensor).
 * Produced by {@link Calibration}, or built by hand, e.g. from ranges that quantization-aware
 * training learned. Immutable.
 */
public final class ActivationRanges {
    private final Map<String, ActivationRange> ranges;

    private ActivationRanges(Map<String, ActivationRange> ranges) {
        this.ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    }

    public static ActivationRanges empty() {
        return new ActivationRanges(Map.of());
    }

    public static ActivationRanges of(Map<String, ActivationRange> ranges) {
        return new ActivationRanges(ranges);
    }

    /** A copy with the range of {@code tensor} set to [min, max]. */
    public ActivationRanges with(String tensor, double min, double max) {
        Map<String, ActivationRange> copy = new LinkedHashMap<>(ranges);
        copy.put(tensor, new ActivationRange(min, max));
        return new ActivationRanges(copy);
    }

    /** A copy where every range of {@code other} replaces or adds to the ones here. */
    public ActivationRanges with(ActivationRanges other) {
        Map<String, ActivationRange> copy = new LinkedHashMap<>(ranges);
        copy.putAll(other.ranges);
        return new ActivationRanges(copy);
    }

    public boolean contains(String tensor) {
        return ranges.containsKey(tensor);
    }

    public ActivationRange get(String tensor) {
        ActivationRange range = ranges.get(tensor);
        if (range == null) {
            throw new IllegalArgumentException("No activation range for tensor '" + tensor + "'; known: " + ranges.keySet());
        }
        return range;
    }

    public Set<String> tensors() {
        return ranges.keySet();
    }

    public Map<String, ActivationRange> asMap() {
        return ranges;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
