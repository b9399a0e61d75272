package org.condition4j.runtime;

import org.nd4j.linalg.dataset.DataSet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * A second, independent interpreter check: runs a .tflite file in current LiteRT (the Python
 * package {@code ai-edge-litert} in the project's environment) and in the TFLite 2.6 interpreter
 * used in Java, on the very same input bytes, and compares the outputs.
 *
 * <p>Int8 outputs are not always bit-identical, and that is expected: the specification fixes
 * the scales, not how a rescaled accumulator is rounded. TFLite 2.6 rounds once in CONV_2D and
 * FULLY_CONNECTED and twice in DEPTHWISE_CONV_2D; LiteRT's reference kernels round twice in both
 * convolutions and once in FULLY_CONNECTED; XNNPACK, LiteRT's default, requantizes in float32; each
 * approximates the int8 softmax its own way. The tests pin every one of them to an integer
 * reference of its own arithmetic, bit for bit, so a difference seen here is rounding, and a
 * one-step difference early in a network may grow in the layers after it.
 */
public final class LiteRtCrossCheck {
    /**
     * The outcome on {@code images} examples: how many gave byte-identical outputs, and the largest
     * output difference (in int8 steps for an int8 output, absolute for a float output).
     */
    public record Result(Path model, int images, int identical, int samePrediction, double largestDifference,
                         boolean int8Output, String litertInfo) {
        public boolean allIdentical() {
            return identical == images;
        }
    }

    private LiteRtCrossCheck() {}

    /** Compares with {@code liteRt} as a user gets it (XNNPACK delegate). */
    public static Result compare(Path model, DataSet examples, LiteRt liteRt) {
        return compare(model, examples, liteRt, LiteRt.Kernels.XNNPACK);
    }

    /** Compares with {@code liteRt} running the given kernels. */
    public static Result compare(Path model, DataSet examples, LiteRt liteRt, LiteRt.Kernels kernels) {
        float[][] features = examples.getFeatures().toFloatMatrix();
        ByteArrayOutputStream inputs = new ByteArrayOutputStream();
        ByteArrayOutputStream javaOutputs = new ByteArrayOutputStream();
        int outputBytes;
        boolean int8Output;
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(model)) {
            int8Output = interpreter.int8Output();
            byte[] out = new byte[0];
            for (float[] example : features) {
                byte[] in = interpreter.encodeInput(example);
                inputs.writeBytes(in);
                out = interpreter.runRaw(in);
                javaOutputs.writeBytes(out);
            }
            outputBytes = out.length;
        }
        LiteRt.Outputs litert = liteRt.run(model, inputs.toByteArray(), kernels);
        return compareOutputs(model, javaOutputs.toByteArray(), litert.bytes(), outputBytes, int8Output, litert.info());
    }

    private static Result compareOutputs(Path model, byte[] java, byte[] litert, int outputBytes, boolean int8,
                                         String info) {
        if (java.length != litert.length) {
            throw new IllegalStateException("LiteRT returned " + litert.length + " output bytes for " + model.getFileName()
                    + ", the Java interpreter " + java.length);
        }
        int images = java.length / outputBytes;
        int identical = 0;
        int samePrediction = 0;
        double largest = 0;
        for (int i = 0; i < images; i++) {
            boolean same = true;
            int from = i * outputBytes;
            for (int b = from; b < from + outputBytes; b++) {
                same &= java[b] == litert[b];
            }
            if (same) {
                identical++;
            }
            double[] a = values(java, from, outputBytes, int8);
            double[] c = values(litert, from, outputBytes, int8);
            for (int k = 0; k < a.length; k++) {
                largest = Math.max(largest, Math.abs(a[k] - c[k]));
            }
            if (argMax(a) == argMax(c)) {
                samePrediction++;
            }
        }
        return new Result(model, images, identical, samePrediction, largest, int8, info);
    }

    /** One output tensor as numbers: int8 codes, or little-endian float32 values. */
    private static double[] values(byte[] raw, int from, int length, boolean int8) {
        if (int8) {
            double[] v = new double[length];
            for (int i = 0; i < length; i++) {
                v[i] = raw[from + i];
            }
            return v;
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw, from, length).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = buffer.getFloat(from + 4 * i);
        }
        return v;
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
