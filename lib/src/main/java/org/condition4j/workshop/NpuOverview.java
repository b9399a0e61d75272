package org.condition4j.workshop;

import org.condition4j.io.AtomicFiles;
import org.condition4j.io.FileSizes;
import org.condition4j.report.Charts;
import org.condition4j.report.Format;
import org.condition4j.report.Tables;
import org.condition4j.stats.Accuracy;
import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every .tflite model in a folder, compiled by Vela for several NPU configurations and put next
 * to what the notebooks measured (accuracy from each model's metrics JSON) and what the file
 * holds (size, gzip size, sparsity and distinct weights counted in the file).
 */
public final class NpuOverview {
    /** The order the notebooks produce the models in; other files follow by name. */
    private static final List<String> ORDER = List.of("float_model", "post_training_quant_model", "qat_quant_model",
            "pruned_post_training_quant_model", "clustered_post_training_quant_model", "pcqat_quant_model");

    /**
     * The header of the float accuracy: what {@link MetricKey#FLOAT_ACCURACY} records, the float
     * network each file was exported from (for the float and post-training files the baseline, for
     * a technique's file its own fine-tuned network), not the baseline's.
     */
    public static final String FLOAT_ACCURACY_COLUMN = "float accuracy % (network before export)";
    /** The header of the int8 accuracy: the file itself, run by LiteRT ({@link MetricKey#INT8_ACCURACY}). */
    public static final String INT8_ACCURACY_COLUMN = "int8 accuracy % (this file)";

    /**
     * One model: measured accuracies (NaN when not recorded), file figures, and Vela's reports.
     * {@code floatAccuracy} is the float network's the file was exported from ({@link #FLOAT_ACCURACY_COLUMN}),
     * {@code int8Accuracy} the file's own.
     */
    public record Row(String model, double floatAccuracy, double int8Accuracy, int evalImages,
                      double int8PValueVsBaselineInt8, long sizeBytes, long gzipBytes, double sparsity,
                      int maxDistinctWeights, boolean int8, Map<VelaTarget, VelaReport> vela) {
        /** {@code accuracy} (a fraction of {@link #evalImages}) with its interval, or null if not measured. */
        Accuracy withInterval(double accuracy) {
            return Double.isNaN(accuracy) || evalImages <= 0 ? null
                    : new Accuracy((int) Math.round(accuracy * evalImages), evalImages);
        }
    }

    private final List<VelaTarget> targets;
    private final List<Row> rows;

    private NpuOverview(List<VelaTarget> targets, List<Row> rows) {
        this.targets = targets;
        this.rows = rows;
    }

    /** The overview of rows already measured (tests build them by hand). */
    static NpuOverview of(List<VelaTarget> targets, List<Row> rows) {
        return new NpuOverview(List.copyOf(targets), List.copyOf(rows));
    }

    /** Compiles every model in {@code dir} for each of {@code targets}. */
    public static NpuOverview compile(Path dir, List<VelaTarget> targets) {
        Vela vela = Workshop.vela();
        List<Row> rows = new ArrayList<>();
        for (Path file : models(dir)) {
            TfliteModel model = TfliteModel.read(file);
            WeightStatistics weights = model.weightStatistics();
            Metrics metrics = Metrics.readOrCreateFor(file);
            boolean int8 = model.input().type().equals("INT8");
            Map<VelaTarget, VelaReport> reports = new LinkedHashMap<>();
            for (VelaTarget target : targets) {
                reports.put(target, vela.compile(file, target, dir.resolve("vela").resolve(target.accelerator())));
            }
            String name = baseName(file);
            double floatAccuracy = metrics.number(MetricKey.FLOAT_ACCURACY).orElse(Double.NaN);
            double int8Accuracy = int8 ? metrics.number(MetricKey.INT8_ACCURACY).orElse(Double.NaN) : Double.NaN;
            int images = metrics.number(MetricKey.EVAL_IMAGES).map(Number::intValue).orElse(0);
            double p = metrics.number(MetricKey.INT8_P_VS_BASELINE_INT8).orElse(Double.NaN);
            rows.add(new Row(name, floatAccuracy, int8Accuracy, images, p, FileSizes.raw(file), FileSizes.gzip(file),
                    weights.overallSparsity(), weights.maxDistinct(), int8, reports));
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException("No .tflite models in " + dir + "; run the notebooks 01-04 first");
        }
        return of(targets, rows);
    }

    public List<Row> rows() {
        return rows;
    }

    public Row row(String model) {
        return rows.stream().filter(r -> r.model().equals(model)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No model " + model + " in the overview"));
    }

    /**
     * The side-by-side table for one NPU configuration: {@link #modelTable} and {@link #npuTable}
     * in one. Numbers are held exactly, in the unit each header names, and written by
     * {@code Tables.html} (sizes in kB, cycles exact).
     */
    public Table table(VelaTarget target) {
        Table table = modelTable().copy().setName("All models on " + target);
        npuTable(target).columns().stream().skip(1).forEach(column -> table.addColumns(column.copy()));
        return table;
    }

    /** What each model is on any NPU: accuracies with their intervals, file size, sparsity, distinct weights. */
    public Table modelTable() {
        Table table = Table.create("All models",
                StringColumn.create("model"),
                DoubleColumn.create(FLOAT_ACCURACY_COLUMN), StringColumn.create(Tables.INTERVAL_COLUMN + " (float)"),
                DoubleColumn.create(INT8_ACCURACY_COLUMN), StringColumn.create(Tables.INTERVAL_COLUMN + " (int8)"),
                StringColumn.create(Tables.SIGNIFICANCE_COLUMN + " post-training int8 (int8 accuracy)"),
                DoubleColumn.create("size kB"), DoubleColumn.create("gzip kB"),
                DoubleColumn.create("sparsity % (file)"), IntColumn.create("distinct weights (file, max per tensor)"));
        for (Row r : rows) {
            table.stringColumn(0).append(r.model());
            table.doubleColumn(1).append(100 * r.floatAccuracy());
            table.stringColumn(2).append(interval(r.withInterval(r.floatAccuracy())));
            table.doubleColumn(3).append(100 * r.int8Accuracy());
            table.stringColumn(4).append(interval(r.withInterval(r.int8Accuracy())));
            table.stringColumn(5).append((r.model() + ".tflite").equals(BaselineInt8.FILE_NAME) ? "(reference)"
                    : Format.significance(r.int8PValueVsBaselineInt8()));
            table.doubleColumn(6).append(FileSizes.kilobytes(r.sizeBytes()));
            table.doubleColumn(7).append(FileSizes.kilobytes(r.gzipBytes()));
            table.doubleColumn(8).append(100 * r.sparsity());
            table.intColumn(9).append(r.maxDistinctWeights());
        }
        return table;
    }

    /** What Vela estimates for each model on one NPU configuration: the columns that differ between NPUs. */
    public Table npuTable(VelaTarget target) {
        Table table = Table.create("All models on " + target,
                StringColumn.create("model"),
                DoubleColumn.create("NPU ops %"), DoubleColumn.create("SRAM kB"),
                DoubleColumn.create("flash/DRAM kB"), DoubleColumn.create("encoded weights kB"),
                LongColumn.create("cycles"), DoubleColumn.create("inference ms"));
        for (Row r : rows) {
            VelaReport v = r.vela().get(target);
            table.stringColumn(0).append(r.model());
            table.doubleColumn(1).append(v.npuOperatorPercent());
            if (v.npuOperators() > 0) {
                table.doubleColumn(2).append(FileSizes.kilobytesOfKiB(v.sramKiB()));
                table.doubleColumn(3).append(FileSizes.kilobytesOfKiB(v.offChipFlashKiB() + v.dramKiB()));
                table.doubleColumn(4).append(FileSizes.kilobytes(v.encodedWeightBytes()));
                table.longColumn(5).append(v.totalCycles());
                table.doubleColumn(6).append(v.inferenceMillis());
            } else { // nothing on the NPU: Vela's memory, cycles and time do not apply
                for (int column = 2; column <= 6; column++) {
                    table.column(column).appendMissing();
                }
            }
        }
        return table;
    }

    private static String interval(Accuracy accuracy) {
        return accuracy == null ? "" : Format.interval(accuracy.interval());
    }

    /**
     * Writes the comparison into {@code dir}: per configuration the numbers as data in
     * {@code comparison_<accelerator>.csv} ({@link #table}, unrounded); for the book's landing page
     * the tables as the notebook writes them, {@link #modelTable} once in
     * {@code comparison_models.html} and {@link #npuTable} per configuration in
     * {@code comparison_<accelerator>.html}, so no column repeats.
     */
    public List<Path> writeTables(Path dir) {
        List<Path> written = new ArrayList<>();
        Path models = dir.resolve("comparison_models.html");
        AtomicFiles.writeString(models, Tables.html(modelTable()));
        written.add(models);
        for (VelaTarget target : targets) {
            Table table = table(target);
            Path csv = dir.resolve("comparison_" + target.accelerator() + ".csv");
            AtomicFiles.write(csv, file -> table.write().csv(file.toFile()));
            Path html = dir.resolve("comparison_" + target.accelerator() + ".html");
            AtomicFiles.writeString(html, Tables.html(npuTable(target)));
            written.add(csv);
            written.add(html);
        }
        return written;
    }

    /** Every Vela report: one row per model and configuration. */
    public Table velaTable() {
        List<VelaReport> all = new ArrayList<>();
        for (Row r : rows) {
            all.addAll(r.vela().values());
        }
        return Tables.vela(all);
    }

    /** Int8 accuracy (with its 95 % interval) against gzip size, one labelled point per int8 model. */
    public BufferedImage accuracyVersusSize() {
        List<String> names = new ArrayList<>();
        List<Double> gzip = new ArrayList<>();
        List<Accuracy> accuracies = new ArrayList<>();
        for (Row r : rows) {
            Accuracy accuracy = r.int8() ? r.withInterval(r.int8Accuracy()) : null;
            if (accuracy != null) {
                names.add(label(r.model()));
                gzip.add(FileSizes.kilobytes(r.gzipBytes()));
                accuracies.add(accuracy);
            }
        }
        return Charts.accuracyAgainst("int8 accuracy against compressed size", "gzip size (kB)", names,
                gzip.stream().mapToDouble(Double::doubleValue).toArray(), accuracies);
    }

    /** Vela's estimated inference time per configuration, one bar per int8 model. */
    public BufferedImage inferenceTimes() {
        List<String> configurations = targets.stream().map(VelaTarget::accelerator).toList();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.int8()) {
                series.put(label(r.model()), targets.stream().map(t -> r.vela().get(t).inferenceMillis()).toList());
            }
        }
        return Charts.bars("Estimated inference time (Vela)", "inference time (ms)", configurations, series);
    }

    /** Vela's encoded weight size on one configuration, one bar per model. */
    public BufferedImage encodedWeights(VelaTarget target) {
        List<String> names = rows.stream().filter(Row::int8).map(r -> label(r.model())).toList();
        List<Double> kilobytes = rows.stream().filter(Row::int8)
                .map(r -> FileSizes.kilobytes(r.vela().get(target).encodedWeightBytes())).toList();
        return Charts.bars("NPU-encoded weights on " + target.accelerator(), "NPU-encoded weights (kB)", names,
                Map.of("encoded weights", kilobytes));
    }

    private static List<Path> models(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tflite"))
                    .sorted(Comparator.comparingInt((Path f) -> {
                        int i = ORDER.indexOf(baseName(f));
                        return i < 0 ? ORDER.size() : i;
                    }).thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A short name for chart labels: "pruned int8" for pruned_post_training_quant_model. */
    static String label(String model) {
        return switch (model) {
            case "float_model" -> "float";
            case "post_training_quant_model" -> "PTQ int8";
            case "qat_quant_model" -> "QAT int8";
            case "pruned_post_training_quant_model" -> "pruned int8";
            case "clustered_post_training_quant_model" -> "clustered int8";
            default -> model.replace("_model", "");
        };
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".tflite".length());
    }
}
