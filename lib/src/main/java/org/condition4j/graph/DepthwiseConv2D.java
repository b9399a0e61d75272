package org.condition4j.graph;

import org.condition4j.layers.TfliteWeights;

/**
 * A depthwise 2-D convolution: input channel {@code c} is convolved with {@code depthMultiplier}
 * kernels, giving output channels {@code c * depthMultiplier + m}; weights [1, kh, kw, out].
 */
public record DepthwiseConv2D(String name, int layer, int[] inputShape, int[] outputShape, Window window,
                              int depthMultiplier, float[] weights, float[] bias, FusedActivation activation)
        implements WeightedOp {

    @Override
    public int[] weightShape() {
        return new int[] {1, window.kernelH(), window.kernelW(), outputShape[3]};
    }

    @Override
    public int channelAxis() {
        return TfliteWeights.DEPTHWISE_CONV_2D.outputChannelAxis();
    }

    @Override
    public DepthwiseConv2D with(float[] weights, float[] bias, FusedActivation activation, String name, int layer) {
        return new DepthwiseConv2D(name, layer, inputShape, outputShape, window, depthMultiplier, weights, bias,
                activation);
    }

    @Override
    public String describe() {
        return window + ", depth multiplier " + depthMultiplier + ", " + activation;
    }
}
