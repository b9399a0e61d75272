package org.condition4j.quantize;

import org.condition4j.graph.FullyConnected;
import org.condition4j.graph.WeightedOp;

/**
 * The int8 weights and int32 bias of one convolution, depthwise convolution or dense op, as
 * {@link Int8Scheme} defines them: symmetric, per output channel along {@code channelAxis}
 * (0 for [out, ...] weights, 3 for depthwise [1, kh, kw, channels]) for convolutions, per tensor
 * for dense ops; {@code scales} holds one scale per channel or a single one. Bias scale
 * {@code inputScale * weight scale}; {@code biasScales} has as many entries as {@code scales}.
 */
public record QuantizedWeights(byte[] values, int[] shape, int channelAxis, double[] scales,
                               int[] bias, double[] biasScales) {

    /** Quantizes {@code op}'s weights per channel and its bias for an input of scale {@code inputScale}. */
    public static QuantizedWeights of(WeightedOp op, double inputScale) {
        return of(op, inputScale, false);
    }

    /** As {@link #of(WeightedOp, double)}, with one scale for the whole tensor when {@code perTensor}. */
    public static QuantizedWeights of(WeightedOp op, double inputScale, boolean perTensor) {
        float[] w = op.weights();
        int[] shape = op.weightShape();
        int axis = op.channelAxis();
        int channels = shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int groups = perTensor ? 1 : Int8Scheme.weightScaleCount(op instanceof FullyConnected, channels);
        double[] maxAbs = new double[groups];
        for (int k = 0; k < w.length; k++) {
            int g = group(k, inner, channels, groups);
            maxAbs[g] = Math.max(maxAbs[g], Math.abs(w[k]));
        }
        double[] scales = new double[groups];
        double[] biasScales = new double[groups];
        for (int g = 0; g < groups; g++) {
            scales[g] = Int8Scheme.weightScale(maxAbs[g]);
            biasScales[g] = Int8Scheme.biasScale(inputScale, scales[g]);
        }
        byte[] values = new byte[w.length];
        for (int k = 0; k < w.length; k++) {
            values[k] = (byte) Int8Scheme.quantizeWeight(w[k], scales[group(k, inner, channels, groups)]);
        }
        float[] b = op.bias();
        int[] bias = new int[channels];
        for (int c = 0; c < channels; c++) {
            bias[c] = Int8Scheme.quantizeBias(b[c], biasScales[groups == 1 ? 0 : c]);
        }
        return new QuantizedWeights(values, shape, axis, scales, bias, biasScales);
    }

    private static int group(int index, int inner, int channels, int groups) {
        return groups == 1 ? 0 : (index / inner) % channels;
    }

    public int channels() {
        return shape[channelAxis];
    }

    /** The scale of output channel {@code c}'s weights. */
    public double scale(int c) {
        return scales[scales.length == 1 ? 0 : c];
    }
}
