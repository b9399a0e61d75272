package org.condition4j.graph;

import org.condition4j.layers.TfliteWeights;

/** A 2-D convolution; weights [out, kh, kw, in] (OHWI). */
public record Conv2D(String name, int layer, int[] inputShape, int[] outputShape, Window window,
                     float[] weights, float[] bias, FusedActivation activation) implements WeightedOp {

    @Override
    public int[] weightShape() {
        return new int[] {outputShape[3], window.kernelH(), window.kernelW(), inputShape[3]};
    }

    @Override
    public int channelAxis() {
        return TfliteWeights.CONV_2D.outputChannelAxis();
    }

    @Override
    public Conv2D with(float[] weights, float[] bias, FusedActivation activation, String name, int layer) {
        return new Conv2D(name, layer, inputShape, outputShape, window, weights, bias, activation);
    }

    @Override
    public String describe() {
        return window + ", " + outputShape[3] + " filters, " + activation;
    }
}
