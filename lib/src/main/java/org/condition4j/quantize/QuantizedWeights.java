package org.condition4j.quantize;

import org.condition4j.graph.WeightedOp;

/**
 * The int8 weights and int32 bias of one convolution, depthwise convolution or dense op, as
 * {@link Int8Scheme} defines them: symmetric per output channel along {@code channelAxis}
 * (0 for [out, ...] weights, 3 for depthwise [1, kh, kw, channels]), bias scale
 * {@code inputScale * scales[channel]}.
 */
public record QuantizedWeights(byte[] values, int[] shape, int channelAxis, double[] scales,
                               int[] bias, double[] biasScales) {

    /** Quantizes {@code op}'s weights per channel and its bias for an input of scale {@code inputScale}. */
    public static QuantizedWeights of(WeightedOp op, double inputScale) {
        float[] w = op.weights();
        int[] shape = op.weightShape();
        int axis = op.channelAxis();
        int channels = shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        double[] maxAbs = new double[channels];
        for (int k = 0; k < w.length; k++) {
            int c = (k / inner) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[k]));
        }
        double[] scales = new double[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = Int8Scheme.weightScale(maxAbs[c]);
        }
        byte[] values = new byte[w.length];
        for (int k = 0; k < w.length; k++) {
            values[k] = (byte) Int8Scheme.quantizeWeight(w[k], scales[(k / inner) % channels]);
        }
        float[] b = op.bias();
        int[] bias = new int[channels];
        double[] biasScales = new double[channels];
        for (int c = 0; c < channels; c++) {
            biasScales[c] = Int8Scheme.biasScale(inputScale, scales[c]);
            bias[c] = Int8Scheme.quantizeBias(b[c], biasScales[c]);
        }
        return new QuantizedWeights(values, shape, axis, scales, bias, biasScales);
    }

    public int channels() {
        return shape[channelAxis];
    }
}
