package org.condition4j.report;

import org.condition4j.io.FileSizes;
import org.condition4j.model.TrainingHistory;
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
import java.util.List;

/**
 * Tablesaw tables for the notebooks, and their HTML form. In a JJava notebook,
 * {@code display(Tables.html(table), "text/html")} shows a table as a real table.
 */
public final class Tables {
    private Tables() {}

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

    /** model, accuracy %, size kB, gzip kB, gzip as % of the first model's, interpreter images/s. */
    public static Table comparison(ModelComparison comparison) {
        Table table = Table.create("Measured by the TFLite interpreter on " + comparison.images() + " test images",
                StringColumn.create("model"),
                DoubleColumn.create("accuracy %"),
                DoubleColumn.create("size kB"),
                DoubleColumn.create("gzip kB"),
                DoubleColumn.create("gzip vs first %"),
                DoubleColumn.create("interpreter images/s"));
        long firstGzip = comparison.entries().get(0).gzipBytes();
        for (ModelComparison.Entry e : comparison.entries()) {
            table.stringColumn(0).append(e.name());
            table.doubleColumn(1).append(round2(100 * e.accuracy()));
            table.doubleColumn(2).append(round2(FileSizes.kilobytes(e.sizeBytes())));
            table.doubleColumn(3).append(round2(FileSizes.kilobytes(e.gzipBytes())));
            table.doubleColumn(4).append(round2(100.0 * e.gzipBytes() / firstGzip));
            table.doubleColumn(5).append(Math.round(e.evaluation().imagesPerSecond()));
        }
        return table;
    }

    private static double round2(double x) {
        return Math.round(100 * x) / 100.0;
    }

    /** One row per epoch: loss, training and test accuracy (percent), seconds, images per second. */
    public static Table history(TrainingHistory history) {
        Table table = Table.create("Training history",
                IntColumn.create("epoch"),
                DoubleColumn.create("loss"),
                DoubleColumn.create("train accuracy %"),
                DoubleColumn.create("test accuracy %"),
                DoubleColumn.create("seconds"),
                DoubleColumn.create("images/s"));
        for (TrainingHistory.Epoch e : history.epochs()) {
            table.intColumn(0).append(e.epoch());
            table.doubleColumn(1).append(e.loss());
            table.doubleColumn(2).append(100 * e.trainAccuracy());
            table.doubleColumn(3).append(100 * e.testAccuracy());
            table.doubleColumn(4).append(e.seconds());
            table.doubleColumn(5).append(e.imagesPerSecond());
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
