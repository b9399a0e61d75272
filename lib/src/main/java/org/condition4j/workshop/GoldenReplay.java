package org.condition4j.workshop;

import org.condition4j.runtime.LiteRt;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays a card's golden vectors through a model file, as a device engineer does on the device:
 * each golden input in, the output (and for an int8 model the logits) compared with the golden
 * files. The file may be another than the card's, e.g. a damaged or altered copy, which the
 * replay must then reject. Each method returns what does not match, one line per difference;
 * an empty list means the file computes the golden vectors.
 */
public final class GoldenReplay {
    /** Largest absolute difference of a float32 output LiteRT may compute: float rounding. */
    public static final double FLOAT_TOLERANCE = 1e-4;

    private GoldenReplay() {}

    /** The golden vectors of the card {@code cardJson} (files beside it), read and checked against the card's sizes. */
    private record Vectors(ModelCard.GoldenVectors golden, byte[] inputs, byte[] outputs, byte[] logits) {
        static Vectors of(Path cardJson) {
            ModelCard.GoldenVectors g = ModelCards.read(cardJson).golden();
            Path dir = cardJson.toAbsolutePath().getParent();
            byte[] inputs = read(dir.resolve(g.inputFile()), g.count() * g.input().bytes());
            byte[] outputs = read(dir.resolve(g.outputFile()), g.count() * g.output().bytes());
            byte[] logits = g.logitsFile() == null ? null : read(dir.resolve(g.logitsFile()), g.count() * g.logits().bytes());
            return new Vectors(g, inputs, outputs, logits);
        }

        byte[] input(int i) {
            return slice(inputs, i, golden.input().bytes());
        }
    }

