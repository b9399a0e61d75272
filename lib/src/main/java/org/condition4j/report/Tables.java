package org.condition4j.report;

import org.condition4j.vela.VelaReport;

import org.condition4j.qat.QatModel;

import java.util.Arrays;

import org.condition4j.runtime.LiteRtCrossCheck;

import org.condition4j.tflite.WeightStatistics;

import org.condition4j.tflite.TfliteModel;

import org.condition4j.prune.SparsityStats;

import org.condition4j.quantize.QuantizedWeights;

import org.condition4j.quantize.QuantizedGraph;

import org.condition4j.quantize.ActivationRanges;

import org.condition4j.graph.WeightedOp;

import org.condition4j.graph.Op;

import org.condition4j.graph.InferenceGraph;

import org.condition4j.cluster.ClusterStatistics;
import org.condition4j.io.FileSizes;
import org.condition4j.model.TrainingHistory;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.Interval;
import org.condition4j.stats.PairedComparison;
import org.condition4j.runtime.ModelComparison;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;
import tech.tablesaw.io.Destination;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.regex.Pattern;

/**
 * Tablesaw tables for the notebooks, and their HTML form. In a JJava notebook,
 * {@code display(Tables.html(table), "text/html")} shows a table as a real table.
 *
 * <p>A table holds its numbers exactly, in the unit its column header names ("accuracy %" holds
 * 98.91, not 0.9891; "size kB" holds kilobytes; "cycles" an exact count), so that CSV files keep
 * the data; {@link #html} writes each cell as {@link Format} writes that unit ({@link #cell}).
 */
public final class Tables {
    private Tables() {}

    /** The header of the column after every accuracy: that accuracy's 95 % Wilson interval, in percent. */
    public static final String INTERVAL_COLUMN = "95 % interval";
    /** The header start of the column saying whether a model's accuracy differs significantly from the first row's. */
    public static final String SIGNIFICANCE_COLUMN = "significant vs";

