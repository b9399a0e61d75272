package org.condition4j.layers;

import java.util.Arrays;

/**
 * One weight tensor (kernel, never a bias) of a DL4J layer: its parameter key, the axes of the
 * DL4J array whose coordinates number the output channel (most significant first), and the TFLite
 * op whose weights it becomes.
 *
 * @param key        the DL4J parameter key, e.g. {@code "W"} or {@code "pW"}
 * @param dl4jAxes   output-channel axes in DL4J's layout; channel = sum over them, row-major
 * @param tflite     the op the exporter writes these weights into
 */
public record WeightParam(String key, int[] dl4jAxes, TfliteWeights tflite) {
    public WeightParam {
        if (key == null || key.isBlank() || dl4jAxes.length == 0) {
            throw new IllegalArgumentException("A weight parameter needs a key and at least one channel axis");
        }
        dl4jAxes = dl4jAxes.clone();
    }

    @Override
    public int[] dl4jAxes() {
        return dl4jAxes.clone();
    }

    /** Whether the exporter gives these weights one scale for the whole tensor (TFLite 2.6 FULLY_CONNECTED). */
    public boolean denseMatrix() {
        return tflite == TfliteWeights.FULLY_CONNECTED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightParam p && key.equals(p.key) && Arrays.equals(dl4jAxes, p.dl4jAxes) && tflite == p.tflite;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * key.hashCode() + Arrays.hashCode(dl4jAxes)) + tflite.hashCode();
    }

    @Override
    public String toString() {
        return key + " (channel axes " + Arrays.toString(dl4jAxes) + ", " + tflite + ")";
    }
}
