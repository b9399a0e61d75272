package org.condition4j.quantize;

/**
 * The one symmetric int8 weight quantization (per output channel or per tensor) that the
 * exporter, quantization-aware training's weight fake-quantization and clustering's int8
 * statistics all use: {@code scale = max|w| / 127} over each channel (or the whole tensor), each
 * weight {@link Int8Scheme#quantizeWeight rounded} with its channel's scale.
 */
public final class WeightQuantization {
    private WeightQuantization() {}

    /**
     * Int8 weights and their scales: {@code values[i]} has scale {@code scales[channelOf[i]]}, or
     * {@code scales[0]} when there is a single scale.
     */
    public record Int8Weights(byte[] values, double[] scales, int[] channelOf) {
        /** The scale of weight {@code i}. */
        public double scaleOf(int i) {
            return scales[scales.length == 1 ? 0 : channelOf[i]];
        }

        /** Weight {@code i} back as a real number: {@code scale * q}. */
        public float dequantized(int i) {
            return (float) (scaleOf(i) * values[i]);
        }
    }

    /**
     * Quantizes {@code weights} with one scale per output channel, or one for the whole tensor
     * when {@code perTensor}; {@code channelOf[i]} is weight i's output channel, in {@code 0..channels-1}.
     */
    public static Int8Weights quantize(float[] weights, int[] channelOf, int channels, boolean perTensor) {
        if (channelOf.length != weights.length) {
            throw new IllegalArgumentException(weights.length + " weights but " + channelOf.length + " channel indices");
        }
        int groups = perTensor ? 1 : channels;
        double[] maxAbs = new double[groups];
        for (int i = 0; i < weights.length; i++) {
            int g = groups == 1 ? 0 : channelOf[i];
            maxAbs[g] = Math.max(maxAbs[g], Math.abs(weights[i]));
        }
        double[] scales = new double[groups];
        for (int g = 0; g < groups; g++) {
            scales[g] = Int8Scheme.weightScale(maxAbs[g]);
        }
        byte[] values = new byte[weights.length];
        for (int i = 0; i < weights.length; i++) {
            values[i] = (byte) Int8Scheme.quantizeWeight(weights[i], scales[groups == 1 ? 0 : channelOf[i]]);
        }
        return new Int8Weights(values, scales, channelOf);
    }

    /**
     * The output channel of every element of a row-major array of {@code shape}, numbered by the
     * coordinates along {@code axes} (most significant first): for one axis, the coordinate on
     * it; for depthwise {@code [kh, kw, in, multiplier]} with axes (2, 3), {@code in * multiplier + m}.
     */
    public static int[] channelOf(long[] shape, int... axes) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        int[] channels = new int[Math.toIntExact(size)];
        long[] coordinates = new long[shape.length];
        for (int flat = 0; flat < channels.length; flat++) {
            long rest = flat;
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                coordinates[axis] = rest % shape[axis];
                rest /= shape[axis];
            }
            int channel = 0;
            for (int axis : axes) {
                channel = (int) (channel * shape[axis] + coordinates[axis]);
            }
            channels[flat] = channel;
        }
        return channels;
    }

    /** As {@link #channelOf(long[], int...)} for an {@code int} shape. */
    public static int[] channelOf(int[] shape, int... axes) {
        long[] s = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            s[d] = shape[d];
        }
        return channelOf(s, axes);
    }

    /** How many output channels {@link #channelOf} numbers. */
    public static int channelCount(long[] shape, int... axes) {
        int channels = 1;
        for (int axis : axes) {
            channels *= (int) shape[axis];
        }
        return channels;
    }
}
