package org.condition4j.runtime;

import org.condition4j.io.FileSizes;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * .tflite files side by side, each measured by the TFLite interpreter on the same test images:
 * accuracy, raw and gzip size, interpreter speed. The closing table and chart of each technique
 * notebook ({@code Tables.comparison} and {@code Charts.comparison} show it).
 *
 * <pre>{@code
 * var comparison = ModelComparison.on(mnist.testSample(1000))
 *         .add("int8", ptqFile)
 *         .add("pruned int8", prunedFile);
 * Tables.comparison(comparison)
 * }</pre>
 */
public final class ModelComparison {

    /** One measured model. */
    public record Entry(String name, Path file, TfliteInterpreter.Evaluation evaluation, long sizeBytes,
                        long gzipBytes) {
        public double accuracy() {
            return evaluation.accuracy();
        }

        /** accuracy, eval_images, size_bytes, gzip_bytes, for a metrics JSON. */
        public Map<String, Object> metrics(String prefix) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(prefix + "accuracy", accuracy());
            m.put(prefix + "eval_images", evaluation.images());
            m.put(prefix + "size_bytes", sizeBytes);
            m.put(prefix + "gzip_bytes", gzipBytes);
            return m;
        }
    }

    private final DataSet testImages;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private ModelComparison(DataSet testImages) {
        this.testImages = testImages;
    }

    public static ModelComparison on(DataSet testImages) {
        if (testImages == null || testImages.numExamples() == 0) {
            throw new IllegalArgumentException("A comparison needs at least one test image");
        }
        return new ModelComparison(testImages);
    }

    /** Runs {@code file} in the interpreter on the test images and measures its size. */
    public ModelComparison add(String name, Path file) {
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("A model named '" + name + "' is already in the comparison");
        }
        TfliteInterpreter.Evaluation evaluation;
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(file)) {
            evaluation = interpreter.evaluate(testImages);
        }
        entries.put(name, new Entry(name, file, evaluation, FileSizes.raw(file), FileSizes.gzip(file)));
        return this;
    }

    public Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("No model '" + name + "' in the comparison; it has " + entries.keySet());
        }
        return entry;
    }

    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** How many test images each model ran on. */
    public int images() {
        return testImages.numExamples();
    }
}
