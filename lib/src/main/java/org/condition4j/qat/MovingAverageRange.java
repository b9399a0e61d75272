package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;

import java.io.Serializable;

/**
 * The range of one int8 tensor, learned during training as exponential moving averages of the
 * batch minimum and maximum, as TensorFlow's quantization-aware training does:
 * {@code min += (batchMin - min) * (1 - decay)}, likewise for the maximum. Each batch's range
 * is first widened to contain 0 (the int8 scheme needs zero exactly representable); unlike
 * TensorFlow, which starts from [-6, 6], the first batch initialises the averages, so a
 * one-epoch fine-tune ends with ranges that reflect the data.
 *
 * <p>The fields are Java-bean properties so that the range is part of the layer configuration
 * that {@code ModelSerializer} writes: a saved and reloaded network keeps what it learned.
 * Only the flag that admits the next training batch is transient.
 */
public final class MovingAverageRange implements Serializable {
    public static final double DEFAULT_DECAY = 0.999;

    private double decay = DEFAULT_DECAY;
    private double min;
    private double max;
    private long batches;
    private transient boolean batchExpected;

    /** For deserialization; an empty range with the default decay. */
    public MovingAverageRange() {}

    public MovingAverageRange(double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("Moving-average decay " + decay
                    + " is invalid: it must be in [0, 1), e.g. " + DEFAULT_DECAY);
        }
        this.decay = decay;
    }

    /**
     * A range that is already [min, max], as if learned from one batch, e.g. to look at fake
     * quantization outside a network.
     */
    public static MovingAverageRange of(double min, double max) {
        MovingAverageRange range = new MovingAverageRange();
        range.observe(min, max);
        return range;
    }

    /** Folds one training batch's minimum and maximum into the averages. */
    public void observe(double batchMin, double batchMax) {
        if (!Double.isFinite(batchMin) || !Double.isFinite(batchMax) || batchMin > batchMax) {
            throw new IllegalStateException("A training batch produced the invalid range [" + batchMin + ", "
                    + batchMax + "]; the loss has probably diverged (lower the learning rate)");
        }
        double lo = Math.min(batchMin, 0);
        double hi = Math.max(batchMax, 0);
        if (batches == 0) {
            min = lo;
            max = hi;
        } else {
            min += (lo - min) * (1 - decay);
            max += (hi - max) * (1 - decay);
        }
        batches++;
    }

    /** Whether at least one training batch has been observed. */
    public boolean hasRange() {
        return batches > 0;
    }

    /** The int8 grid of the current range; only valid when {@link #hasRange()}. */
    public Int8Scheme.ActivationParams params() {
        if (!hasRange()) {
            throw new IllegalStateException("No training batch has been observed yet");
        }
        return Int8Scheme.activation(min, max);
    }

    /**
     * Marks that a new training step has started, so that the next training-mode forward pass is
     * observed. DL4J evaluates the output layer's activation several times per step (forward,
     * gradient, score) and also in training mode when scoring; only the first of a step counts.
     */
    void expectBatch() {
        batchExpected = true;
    }

    /** True once per expected batch: whether this forward pass should be observed. */
    boolean takeExpectedBatch() {
        boolean expected = batchExpected;
        batchExpected = false;
        return expected;
    }

    MovingAverageRange copy() {
        MovingAverageRange copy = new MovingAverageRange(decay);
        copy.min = min;
        copy.max = max;
        copy.batches = batches;
        return copy;
    }

    public double getDecay() {
        return decay;
    }

    public void setDecay(double decay) {
        this.decay = decay;
    }

    public double getMin() {
        return min;
    }

    public void setMin(double min) {
        this.min = min;
    }

    public double getMax() {
        return max;
    }

    public void setMax(double max) {
        this.max = max;
    }

    /** How many training batches have been folded in. */
    public long getBatches() {
        return batches;
    }

    public void setBatches(long batches) {
        this.batches = batches;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MovingAverageRange r && r.decay == decay && r.min == min && r.max == max
                && r.batches == batches;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(min) * 31 + Double.hashCode(max) + Long.hashCode(batches);
    }

    @Override
    public String toString() {
        return hasRange() ? "[" + min + ", " + max + "] after " + batches + " batches" : "no range yet";
    }
}
