package org.condition4j.graph;

/**
 * TFLite's two padding schemes. {@code SAME} pads so that the output has {@code ceil(in / stride)}
 * positions, with the odd extra pixel at the bottom/right (as DL4J's {@code ConvolutionMode.Same});
 * {@code VALID} does not pad (DL4J's {@code Truncate} and {@code Strict}).
 */
public enum Padding {
    SAME,
    VALID;

    /** Output positions along one axis. */
    public int outputSize(int in, int kernel, int stride) {
        return this == SAME ? (in + stride - 1) / stride : (in - kernel) / stride + 1;
    }

    /** Padding before the first input position (top or left). */
    public int padBefore(int in, int kernel, int stride) {
        if (this == VALID) {
            return 0;
        }
        int total = (outputSize(in, kernel, stride) - 1) * stride + kernel - in;
        return Math.max(0, total) / 2;
    }
}
