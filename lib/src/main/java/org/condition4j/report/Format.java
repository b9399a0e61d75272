package org.condition4j.report;

import org.condition4j.io.FileSizes;
import org.condition4j.runtime.NetworkAgreement;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.Interval;
import org.condition4j.stats.PairedComparison;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * The one way each quantity is written, wherever it appears: table cells, chart labels, model
 * cards, the site and the sentences a notebook builds from its results. A figure reads the same
 * on every page, so two pages never seem to disagree about one measurement.
 *
 * <ul>
 *   <li>accuracies and other shares in percent with two decimals ("98.91 %"), their intervals
 *       likewise ("98.69 – 99.10"), differences in percentage points signed ("+0.25 points");</li>
 *   <li>counts (cycles, MACs, bytes, images) exact with thousands separators ("120,998");</li>
 *   <li>sizes (files, weights, memory) in kilobytes of 1,000 bytes with two decimals ("39.74 kB");</li>
 *   <li>measured times and rates to three significant digits ("0.242 ms", "41.2 s", "1,235");</li>
 *   <li>ratios to two decimals ("0.24×"); p-values to two significant digits, below 0.0001 as
 *       "p < 0.0001";</li>
 *   <li>any other figure (a loss, a scale, a range) to four significant digits ("0.003922").</li>
 * </ul>
 *
 * <p>Digits are kept once promised ("99.10", never "99.1"), and rounding never shortens the
 * integer part ("123,457", never "123,500"). Halves round up, as people round. Not measured (NaN)
 * is written as nothing. A table cell holds the figure without its unit, which its header names:
 * the first group of methods writes such cells, the second whole quantities.
 */
public final class Format {
    private Format() {}

    /** Decimals of a figure written to a fixed number of decimals: percentages, points, kB, ratios. */
    public static final int DECIMALS = 2;
    /** Significant digits of a figure without a rule of its own (a loss, a scale, a range). */
    public static final int SIGNIFICANT_DIGITS = 4;
    /** Significant digits of a measured time or rate: more would be noise. */
    public static final int TIME_DIGITS = 3;
    /** Significant digits of a p-value. */
    public static final int P_DIGITS = 2;

    // ---- figures in the unit their table column names ----