    /**
     * {@code table} as an HTML fragment, each number written by {@link #cell} for its column and
     * missing values (not measured) blank. Every table a notebook shows goes through here.
     */
    public static String html(Table table) {
        StringWriter out = new StringWriter();
        try {
            new HtmlWriter().write(formatted(table),
                    HtmlWriteOptions.builder(new Destination(out)).escapeText(true).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        String caption = table.name() == null || table.name().isBlank() ? ""
                : "<div style=\"font-weight:bold;margin:4px 0\">" + escape(table.name()) + "</div>";
        return caption + out;
    }

    /** A copy of {@code table} whose number columns print as {@link #cell} writes them (e.g. for {@code printAll()}). */
    public static Table formatted(Table table) {
        Table copy = table.copy();
        for (Column<?> column : copy.columns()) {
            if (column instanceof NumberColumn<?, ?> numbers) {
                numbers.setPrintFormatter(new Cells(cell(column.name(), column.type())));
            }
        }
        return copy;
    }

    private static final Pattern PERCENT = Pattern.compile("(^|\\s)%(\\s|$)");
    private static final Pattern KILOBYTES = Pattern.compile("(^|\\s)kB(\\s|$)");
    private static final Pattern POINTS = Pattern.compile("(^|\\s)points(\\s|$)");
    private static final Pattern TIME = Pattern.compile("(^|\\s)(ms|s|µs|seconds|[\\w-]+/s)(\\s|$)");

    /**
     * How a number in a column of this header and type is written, by the unit the header names:
     * "%" (a share in percent), "kB" and "points" to {@link Format#DECIMALS} decimals ("points"
     * signed), a time ("ms", "s", "seconds") or rate ("images/s") by {@link Format#timeValue},
     * integers as exact counts ({@link Format#count}), any other number by {@link Format#number}.
     */
    public static DoubleFunction<String> cell(String header, ColumnType type) {
        if (type == ColumnType.INTEGER || type == ColumnType.LONG || type == ColumnType.SHORT) {
            return value -> Format.count((long) value);
        }
        if (PERCENT.matcher(header).find() || KILOBYTES.matcher(header).find()) {
            return Format::fixed;
        }
        if (POINTS.matcher(header).find()) {
            return Format::signedFixed;
        }
        if (TIME.matcher(header).find()) {
            return Format::timeValue;
        }
        return Format::number;
    }

    /**
     * model, accuracy % with its 95 % interval, whether it differs significantly from the first
     * model on the same images, size kB, gzip kB, gzip as % of the first model's, LiteRT images/s.
     */
    public static Table comparison(ModelComparison comparison) {
        Map<String, boolean[]> hits = new LinkedHashMap<>();
        comparison.entries().forEach(e -> hits.put(e.name(), e.evaluation().hits()));
        Table table = accuracies("Measured by LiteRT on " + Format.count(comparison.images()) + " test images", hits);
        DoubleColumn size = DoubleColumn.create("size kB");
        DoubleColumn gzip = DoubleColumn.create("gzip kB");
        DoubleColumn gzipShare = DoubleColumn.create("gzip vs first %");
        DoubleColumn speed = DoubleColumn.create("LiteRT images/s");
        long firstGzip = comparison.entries().get(0).gzipBytes();
        for (ModelComparison.Entry e : comparison.entries()) {
            size.append(FileSizes.kilobytes(e.sizeBytes()));
            gzip.append(FileSizes.kilobytes(e.gzipBytes()));
            gzipShare.append(100.0 * e.gzipBytes() / firstGzip);
            speed.append(e.evaluation().imagesPerSecond());
        }
        return table.addColumns(size, gzip, gzipShare, speed);
    }

    /**
     * Centroid initialisations compared before fine-tuning: k-means iterations, mean squared
     * error, accuracy with its interval and whether it differs significantly from the first's.
     */
    public static Table initialisations(int clusters, List<ClusterStatistics.Initialisation> results) {
        Map<String, boolean[]> hits = new LinkedHashMap<>();
        IntColumn iterations = IntColumn.create("k-means iterations");
        DoubleColumn error = DoubleColumn.create("mean squared error");
        for (ClusterStatistics.Initialisation r : results) {
            hits.put(r.init().name(), r.hits());
            iterations.append(r.iterations());
            error.append(r.meanSquaredError());
        }
        Table table = accuracies("Centroid initialisations (" + Format.count(clusters) + " clusters, before fine-tuning)", hits);
        table.column(0).setName("initialisation");
        return table.insertColumn(1, iterations).insertColumn(2, error);
    }

    /** One row per epoch: loss, training and test accuracy (percent), seconds, images per second. */
    public static Table history(TrainingHistory history) {
        Table table = Table.create("Training history",
                IntColumn.create("epoch"),
                DoubleColumn.create("loss"),
                DoubleColumn.create("train accuracy %"),
                DoubleColumn.create("test accuracy %"),
                StringColumn.create(INTERVAL_COLUMN),
                DoubleColumn.create("seconds"),
                DoubleColumn.create("images/s"));
        for (TrainingHistory.Epoch e : history.epochs()) {
            table.intColumn(0).append(e.epoch());
            table.doubleColumn(1).append(e.loss());
            table.doubleColumn(2).append(100 * e.trainAccuracy());
            table.doubleColumn(3).append(100 * e.testAccuracy());
            table.stringColumn(4).append(e.test() == null ? "" : Format.interval(e.test().interval()));
            table.doubleColumn(5).append(e.seconds());
            table.doubleColumn(6).append(e.imagesPerSecond());
        }
        return table;
    }

    /**
     * The layers of {@code net} fed with {@code input}: index, name, type, activation, output
     * shape (height x width x channels, or features) and parameter count.
     */
    public static Table layers(MultiLayerNetwork net, InputType input) {
        Table table = Table.create("Layers",
                IntColumn.create("index"),
                StringColumn.create("name"),
                StringColumn.create("type"),
                StringColumn.create("activation"),
                StringColumn.create("output shape"),
                LongColumn.create("parameters"));
        List<InputType> outputs = net.getLayerWiseConfigurations().getLayerActivationTypes(input);
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            var layerConf = layer.conf().getLayer();
            table.intColumn(0).append(i);
            table.stringColumn(1).append(String.valueOf(layerConf.getLayerName()));
            table.stringColumn(2).append(layerConf.getClass().getSimpleName());
            table.stringColumn(3).append(layerConf instanceof BaseLayer base && base.getActivationFn() != null
                    ? base.getActivationFn().toString() : "");
            table.stringColumn(4).append(shape(outputs.get(i)));
            table.longColumn(5).append(layer.numParams());
        }
        return table;
    }

    private static String shape(InputType type) {
        if (type instanceof InputType.InputTypeConvolutional conv) {
            return conv.getHeight() + "x" + conv.getWidth() + "x" + conv.getChannels();
        }
        if (type instanceof InputType.InputTypeFeedForward ff) {
            return Long.toString(ff.getSize());
        }
        return type.toString();
    }

    /**
     * Models measured on the same images, one row each: accuracy %, its 95 % interval, and whether
     * it differs significantly from the first row's model (exact McNemar on the paired predictions).
     * {@code hits} holds, per model, whether each image was predicted right.
     */
    public static Table accuracies(String title, Map<String, boolean[]> hits) {
        if (hits.isEmpty()) {
            throw new IllegalArgumentException("No models to compare");
        }
        String first = hits.keySet().iterator().next();
        Table table = Table.create(title, StringColumn.create("model"), DoubleColumn.create("accuracy %"),
                StringColumn.create(INTERVAL_COLUMN), StringColumn.create(SIGNIFICANCE_COLUMN + " " + first));
        for (Map.Entry<String, boolean[]> e : hits.entrySet()) {
            Accuracy accuracy = Accuracy.of(e.getValue());
            table.stringColumn(0).append(e.getKey());
            table.doubleColumn(1).append(100 * accuracy.value());
            table.stringColumn(2).append(Format.interval(accuracy.interval()));
            table.stringColumn(3).append(e.getKey().equals(first) ? "(reference)"
                    : Format.significance(PairedComparison.of(hits.get(first), e.getValue())));
        }
        return table;
    }

    /** Tablesaw's hook for {@link #cell}: a missing value (not measured) is written as nothing. */
    private static final class Cells extends NumberColumnFormatter {
        private final DoubleFunction<String> write;

        Cells(DoubleFunction<String> write) {
            super("");
            this.write = write;
        }

        @Override
        public String format(double value) {
            return Double.isNaN(value) ? "" : write.apply(value);
        }

        @Override
        public String format(float value) {
            return format((double) value);
        }

        @Override
        public String format(long value) {
            return LongColumn.valueIsMissing(value) ? "" : write.apply(value);
        }

        @Override
        public String format(int value) {
            return IntColumn.valueIsMissing(value) ? "" : write.apply(value);
        }

        @Override
        public String format(short value) {
            return tech.tablesaw.api.ShortColumn.valueIsMissing(value) ? "" : write.apply(value);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** One row per op: index, tensor name, op, shapes, details, parameter count. */
    public static Table of(InferenceGraph graph) {
        IntColumn index = IntColumn.create("op");
        StringColumn name = StringColumn.create("tensor");
        StringColumn kind = StringColumn.create("kind");
        StringColumn in = StringColumn.create("input shape");
        StringColumn out = StringColumn.create("output shape");
        StringColumn details = StringColumn.create("details");
        IntColumn params = IntColumn.create("parameters");
        for (int i = 0; i < graph.ops().size(); i++) {
            Op op = graph.ops().get(i);
            index.append(i);
            name.append(op.name());
            kind.append(op.getClass().getSimpleName());
            in.append(Arrays.toString(op.inputShape()));
            out.append(Arrays.toString(op.outputShape()));
            details.append(op.describe());
            params.append(op instanceof WeightedOp w ? w.weights().length + w.bias().length : 0);
        }
        return Table.create("Inference graph", index, name, kind, in, out, details, params);
    }

    /** Calibrated activation ranges, one row per tensor: name, min, max. */
    public static Table of(ActivationRanges ranges) {
        StringColumn name = StringColumn.create("tensor");
        DoubleColumn min = DoubleColumn.create("min");
        DoubleColumn max = DoubleColumn.create("max");
        ranges.asMap().forEach((tensor, range) -> {
            name.append(tensor);
            min.append(range.min());
            max.append(range.max());
        });
        return Table.create("Activation ranges", name, min, max);
    }

    /**
     * One row per tensor: its op, observed range, scale and zero point, and for convolution and
     * dense ops the range of the per-channel weight scales.
     */
    public static Table of(QuantizedGraph quantized) {
        StringColumn tensor = StringColumn.create("tensor");
        StringColumn kind = StringColumn.create("op");
        DoubleColumn min = DoubleColumn.create("range min");
        DoubleColumn max = DoubleColumn.create("range max");
        DoubleColumn scale = DoubleColumn.create("scale");
        IntColumn zeroPoint = IntColumn.create("zero point");
        DoubleColumn wMin = DoubleColumn.create("weight scale min");
        DoubleColumn wMax = DoubleColumn.create("weight scale max");
        List<String> names = quantized.graph().tensorNames();
        for (int t = 0; t < names.size(); t++) {
            tensor.append(names.get(t));
            kind.append(t == 0 ? "input" : quantized.graph().op(t - 1).getClass().getSimpleName());
            min.append(quantized.params(t).min());
            max.append(quantized.params(t).max());
            scale.append(quantized.params(t).scale());
            zeroPoint.append(quantized.params(t).zeroPoint());
            QuantizedWeights w = t == 0 ? null : quantized.weights(t - 1);
            if (w == null) {
                wMin.appendMissing();
                wMax.appendMissing();
            } else {
                wMin.append(Arrays.stream(w.scales()).min().orElse(Double.NaN));
                wMax.append(Arrays.stream(w.scales()).max().orElse(Double.NaN));
            }
        }
        return Table.create("Int8 quantization", tensor, kind, min, max, scale, zeroPoint, wMin, wMax);
    }

    /**
     * The rows as a table (layer, name, type, parameter, weights, zeros, sparsity, target), with
     * a last row "all prunable" summing them; sparsities in percent.
     */
    public static Table of(SparsityStats stats) {
        IntColumn layer = IntColumn.create("layer");
        StringColumn name = StringColumn.create("name");
        StringColumn type = StringColumn.create("type");
        StringColumn parameter = StringColumn.create("parameter");
        LongColumn weights = LongColumn.create("weights");
        LongColumn zeros = LongColumn.create("zeros");
        DoubleColumn sparsity = DoubleColumn.create("sparsity %");
        DoubleColumn target = DoubleColumn.create("target %");
        for (SparsityStats.Row r : stats.rows()) {
            layer.append(r.layer());
            name.append(r.name());
            type.append(r.type());
            parameter.append(r.parameter());
            weights.append(r.weights());
            zeros.append(r.zeros());
            sparsity.append(100 * r.sparsity());
            if (Double.isNaN(r.target())) {
                target.appendMissing();
            } else {
                target.append(100 * r.target());
            }
        }
        layer.appendMissing();
        name.append("all prunable");
        type.append("");
        parameter.append("");
        weights.append(stats.weights());
        zeros.append(stats.zeros());
        sparsity.append(100 * stats.overall());
        target.appendMissing();
        return Table.create("Sparsity per layer", layer, name, type, parameter, weights, zeros, sparsity, target);
    }

    /** Weights counted in a written file, one row per tensor: values, zeros, sparsity, distinct values. */
    public static Table of(WeightStatistics statistics) {
        Table table = Table.create("Weights in the file",
                StringColumn.create("tensor"), StringColumn.create("type"), IntColumn.create("values"),
                IntColumn.create("zeros"), DoubleColumn.create("sparsity %"), IntColumn.create("distinct values"),
                IntColumn.create("max distinct per channel"));
        for (WeightStatistics.Tensor t : statistics.tensors()) {
            table.stringColumn(0).append(t.name());
            table.stringColumn(1).append(t.type());
            table.intColumn(2).append(t.values());
            table.intColumn(3).append(t.zeros());
            table.doubleColumn(4).append(100 * t.sparsity());
            table.intColumn(5).append(t.distinct());
            table.intColumn(6).append(t.maxDistinctPerChannel());
        }
        return table;
    }

    /** One row per operator: index, op, version, inputs, outputs, options. */
    public static Table operators(TfliteModel model) {
        IntColumn index = IntColumn.create("index");
        StringColumn op = StringColumn.create("op");
        IntColumn version = IntColumn.create("version");
        StringColumn inputs = StringColumn.create("inputs");
        StringColumn outputs = StringColumn.create("outputs");
        StringColumn options = StringColumn.create("options");
        for (TfliteModel.OperatorInfo o : model.operators()) {
            index.append(o.index());
            op.append(o.op());
            version.append(o.version());
            inputs.append(String.join(", ", o.inputs()));
            outputs.append(String.join(", ", o.outputs()));
            options.append(o.options());
        }
        return Table.create("Operators", index, op, version, inputs, outputs, options);
    }

    /** One row per tensor: index, name, type, shape, scale(s), zero point(s), constant bytes. */
    public static Table tensors(TfliteModel model) {
        IntColumn index = IntColumn.create("index");
        StringColumn name = StringColumn.create("name");
        StringColumn type = StringColumn.create("type");
        StringColumn shape = StringColumn.create("shape");
        StringColumn scale = StringColumn.create("scale");
        StringColumn zeroPoint = StringColumn.create("zero point");
        IntColumn bytes = IntColumn.create("buffer bytes");
        for (TfliteModel.TensorInfo t : model.tensors()) {
            index.append(t.index());
            name.append(t.name());
            type.append(t.type());
            shape.append(Arrays.toString(t.shape()));
            scale.append(scales(t.scales()));
            zeroPoint.append(t.zeroPoints().length == 0 ? ""
                    : Arrays.stream(t.zeroPoints()).distinct().count() == 1 ? String.valueOf(t.zeroPoints()[0])
                    : t.zeroPoints().length + " values");
            bytes.append(t.bufferBytes());
        }
        return Table.create("Tensors", index, name, type, shape, scale, zeroPoint, bytes);
    }

    /** One row per result: model, images, identical outputs, same prediction, largest difference. */
    public static Table crossChecks(List<LiteRtCrossCheck.Result> results) {
        Table table = Table.create("LiteRT against the TFLite 2.6 interpreter",
                StringColumn.create("model"), IntColumn.create("images"), IntColumn.create("identical outputs"),
                IntColumn.create("same prediction"), DoubleColumn.create("largest difference"),
                StringColumn.create("unit"));
        for (LiteRtCrossCheck.Result r : results) {
            table.stringColumn(0).append(r.model().getFileName().toString());
            table.intColumn(1).append(r.images());
            table.intColumn(2).append(r.identical());
            table.intColumn(3).append(r.samePrediction());
            table.doubleColumn(4).append(r.largestDifference());
            table.stringColumn(5).append(r.int8Output() ? "int8 steps" : "float");
        }
        return table;
    }

    private static String scales(float[] scales) {
        if (scales.length == 0) {
            return "";
        }
        if (scales.length == 1) {
            return Format.number(scales[0]);
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float s : scales) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        return Format.count(scales.length) + " per channel, " + Format.number(min) + " – " + Format.number(max);
    }

    /**
     * One row for the input and one per layer of a quantization-aware network: how its weights
     * are quantized and which int8 tensor it writes, with the range learned so far (blank before
     * training).
     */
    public static Table of(QatModel qat) {
        StringColumn layer = StringColumn.create("layer");
        StringColumn name = StringColumn.create("name");
        StringColumn type = StringColumn.create("type");
        StringColumn weights = StringColumn.create("weights");
        StringColumn tensor = StringColumn.create("int8 tensor");
        DoubleColumn min = DoubleColumn.create("range min");
        DoubleColumn max = DoubleColumn.create("range max");
        for (QatModel.Quantization q : qat.quantization()) {
            layer.append(q.layer());
            name.append(q.name());
            type.append(q.type());
            weights.append(q.weights());
            tensor.append(q.tensor());
            if (q.range() == null) {
                min.appendMissing();
                max.appendMissing();
            } else {
                min.append(q.range().min());
                max.append(q.range().max());
            }
        }
        return Table.create("Quantization-aware network", layer, name, type, weights, tensor, min, max);
    }

    /** One row per report, in the order given. */
    public static Table vela(List<VelaReport> reports) {
        Table table = Table.create("Vela",
                StringColumn.create("model"),
                StringColumn.create("accelerator"),
                IntColumn.create("NPU ops"),
                IntColumn.create("CPU ops"),
                DoubleColumn.create("NPU ops %"),
                DoubleColumn.create("SRAM kB"),
                DoubleColumn.create("off-chip flash kB"),
                DoubleColumn.create("DRAM kB"),
                DoubleColumn.create("weights kB"),
                DoubleColumn.create("NPU encoded weights kB"),
                LongColumn.create("cycles"),
                DoubleColumn.create("inference ms"));
        for (VelaReport r : reports) {
            table.stringColumn(0).append(r.network());
            table.stringColumn(1).append(r.target().accelerator());
            table.intColumn(2).append(r.npuOperators());
            table.intColumn(3).append(r.cpuOperators());
            table.doubleColumn(4).append(r.npuOperatorPercent());
            if (r.npuOperators() > 0) {
                table.doubleColumn(5).append(FileSizes.kilobytesOfKiB(r.sramKiB()));
                table.doubleColumn(6).append(FileSizes.kilobytesOfKiB(r.offChipFlashKiB()));
                table.doubleColumn(7).append(FileSizes.kilobytesOfKiB(r.dramKiB()));
                table.doubleColumn(8).append(FileSizes.kilobytes(r.originalWeightBytes()));
                table.doubleColumn(9).append(FileSizes.kilobytes(r.encodedWeightBytes()));
                table.longColumn(10).append(r.totalCycles());
                table.doubleColumn(11).append(r.inferenceMillis());
            } else { // nothing on the NPU: Vela measured no memory, cycles or time, so none are shown
                for (int column = 5; column <= 11; column++) {
                    table.column(column).appendMissing();
                }
            }
        }
        return table;
    }
}
