package org.condition4j.tflite;

import org.condition4j.report.Charts;
import org.condition4j.report.FileSizes;
import org.condition4j.report.Tables;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.PairedComparison;
import org.nd4j.linalg.dataset.DataSet;
import tech.tablesaw.api.DoubleColumn;
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

    /** One measured model. */
    public record Entry(String name, Path file, TfliteInterpreter.Evaluation evaluation, long sizeBytes,
                        long gzipBytes) {
        public double accuracy() {
            return evaluation.accuracy();
        }

        /** The accuracy's 95 % interval as {@code <prefix>accuracy_ci95_low/high}, for a metrics JSON. */
        public Map<String, Object> interval(String prefix) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(prefix + "accuracy_ci95_low", evaluation.accuracyWithInterval().interval().lower());
            m.put(prefix + "accuracy_ci95_high", evaluation.accuracyWithInterval().interval().upper());
            return m;
        }

        /** accuracy with its interval, eval_images, size_bytes, gzip_bytes, for a metrics JSON. */
        public Map<String, Object> metrics(String prefix) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(prefix + "accuracy", accuracy());
            m.putAll(interval(prefix));
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

    /** Whether the models named {@code first} and {@code second} differ on these images (exact McNemar). */
    public PairedComparison versus(String first, String second) {
        return PairedComparison.of(entry(first).evaluation().hits(), entry(second).evaluation().hits());
    }

    /**
     * model, accuracy % with its 95 % interval, whether it differs significantly from the first
     * model on these images, size kB, gzip kB, gzip as % of the first model's, LiteRT images/s.
     */
    public Table table() {
        Map<String, boolean[]> hits = new LinkedHashMap<>();
        entries.forEach((name, e) -> hits.put(name, e.evaluation().hits()));
        Table table = Tables.accuracies("Measured by LiteRT on " + testImages.numExamples() + " test images", hits);
        DoubleColumn size = DoubleColumn.create("size kB");
        DoubleColumn gzip = DoubleColumn.create("gzip kB");
        DoubleColumn gzipShare = DoubleColumn.create("gzip vs first %");
        DoubleColumn speed = DoubleColumn.create("LiteRT images/s");
        long firstGzip = entries.values().iterator().next().gzipBytes();
        for (Entry e : entries.values()) {
            size.append(FileSizes.kilobytes(e.sizeBytes()));
            gzip.append(FileSizes.kilobytes(e.gzipBytes()));
            gzipShare.append(100.0 * e.gzipBytes() / firstGzip);
            speed.append(e.evaluation().imagesPerSecond());
        }
        return table.addColumns(size, gzip, gzipShare, speed);
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