    /** A figure already in its unit (percent, points, kB) to {@link #DECIMALS} decimals: 98.9124 as "98.91". */
    public static String fixed(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return significant(value, DECIMALS); // "" or "∞"
        }
        return write(decimal(value).setScale(DECIMALS, RoundingMode.HALF_UP));
    }

    /** As {@link #fixed}, with the sign of a difference always written: "+0.25", "-1.00", "0.00". */
    public static String signedFixed(double value) {
        String fixed = fixed(value);
        boolean positive = Double.isFinite(value)
                && decimal(value).setScale(DECIMALS, RoundingMode.HALF_UP).signum() > 0;
        return positive || value == Double.POSITIVE_INFINITY ? "+" + fixed : fixed;
    }

    /** An exact count with thousands separators: 120998 as "120,998". */
    public static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    /** A measured time or rate to {@link #TIME_DIGITS} significant digits: "0.242", "41.2", "1,235". */
    public static String timeValue(double value) {
        return significant(value, TIME_DIGITS);
    }

    /** A figure without a rule of its own to {@link #SIGNIFICANT_DIGITS} significant digits: "0.003922", "6.000". */
    public static String number(double value) {
        return significant(value, SIGNIFICANT_DIGITS);
    }

    // ---- whole quantities ----

    /** A proportion in [0, 1] as a percentage without the unit: 0.98912 as "98.91". */
    public static String percentValue(double fraction) {
        return fixed(100 * fraction);
    }

    /** A proportion in [0, 1] as a percentage: 0.98912 as "98.91 %". */
    public static String percent(double fraction) {
        return unit(percentValue(fraction), " %");
    }

    /** An accuracy as a percentage: "98.91 %". */
    public static String accuracy(Accuracy accuracy) {
        return percent(accuracy.value());
    }

    /** An accuracy with its 95 % interval: "98.91 % (95 % interval 98.69 – 99.10)". */
    public static String accuracyWithInterval(Accuracy accuracy) {
        return accuracy(accuracy) + " (95 % interval " + interval(accuracy.interval()) + ")";
    }

    /** An interval of a proportion in percent, without the unit: "98.69 – 99.10". */
    public static String interval(Interval interval) {
        return percentValue(interval.lower()) + " – " + percentValue(interval.upper());
    }

    /** A difference of two proportions in percentage points, signed: "+0.25 points", "-1.00 points". */
    public static String points(double fractionDifference) {
        return unit(signedFixed(100 * fractionDifference), " points");
    }

    /** A margin either side, in percentage points: 0.0188 as "±1.88 points". */
    public static String margin(double fraction) {
        String fixed = fixed(100 * Math.abs(fraction));
        return fixed.isEmpty() ? "" : "±" + fixed + " points";
    }

    /** NPU cycles, exact: "120,998 cycles". */
    public static String cycles(long cycles) {
        return count(cycles) + " cycles";
    }

    /** A size in bytes, exact: "7,856 B". */
    public static String bytes(long bytes) {
        return count(bytes) + " B";
    }

    /** A size in kilobytes (1,000 bytes) without the unit: 39741 as "39.74". */
    public static String kilobytesValue(long bytes) {
        return fixed(FileSizes.kilobytes(bytes));
    }

    /** A size in kilobytes (1,000 bytes): "39.74 kB". */
    public static String kilobytes(long bytes) {
        return kilobytesValue(bytes) + " kB";
    }

    /** A time in milliseconds: "0.242 ms", "1,235 ms". */
    public static String millis(double millis) {
        return unit(timeValue(millis), " ms");
    }

    /** A clock in megahertz, to {@link #TIME_DIGITS} significant digits like any rate: "500 MHz", "62.5 MHz". */
    public static String megahertz(double hertz) {
        return unit(timeValue(hertz / 1e6), " MHz");
    }

    /** A time in seconds: "41.2 s". */
    public static String seconds(double seconds) {
        return unit(timeValue(seconds), " s");
    }

    /** A ratio of two figures: 0.2366 as "0.24×". */
    public static String ratio(double ratio) {
        return unit(fixed(ratio), "×");
    }

    /** A p-value: "p = 0.52", "p = 0.011", "p = 1.0", "p < 0.0001". */
    public static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "";
        }
        return p < 1e-4 ? "p < 0.0001" : "p = " + significant(p, P_DIGITS);
    }

    /** Whether a paired difference is significant at 5 %, with its p-value: "yes (p = 0.011)", "no (p = 0.52)". */
    public static String significance(PairedComparison comparison) {
        return significance(comparison.pValue());
    }

    /** As {@link #significance(PairedComparison)} from the p-value alone. */
    public static String significance(double pValue) {
        if (Double.isNaN(pValue)) {
            return "";
        }
        return (pValue < PairedComparison.ALPHA ? "yes" : "no") + " (" + pValue(pValue) + ")";
    }

    /**
     * How closely a file reproduces its network: "same class on 99.87 % of 10,000 images; every
     * output within one int8 step on 99.50 %; largest difference 0.003906".
     */
    public static String agreement(NetworkAgreement agreement) {
        return "same class on " + percent(agreement.classAgreement()) + " of " + count(agreement.images())
                + " images; every output within one int8 step on " + percent(agreement.withinOneStepShare())
                + "; largest difference " + number(agreement.largestDifference());
    }

    // ---- the rules ----

    /** The decimal a person reads for {@code value} (its shortest representation), so 98.915 rounds up. */
    private static BigDecimal decimal(double value) {
        return BigDecimal.valueOf(value);
    }

    /**
     * {@code value} to {@code digits} significant digits, zeros kept ("0.5000"), the integer part
     * never rounded away ("123,457"); 0 as "0", infinities as "∞".
     */
    private static String significant(double value, int digits) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal exact = decimal(value);
        if (exact.abs().compareTo(BigDecimal.TEN.pow(digits - 1)) >= 0) {
            return write(exact.setScale(0, RoundingMode.HALF_UP));
        }
        BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_UP));
        int integerDigits = rounded.precision() - rounded.scale(); // 0 or less below 1: 0.0012 has -2
        return write(rounded.setScale(Math.max(0, digits - integerDigits), RoundingMode.HALF_UP));
    }

    /** A rounded decimal with thousands separators and exactly its scale's decimals. */
    private static String write(BigDecimal rounded) {
        return String.format(Locale.ROOT, "%,." + Math.max(0, rounded.scale()) + "f", rounded);
    }

    /** {@code value} with its unit, or nothing when the value is not measured. */
    private static String unit(String value, String unit) {
        return value.isEmpty() ? "" : value + unit;
    }
}
