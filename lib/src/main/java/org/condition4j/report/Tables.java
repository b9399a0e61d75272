package org.condition4j.report;

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
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tablesaw tables for the notebooks, and their HTML form. In a JJava notebook,
 * {@code display(Tables.html(table), "text/html")} shows a table as a real table.
 */
public final class Tables {
    private Tables() {}

    /** The header of the column after every accuracy: that accuracy's 95 % Wilson interval, in percent. */
    public static final String INTERVAL_COLUMN = "95 % interval";
    /** The header start of the column saying whether a model's accuracy differs significantly from the first row's. */
    public static final String SIGNIFICANCE_COLUMN = "significant vs";

    /** The most significant digits a table shows: more would claim a precision no figure here has. */
    public static final int SIGNIFICANT_DIGITS = 4;

    /**
     * {@code table} as an HTML fragment. Every table a notebook shows goes through here, so this
     * is the one place numbers are rounded: decimals to {@link #SIGNIFICANT_DIGITS} significant
     * digits ({@link #number}), missing values (not measured) blank.
     */
    public static String html(Table table) {
        Table copy = table.copy();
        for (Column<?> column : copy.columns()) {
            if (column.type() == ColumnType.DOUBLE) {
                ((DoubleColumn) column).setPrintFormatter(new SignificantDigits());
            }
        }
        StringWriter out = new StringWriter();
        try {
            new HtmlWriter().write(copy, HtmlWriteOptions.builder(new Destination(out)).escapeText(true).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        String caption = table.name() == null || table.name().isBlank() ? ""
                : "<div style=\"font-weight:bold;margin:4px 0\">" + escape(table.name()) + "</div>";
        return caption + out;
    }

    /**
     * model, accuracy % with its 95 % interval, whether it differs significantly from the first
     * model on the same images, size kB, gzip kB, gzip as % of the first model's, LiteRT images/s.
     */
    public static Table comparison(ModelComparison comparison) {
        Map<String, boolean[]> hits = new LinkedHashMap<>();
        comparison.entries().forEach(e -> hits.put(e.name(), e.evaluation().hits()));
        Table table = accuracies("Measured by LiteRT on " + comparison.images() + " test images", hits);
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
        Table table = accuracies("Centroid initialisations (" + clusters + " clusters, before fine-tuning)", hits);
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
            table.stringColumn(4).append(e.test() == null ? "" : percentInterval(e.test().interval()));
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
     * {@code x} rounded to {@link #SIGNIFICANT_DIGITS} significant digits, without trailing zeros
     * or exponent: 97.74000000000001 as "97.74", 73.687662202 as "73.69", 123456.7 as "123500",
     * 0.000123456 as "0.0001235"; NaN (not measured) as "".
     */
    public static String number(double x) {
        if (Double.isNaN(x)) {
            return "";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "∞" : "-∞";
        }
        if (x == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(x).round(new MathContext(SIGNIFICANT_DIGITS, RoundingMode.HALF_EVEN));
        return rounded.scale() < 0 ? rounded.setScale(0).toPlainString()
                : rounded.stripTrailingZeros().toPlainString();
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
            table.stringColumn(2).append(percentInterval(accuracy.interval()));
            table.stringColumn(3).append(e.getKey().equals(first) ? "(reference)"
                    : significance(PairedComparison.of(hits.get(first), e.getValue())));
        }
        return table;
    }

    /** A 95 % interval of a proportion in percent, both bounds through {@link #number}: "97.91 – 98.43". */
    public static String percentInterval(Interval interval) {
        return number(100 * interval.lower()) + " – " + number(100 * interval.upper());
    }

    /**
     * The verdict of a paired comparison for a table cell: "yes (p = 0.003052)" when the
     * difference is significant at 5 %, "no (p = 0.4142)" when it is not.
     */
    public static String significance(PairedComparison comparison) {
        return significance(comparison.pValue());
    }

    /** As {@link #significance(PairedComparison)} from the p-value alone; below 0.0001 as "p < 0.0001". */
    public static String significance(double pValue) {
        String p = pValue < 1e-4 ? "p < 0.0001" : "p = " + number(pValue);
        return (pValue < PairedComparison.ALPHA ? "yes" : "no") + " (" + p + ")";
    }

    /** Tablesaw's hook for {@link #number}. */
    private static final class SignificantDigits extends NumberColumnFormatter {
        SignificantDigits() {
            super("");
        }

        @Override
        public String format(double value) {
            return number(value);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
