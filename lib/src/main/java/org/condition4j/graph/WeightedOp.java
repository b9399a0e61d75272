package org.condition4j.graph;

/**
 * An op with weights and a bias: convolution, depthwise convolution or fully connected. Weights
 * are stored in TFLite's layout ({@link #weightShape()}) and a fused activation is applied to the
 * output.
 */
public sealed interface WeightedOp extends Op permits Conv2D, DepthwiseConv2D, FullyConnected {

    /** The weights, row-major in {@link #weightShape()}. */
    float[] weights();

    int[] weightShape();

    /** One bias per output channel. */
    float[] bias();

    FusedActivation activation();

    /**
     * The axis of {@link #weightShape()} that indexes output channels: 0 for convolution and
     * fully connected ([out, ...]), 3 for depthwise convolution ([1, kh, kw, channels]). Per-channel
     * quantization runs along this axis.
     */
    int channelAxis();

    default int outputChannels() {
        return weightShape()[channelAxis()];
    }

    /** A copy with other weights, bias, activation and output name (used to fold batch norm). */
    WeightedOp with(float[] weights, float[] bias, FusedActivation activation, String name, int layer);

    @Override
    default WeightedOp renamed(String name, int layer) {
        return with(weights(), bias(), activation(), name, layer);
    }
}