    /**
     * The TFLite 2.6 interpreter, the reference the golden vectors were computed with: every byte
     * of every output and logit tensor must be the golden one. The outputs come from {@code model}
     * itself, the logits from a copy of it with the logits tensor added to its graph outputs.
     */
    public static List<String> interpreter(Path model, Path cardJson) {
        Vectors v = Vectors.of(cardJson);
        ModelCard.GoldenVectors g = v.golden();
        List<String> differences = new ArrayList<>();
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(model)) {
            for (int i = 0; i < g.count(); i++) {
                compare(differences, g, g.outputFile(), i, slice(v.outputs(), i, g.output().bytes()),
                        interpreter.runRaw(v.input(i)));
            }
        }
        if (v.logits() != null) {
            byte[] copy = TfliteModel.read(model).withOutputAdded(g.logitsTensor()).toBytes();
            try (TfliteInterpreter interpreter = TfliteInterpreter.of(copy, 1)) {
                for (int i = 0; i < g.count(); i++) {
                    compare(differences, g, g.logitsFile(), i, slice(v.logits(), i, g.logits().bytes()),
                            interpreter.runRawOutputs(v.input(i))[1]);
                }
            }
        }
        return differences;
    }

    /**
     * Current LiteRT (XNNPACK), a second implementation of the same specification. The
     * specification fixes the scales, not how a rescaled accumulator is rounded, and XNNPACK rounds
     * its own way (DESIGN.md, "Integer arithmetic and the two interpreters"); a one-step difference
     * early in a network can grow in later layers, by how much depends on the weights. So LiteRT's
     * logits are not compared with the golden ones. What holds for any weights: LiteRT's int8
     * output is within one step of the exact softmax of LiteRT's own logits (its softmax kernel
     * approximates the exponential), and where LiteRT's logits of an image are the golden ones, its
     * output lies within two steps of the golden output (both kernels within one step of the same
     * exact softmax). Float32 outputs must agree to {@link #FLOAT_TOLERANCE}.
     */
    public static List<String> liteRt(Path model, Path cardJson, LiteRt liteRt) {
        Vectors v = Vectors.of(cardJson);
        ModelCard.GoldenVectors g = v.golden();
        List<String> differences = new ArrayList<>();
        if (v.logits() == null) {
            byte[] outputs = liteRt.run(model, v.inputs(), LiteRt.Kernels.XNNPACK).bytes();
            checkSize(model, outputs, v.outputs().length);
            if (g.output().dtype().equals("int8")) {
                for (int i = 0; i < g.count(); i++) {
                    compare(differences, g, g.outputFile(), i, slice(v.outputs(), i, g.output().bytes()),
                            slice(outputs, i, g.output().bytes()));
                }
            } else {
                compareFloats(differences, g, v.outputs(), outputs);
            }
            return differences;
        }
        byte[] both = withLogitsInLiteRt(model, g.logitsTensor(), v.inputs(), liteRt);
        int out = g.output().bytes();
        int logits = g.logits().bytes();
        checkSize(model, both, g.count() * (out + logits));
        for (int i = 0; i < g.count(); i++) {
            byte[] computedLogits = Arrays.copyOfRange(both, i * (out + logits) + out, (i + 1) * (out + logits));
            byte[] computedOutput = Arrays.copyOfRange(both, i * (out + logits), i * (out + logits) + out);
            int[] exact = exactSoftmax(computedLogits, g.logits().scale(), g.logits().zeroPoint());
            if (farther(computedOutput, exact, 1)) {
                differences.add("LiteRT's output of golden vector " + i + " " + Arrays.toString(computedOutput)
                        + " is more than one step from the exact softmax of its own logits " + Arrays.toString(exact));
            }
            byte[] golden = slice(v.outputs(), i, out);
            if (Arrays.equals(computedLogits, slice(v.logits(), i, logits)) && farther(computedOutput, toInts(golden), 2)) {
                differences.add(describe(g, g.outputFile(), i, golden, computedOutput)
                        + " (more than two steps apart although the logits are the golden ones)");
            }
        }
        return differences;
    }

    /** The softmax of int8 logits, computed exactly and rounded to the output's steps of 1/256 (zero point -128). */
    static int[] exactSoftmax(byte[] logits, double scale, long zeroPoint) {
        double[] e = new double[logits.length];
        double max = Double.NEGATIVE_INFINITY;
        for (byte z : logits) {
            max = Math.max(max, (float) scale * (z - zeroPoint));
        }
        double sum = 0;
        for (int c = 0; c < logits.length; c++) {
            e[c] = Math.exp((float) scale * (logits[c] - zeroPoint) - max);
            sum += e[c];
        }
        int[] out = new int[logits.length];
        for (int c = 0; c < logits.length; c++) {
            out[c] = (int) Math.max(-128, Math.min(127, Math.round(e[c] / sum * 256) - 128));
        }
        return out;
    }

    private static boolean farther(byte[] actual, int[] want, int steps) {
        for (int c = 0; c < actual.length; c++) {
            if (Math.abs(actual[c] - want[c]) > steps) {
                return true;
            }
        }
        return false;
    }

    private static int[] toInts(byte[] bytes) {
        int[] ints = new int[bytes.length];
        for (int c = 0; c < bytes.length; c++) {
            ints[c] = bytes[c];
        }
        return ints;
    }

    /** LiteRT's outputs of a copy of {@code model} with {@code logitsTensor} added: per image the output, then the logits. */
    private static byte[] withLogitsInLiteRt(Path model, String logitsTensor, byte[] inputs, LiteRt liteRt) {
        return ModelCards.onDisk(TfliteModel.read(model).withOutputAdded(logitsTensor), model.getFileName().toString(),
                copy -> liteRt.run(copy, inputs, LiteRt.Kernels.XNNPACK).bytes());
    }

    private static void compare(List<String> differences, ModelCard.GoldenVectors g, String file, int i, byte[] golden,
                                byte[] computed) {
        if (!Arrays.equals(golden, computed)) {
            differences.add(describe(g, file, i, golden, computed));
        }
    }

    private static void compareFloats(List<String> differences, ModelCard.GoldenVectors g, byte[] golden,
                                      byte[] computed) {
        float[] expected = floats(golden);
        float[] actual = floats(computed);
        int perVector = expected.length / g.count();
        for (int k = 0; k < expected.length; k++) {
            if (Math.abs(expected[k] - actual[k]) > FLOAT_TOLERANCE) {
                differences.add(g.outputFile() + " vector " + k / perVector + " (test image "
                        + g.testImageIndices().get(k / perVector) + ") value " + k % perVector + ": golden "
                        + expected[k] + ", computed " + actual[k]);
            }
        }
    }

    private static String describe(ModelCard.GoldenVectors g, String file, int i, byte[] golden, byte[] computed) {
        return file + " vector " + i + " (test image " + g.testImageIndices().get(i) + "): golden "
                + Arrays.toString(golden) + ", computed " + Arrays.toString(computed);
    }

    private static void checkSize(Path model, byte[] outputs, int expected) {
        if (outputs.length != expected) {
            throw new IllegalStateException("LiteRT returned " + outputs.length + " bytes for the golden inputs of "
                    + model.getFileName() + ", expected " + expected);
        }
    }

    private static float[] floats(byte[] littleEndian) {
        float[] values = new float[littleEndian.length / 4];
        ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static byte[] slice(byte[] all, int i, int size) {
        return Arrays.copyOfRange(all, i * size, (i + 1) * size);
    }

    private static byte[] read(Path file, int expectedBytes) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read golden vectors " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length != expectedBytes) {
            throw new IllegalStateException(file + " holds " + bytes.length + " bytes; its card says "
                    + expectedBytes);
        }
        return bytes;
    }
}
