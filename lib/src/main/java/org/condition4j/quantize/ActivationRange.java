package org.condition4j.quantize;

/** The real-valued range [min, max] an activation tensor takes. */
public record ActivationRange(double min, double max) {
    public ActivationRange {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("Invalid activation range [" + min + ", " + max + "]");
        }
    }

    /** The int8 scale and zero point for this range (widened to contain 0). */
    public Int8Scheme.ActivationParams params() {
        return Int8Scheme.activation(min, max);
    }
}
