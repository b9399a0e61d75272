package org.condition4j.runtime;

import org.condition4j.io.Subprocess;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Current LiteRT (the Python package {@code ai-edge-litert} in the project's environment) driven
 * from Java: one Python process per call runs a whole set of input tensors, which travel through a
 * temporary file, and writes the output tensors back.
 *
 * <p>This is how int8 models are evaluated, because the TFLite 2.6 native library that runs
 * in-process (DJL's build, the newest desktop TFLite JNI on Maven Central) has no fast int8 matrix
 * kernels: its int8 convolutions run about 30 times slower than the same model in float, and
 * neither threads nor batching change that (the time is in the kernels, not in the calls). LiteRT
 * runs int8 through XNNPACK, tens of times faster, and its predictions agree with the 2.6
 * interpreter and the integer reference (see {@link LiteRtCrossCheck} for the one-step
 * differences in outputs).
 */
public final class LiteRt {
    /** Far above the ~10 s that 10,000 images take under load. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Path python;
    private final Duration timeout;

    /** Which LiteRT kernels run the model. */
    public enum Kernels {
        /** LiteRT's built-in optimized kernels, no delegate. */
        BUILTIN,
        /** LiteRT's reference kernels. */
        REFERENCE,
        /** The XNNPACK delegate, which LiteRT applies by default. */
        XNNPACK
    }

    /** Raw output tensors, back to back, and LiteRT's one-line description of the run. */
    public record Outputs(byte[] bytes, String info) {}

    private LiteRt(Path python, Duration timeout) {
        this.python = python;
        this.timeout = timeout;
    }

    /**
     * LiteRT as installed for {@code python}, the interpreter of a Python environment that has
     * {@code ai-edge-litert}; a run gives up after five minutes.
     */
    public static LiteRt using(Path python) {
        if (python == null) {
            throw new IllegalArgumentException("LiteRT needs the path of a Python interpreter that has ai-edge-litert");
        }
        return new LiteRt(python, TIMEOUT);
    }

    /** This LiteRT with another time-out per run. */
    public LiteRt withTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("A LiteRT time-out must be positive, got " + timeout);
        }
        return new LiteRt(python, timeout);
    }

    /**
     * Runs every input tensor in {@code inputs} (back to back, each as the model's input tensor
     * stores it, batch 1) and returns the output tensors the same way: for each image all the
     * model's outputs, in the graph's order.
     */
    public Outputs run(Path model, byte[] inputs, Kernels kernels) {
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("LiteRT needs the Python interpreter " + python
                    + ", which is missing or not executable; run ./setup.sh");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("litert");
            Path script = dir.resolve("litert_run.py");
            try (InputStream in = LiteRt.class.getResourceAsStream("litert_run.py")) {
                Files.write(script, in.readAllBytes());
            }
            Path inputFile = dir.resolve("inputs.bin");
            Path outputFile = dir.resolve("outputs.bin");
            Files.write(inputFile, inputs);
            Subprocess.Result run = Subprocess.run(List.of(python.toString(), script.toString(),
                    model.toAbsolutePath().toString(), inputFile.toString(), outputFile.toString(),
                    kernels.name().toLowerCase(Locale.ROOT)), timeout, "LiteRT on " + model.getFileName());
            String printed = run.output().trim();
            if (run.exitCode() != 0) {
                throw new IllegalStateException("LiteRT could not run " + model.getFileName() + ":\n" + printed);
            }
            return new Outputs(Files.readAllBytes(outputFile), printed);
        } catch (IOException e) {
            throw new UncheckedIOException("Running " + model + " in LiteRT failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Accuracy of {@code model} on every example of {@code data} (one-hot labels), run by LiteRT
     * with XNNPACK in one call; the seconds include starting the process.
     */
    public TfliteInterpreter.Evaluation evaluate(Path model, DataSet data) {
        long start = System.nanoTime();
        float[][] outputs = outputs(model, data);
        int[] predictions = new int[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            predictions[i] = TfliteInterpreter.argMax(outputs[i]);
        }
        return new TfliteInterpreter.Evaluation(data.getLabels().argMax(1).toIntVector(), predictions,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * The model's output for every example of {@code data} (DL4J features), run by LiteRT with
     * XNNPACK in one call: dequantized for an int8 output.
     */
    public float[][] outputs(Path model, DataSet data) {
        float[][][] all = allOutputs(model, data);
        float[][] first = new float[all.length][];
        for (int i = 0; i < all.length; i++) {
            first[i] = all[i][0];
        }
        return first;
    }

    /**
     * Every output of {@code model} for every example of {@code data} (DL4J features), run by
     * LiteRT with XNNPACK in one call: {@code [example][output]}, outputs in the graph's order,
     * dequantized where int8.
     */
    public float[][][] allOutputs(Path model, DataSet data) {
        float[][] rows = TfliteInterpreter.rows(data);
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(model)) {
            byte[] first = interpreter.encodeInput(rows[0]);
            byte[] inputs = new byte[first.length * rows.length];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(interpreter.encodeInput(rows[i]), 0, inputs, i * first.length, first.length);
            }
            byte[] outputs = run(model, inputs, Kernels.XNNPACK).bytes();
            List<TfliteInterpreter.OutputTensor> tensors = interpreter.outputs();
            int perImage = tensors.stream().mapToInt(TfliteInterpreter.OutputTensor::bytes).sum();
            if (perImage * rows.length != outputs.length) {
                throw new IllegalStateException("LiteRT returned " + outputs.length + " output bytes for "
                        + rows.length + " images of " + model.getFileName() + ", expected " + perImage + " per image");
            }
            float[][][] decoded = new float[rows.length][tensors.size()][];
            for (int i = 0; i < rows.length; i++) {
                int from = i * perImage;
                for (int k = 0; k < tensors.size(); k++) {
                    int to = from + tensors.get(k).bytes();
                    decoded[i][k] = tensors.get(k).decode(Arrays.copyOfRange(outputs, from, to));
                    from = to;
                }
            }
            return decoded;
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // only temporary files
        }
    }
}
