package org.condition4j.graph;

/** The sliding window of a convolution or pooling op: kernel size, strides and padding. */
public record Window(int kernelH, int kernelW, int strideH, int strideW, Padding padding) {

    public int outputHeight(int inputHeight) {
        return padding.outputSize(inputHeight, kernelH, strideH);
    }

    public int outputWidth(int inputWidth) {
        return padding.outputSize(inputWidth, kernelW, strideW);
    }

    public int padTop(int inputHeight) {
        return padding.padBefore(inputHeight, kernelH, strideH);
    }

    public int padLeft(int inputWidth) {
        return padding.padBefore(inputWidth, kernelW, strideW);
    }

    @Override
    public String toString() {
        return kernelH + "x" + kernelW + (strideH == strideW ? " stride " + strideH : " stride " + strideH + "x" + strideW)
                + " " + padding;
    }
}
