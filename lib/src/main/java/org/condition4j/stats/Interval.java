package org.condition4j.stats;

/** A confidence interval for a proportion, both bounds in [0, 1]. */
public record Interval(double lower, double upper, double confidence) {
    public Interval {
        if (!(0 <= lower && lower <= upper && upper <= 1)) {
            throw new IllegalArgumentException("An interval needs 0 <= lower <= upper <= 1, got [" + lower + ", "
                    + upper + "]");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("Confidence must be between 0 and 1, got " + confidence);
        }
    }

    public boolean contains(double value) {
        return lower <= value && value <= upper;
    }

    /** Half the width, in the same unit as the bounds. */
    public double halfWidth() {
        return (upper - lower) / 2;
    }
}
