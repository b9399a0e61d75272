package org.condition4j.layers;

/**
 * The TFLite ops whose weights the exporter writes, with the axis of the weight tensor that
 * numbers output channels (per-channel int8 quantization runs along it).
 */
public enum TfliteWeights {
    /** Weights [out, kh, kw, in]. */
    CONV_2D(0),
    /** Weights [1, kh, kw, channels]; channel = input channel * multiplier + m. */
    DEPTHWISE_CONV_2D(3),
    /** Weights [out, in]. */
    FULLY_CONNECTED(0);

    private final int outputChannelAxis;

    TfliteWeights(int outputChannelAxis) {
        this.outputChannelAxis = outputChannelAxis;
    }

    public int outputChannelAxis() {
        return outputChannelAxis;
    }
}
