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
        int[] shape = op.weightShape();
        int axis = op.channelAxis();
        int channels = shape[axis];
        boolean oneScale = perTensor || Int8Scheme.weightScaleCount(op instanceof FullyConnected, channels) == 1;
        WeightQuantization.Int8Weights w = WeightQuantization.quantize(op.weights(),
                WeightQuantization.channelOf(shape, axis), channels, oneScale);
        double[] scales = w.scales();
        double[] biasScales = new double[scales.length];
        for (int g = 0; g < scales.length; g++) {
            biasScales[g] = Int8Scheme.biasScale(inputScale, scales[g]);
        }
        float[] b = op.bias();
        int[] bias = new int[channels];
        for (int c = 0; c < channels; c++) {
            bias[c] = Int8Scheme.quantizeBias(b[c], biasScales[scales.length == 1 ? 0 : c]);
        }
        return new QuantizedWeights(w.values(), shape, axis, scales, bias, biasScales);
    }

    public int channels() {
        return shape[channelAxis];
    }

    /** The scale of output channel {@code c}'s weights. */
    public double scale(int c) {
        return scales[scales.length == 1 ? 0 : c];
    }
}
