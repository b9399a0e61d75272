package org.condition4j.tflite;

import org.condition4j.report.Charts;
import org.condition4j.report.FileSizes;
import org.nd4j.linalg.dataset.DataSet;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * .tflite files side by side, each measured by the TFLite interpreter on the same test images:
 * accuracy, raw and gzip size, interpreter speed. The closing table and chart of each technique
 * notebook.
 *
 * <pre>{@code
 * var comparison = ModelComparison.on(mnist.testSample(1000))
 *         .add("int8", ptqFile)
 *         .add("pruned int8", prunedFile);
 * comparison.table()
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

    /** model, accuracy %, size kB, gzip kB, gzip as % of the first model's, interpreter images/s. */
    public Table table() {
        Table table = Table.create("Measured by the TFLite interpreter on " + testImages.numExamples() + " test images",
                StringColumn.create("model"),
                DoubleColumn.create("accuracy %"),
                DoubleColumn.create("size kB"),
                DoubleColumn.create("gzip kB"),
                DoubleColumn.create("gzip vs first %"),
                DoubleColumn.create("interpreter images/s"));
        long firstGzip = entries.values().iterator().next().gzipBytes();
        for (Entry e : entries.values()) {
            table.stringColumn(0).append(e.name());
            table.doubleColumn(1).append(round2(100 * e.accuracy()));
            table.doubleColumn(2).append(round2(FileSizes.kilobytes(e.sizeBytes())));
            table.doubleColumn(3).append(round2(FileSizes.kilobytes(e.gzipBytes())));
            table.doubleColumn(4).append(round2(100.0 * e.gzipBytes() / firstGzip));
            table.doubleColumn(5).append(Math.round(e.evaluation().imagesPerSecond()));
        }
        return table;
    }

    /** Accuracy bars next to raw and gzip size bars. */
    public BufferedImage chart() {
        List<String> names = new ArrayList<>(entries.keySet());
        List<Double> accuracy = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> gzip = new ArrayList<>();
        for (Entry e : entries.values()) {
            accuracy.add(100 * e.accuracy());
            raw.add(FileSizes.kilobytes(e.sizeBytes()));
            gzip.add(FileSizes.kilobytes(e.gzipBytes()));
        }
        return Charts.sideBySide(
                Charts.bars("Accuracy on " + testImages.numExamples() + " test images", "%", names,
                        Map.of("accuracy", accuracy), Math.max(0, Math.floor(Collections.min(accuracy)) - 2)),
                Charts.bars("File size", "kB", names, orderedMap("raw", raw, "gzip", gzip)));
    }

    private static Map<String, List<Double>> orderedMap(String k1, List<Double> v1, String k2, List<Double> v2) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static double round2(double x) {
        return Math.round(100 * x) / 100.0;
    }
}
