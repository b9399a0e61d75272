package org.condition4j.tflite;

import org.condition4j.report.Charts;
import org.condition4j.report.FileSizes;
import org.condition4j.report.Tables;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.PairedComparison;
import org.nd4j.linalg.dataset.DataSet;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
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
    /** The column of each accuracy's 95 % interval, in every table that shows accuracies. */
    public static final String INTERVAL_COLUMN = "95 % interval";
    /** The start of the column saying whether a model differs significantly from the reference model. */
    public static final String SIGNIFICANCE_COLUMN = "significant vs";

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
            m.put(prefix + "accuracy_ci95_low", evaluation.accuracyWithInterval().interval().lower());
            m.put(prefix + "accuracy_ci95_high", evaluation.accuracyWithInterval().interval().upper());
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

    /** Runs {@code file} in LiteRT on the test images (one call) and measures its size. */
    public ModelComparison add(String name, Path file) {
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("A model named '" + name + "' is already in the comparison");
        }
        TfliteInterpreter.Evaluation evaluation = LiteRt.evaluate(file, testImages);
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

    /** How the model named {@code name} differs from the first model on the same images (exact McNemar). */
    public PairedComparison versusFirst(String name) {
        return PairedComparison.of(entries.values().iterator().next().evaluation().hits(), entry(name).evaluation().hits());
    }

    /**
     * model, accuracy % with its 95 % interval, whether it differs significantly from the first
     * model on these images, size kB, gzip kB, gzip as % of the first model's, LiteRT images/s.
     */
    public Table table() {
        String first = entries.keySet().iterator().next();
        Table table = Table.create("Measured by LiteRT on " + testImages.numExamples() + " test images",
                StringColumn.create("model"),
                DoubleColumn.create("accuracy %"),
                StringColumn.create(INTERVAL_COLUMN),
                StringColumn.create(SIGNIFICANCE_COLUMN + " " + first),
                DoubleColumn.create("size kB"),
                DoubleColumn.create("gzip kB"),
                DoubleColumn.create("gzip vs first %"),
                DoubleColumn.create("LiteRT images/s"));
        long firstGzip = entries.values().iterator().next().gzipBytes();
        for (Entry e : entries.values()) {
            table.stringColumn(0).append(e.name());
            table.doubleColumn(1).append(100 * e.accuracy());
            table.stringColumn(2).append(Tables.percentInterval(e.evaluation().accuracyWithInterval().interval()));
            table.stringColumn(3).append(e.name().equals(first) ? "(reference)" : Tables.significance(versusFirst(e.name())));
            table.doubleColumn(4).append(FileSizes.kilobytes(e.sizeBytes()));
            table.doubleColumn(5).append(FileSizes.kilobytes(e.gzipBytes()));
            table.doubleColumn(6).append(100.0 * e.gzipBytes() / firstGzip);
            table.doubleColumn(7).append(e.evaluation().imagesPerSecond());
        }
        return table;
    }

    /** Accuracy bars with their 95 % intervals next to raw and gzip size bars. */
    public BufferedImage chart() {
        List<String> names = new ArrayList<>(entries.keySet());
        List<Accuracy> accuracy = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> gzip = new ArrayList<>();
        for (Entry e : entries.values()) {
            accuracy.add(e.evaluation().accuracyWithInterval());
            raw.add(FileSizes.kilobytes(e.sizeBytes()));
            gzip.add(FileSizes.kilobytes(e.gzipBytes()));
        }
        return Charts.sideBySide(
                Charts.accuracies("Accuracy on " + testImages.numExamples() + " test images", names, accuracy),
                Charts.bars("File size", "kB", names, orderedMap("raw", raw, "gzip", gzip)));
    }

    private static Map<String, List<Double>> orderedMap(String k1, List<Double> v1, String k2, List<Double> v2) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
