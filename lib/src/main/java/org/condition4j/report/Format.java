package org.condition4j.report;

import org.condition4j.stats.Accuracy;
import org.condition4j.stats.Interval;
import org.condition4j.stats.PairedComparison;

import java.util.Locale;

/**
 * The one way each quantity is written, wherever it appears: table cells, chart labels, model
 * cards, the site and the sentences a notebook builds from its results. A figure reads the same
 * on every page, so two pages never seem to disagree about one measurement.
 *
 * <ul>
 *   <li>accuracies in percent with two decimals ("98.91 %"), their intervals likewise
 *       ("98.69 – 99.10");</li>
 *   <li>counts (cycles, MACs, bytes, images) exact with thousands separators ("120,998");</li>
 *   <li>sizes in kilobytes of 1,000 bytes with two decimals ("39.74 kB");</li>
 *   <li>times in milliseconds to three significant digits ("0.242 ms");</li>
 *   <li>ratios to two decimals ("0.24×"); p-values to two significant digits, below 0.0001 as
 *       "p < 0.0001".</li>
 * </ul>
 */
public final class Format {
    private Format() {}

    /** Decimals of an accuracy in percent. */
    public static final int PERCENT_DECIMALS = 2;

    /** A proportion in [0, 1] as a percentage without the unit: 0.98912 as "98.91". */
    public static String percentValue(double fraction) {
        return fixed(100 * fraction, PERCENT_DECIMALS);
    }

    /** A proportion in [0, 1] as a percentage: 0.98912 as "98.91 %". */
    public static String percent(double fraction) {
        return percentValue(fraction) + " %";
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
        double points = 100 * fractionDifference;
        String sign = points > 0 ? "+" : "";
        return sign + fixed(points, PERCENT_DECIMALS) + " points";
    }

    /** An exact count with thousands separators: 120998 as "120,998". */
    public static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
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
        return fixed(bytes / 1000.0, 2);
    }

    /** A size in kilobytes (1,000 bytes): "39.74 kB". */
    public static String kilobytes(long bytes) {
        return kilobytesValue(bytes) + " kB";
    }

    /** A time in milliseconds, three significant digits: "0.242 ms", "1,234 ms" above 1,000. */
    public static String millis(double millis) {
        if (Double.isNaN(millis)) {
            return "";
        }
        if (Math.abs(millis) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f ms", millis);
        }
        return String.format(Locale.ROOT, "%s ms", new java.math.BigDecimal(millis)
                .round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString());
    }

    /** A ratio of two figures: 0.2366 as "0.24×". */
    public static String ratio(double ratio) {
        return fixed(ratio, 2) + "×";
    }

    /** A p-value: "p = 0.52", "p = 0.011", "p < 0.0001". */
    public static String pValue(double p) {
        if (p < 1e-4) {
            return "p < 0.0001";
        }
        return "p = " + new java.math.BigDecimal(p).round(new java.math.MathContext(2)).stripTrailingZeros()
                .toPlainString();
    }

    /** Whether a paired difference is significant at 5 %, with its p-value: "yes (p = 0.011)", "no (p = 0.52)". */
    public static String significance(PairedComparison comparison) {
        return significance(comparison.pValue());
    }

    /** As {@link #significance(PairedComparison)} from the p-value alone. */
    public static String significance(double pValue) {
        return (pValue < PairedComparison.ALPHA ? "yes" : "no") + " (" + pValue(pValue) + ")";
    }

    private static String fixed(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
