package org.condition4j.quantize;

/**
 * The TFLite int8 scheme, in one place so that post-training quantization, quantization-aware
 * training and the exporter agree to the last bit.
 *
 * <ul>
 *   <li>Weights: symmetric, zero point 0, values in [-127, 127], {@code scale = max|w| / 127}
 *       with the maximum taken per output channel for convolutions and depthwise convolutions,
 *       and over the whole matrix for dense (FULLY_CONNECTED) layers: the TFLite 2.6 int8 kernel
 *       reads a single weight scale for FULLY_CONNECTED (see {@link #weightScaleCount}).
 *       A zero weight becomes exactly 0.</li>
 *   <li>Activations: asymmetric in [-128, 127]. The observed range is widened to contain 0
 *       (zero must be exactly representable), {@code scale = (max - min) / 255},
 *       {@code zeroPoint = round(-128 - min / scale)}.</li>
 *   <li>Bias: int32, zero point 0, {@code scale = inputScale * weightScale[channel]}.</li>
 * </ul>
 */
public final class Int8Scheme {
    public static final int WEIGHT_MAX = 127;
    public static final int ACTIVATION_MIN = -128;
    public static final int ACTIVATION_MAX = 127;

    /** What TFLite's int8 SOFTMAX (and LOGISTIC) must output: scale 1/256, zero point -128. */
    public static final ActivationParams SOFTMAX_OUTPUT = new ActivationParams(1.0 / 256, ACTIVATION_MIN);

    /** Scale used for an all-zero channel or an empty range, so that nothing divides by zero. */
    static final double FALLBACK_SCALE = 1.0 / WEIGHT_MAX;

    private Int8Scheme() {}

    /** Asymmetric activation parameters: real value = scale * (q - zeroPoint). */
    public record ActivationParams(double scale, int zeroPoint) {
        public double min() {
            return scale * (ACTIVATION_MIN - zeroPoint);
        }

        public double max() {
            return scale * (ACTIVATION_MAX - zeroPoint);
        }

        public int quantize(double x) {
            return clamp(roundHalfAwayFromZero(x / scale) + zeroPoint, ACTIVATION_MIN, ACTIVATION_MAX);
        }

        public double dequantize(int q) {
            return scale * (q - zeroPoint);
        }

        /** {@code x} rounded to the nearest representable value and clipped to the range. */
        public double fakeQuantize(double x) {
            return dequantize(quantize(x));
        }
    }

    /**
     * How many weight scales a layer gets: one per output channel for a convolution or depthwise
     * convolution, a single one for a dense (FULLY_CONNECTED) layer.
     */
    public static int weightScaleCount(boolean dense, int outputChannels) {
        return dense ? 1 : outputChannels;
    }

    /** The scale of a symmetric weight channel whose largest magnitude is {@code maxAbs}. */
    public static double weightScale(double maxAbs) {
        return maxAbs > 0 ? maxAbs / WEIGHT_MAX : FALLBACK_SCALE;
    }

    /** A weight quantized with {@code scale}: symmetric, in [-127, 127]. */
    public static int quantizeWeight(double w, double scale) {
        return clamp(roundHalfAwayFromZero(w / scale), -WEIGHT_MAX, WEIGHT_MAX);
    }

    /** Activation parameters for an observed range [min, max]; the range is widened to hold 0. */
    public static ActivationParams activation(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("Invalid activation range [" + min + ", " + max + "]");
        }
        double lo = Math.min(min, 0);
        double hi = Math.max(max, 0);
        if (hi - lo <= 0) {
            return new ActivationParams(FALLBACK_SCALE, 0);
        }
        double scale = (hi - lo) / (ACTIVATION_MAX - ACTIVATION_MIN);
        int zeroPoint = clamp((int) Math.round(ACTIVATION_MIN - lo / scale), ACTIVATION_MIN, ACTIVATION_MAX);
        return new ActivationParams(scale, zeroPoint);
    }

    /** Bias scale as the TFLite kernels require it: input scale times the channel's weight scale. */
    public static double biasScale(double inputScale, double weightScale) {
        return inputScale * weightScale;
    }

    /** Bias quantized to int32 with {@code scale} (zero point 0). */
    public static int quantizeBias(double b, double scale) {
        long q = Math.round(b / scale);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
    }

    /** Rounds halves away from zero, as TFLite's QUANTIZE op and converter do. */
    public static int roundHalfAwayFromZero(double x) {
        return (int) Math.copySign(Math.floor(Math.abs(x) + 0.5), x);
    }

    static int clamp(long v, int lo, int hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }
}
