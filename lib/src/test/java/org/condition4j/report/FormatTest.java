package org.condition4j.report;

import org.condition4j.runtime.NetworkAgreement;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.Interval;
import org.condition4j.stats.PairedComparison;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each format pinned by literals worked out by hand, not by calling another formatter. */
class FormatTest {

    @Test
    void accuraciesArePercentWithTwoDecimalsKeepingTrailingZeros() {
        assertEquals("99.10 %", Format.percent(0.991));
        assertEquals("98.91 %", Format.percent(0.98912345));
        assertEquals("100.00 %", Format.percent(1.0));
        assertEquals("0.00 %", Format.percent(0.0));
        assertEquals("0.13", Format.fixed(0.125), "a half rounds up");
        assertEquals("2.68", Format.fixed(2.675), "as the number reads, though the double is 2.67499...");
        assertEquals("99.10", Format.percentValue(0.991));
        assertEquals("", Format.percent(Double.NaN), "not measured is blank, not \"NaN %\"");
        assertEquals("98.21 %", Format.accuracy(new Accuracy(9821, 10_000)));
    }

    @Test
    void intervalsKeepBothBoundsToTwoDecimals() {
        assertEquals("98.69 – 99.10", Format.interval(new Interval(0.9869, 0.991, 0.95)));
        assertEquals("92.10 – 93.13", Format.interval(new Interval(0.921, 0.9313, 0.95)));
        // 0 of 20 and 20 of 20 (Newcombe): two decimals at either end too, not four significant digits
        assertEquals("0.00 – 16.11", Format.interval(new Interval(0.0, 0.1611, 0.95)));
        assertEquals("83.89 – 100.00", Format.interval(new Interval(0.8389, 1.0, 0.95)));
        // 9821 of 10000: Wilson interval [0.979310, 0.984520]
        assertEquals("98.21 % (95 % interval 97.93 – 98.45)", Format.accuracyWithInterval(new Accuracy(9821, 10_000)));
    }

    @Test
    void differencesAreSignedPointsAndMarginsPlusMinus() {
        assertEquals("+0.25 points", Format.points(0.0025));
        assertEquals("-1.00 points", Format.points(-0.01));
        assertEquals("0.00 points", Format.points(-0.00001), "rounded to nothing: no sign");
        assertEquals("±1.88 points", Format.margin(0.018782));
        assertEquals("+4.00", Format.signedFixed(4.0));
    }

    @Test
    void countsAreExactWithThousandsSeparators() {
        assertEquals("120,998", Format.count(120_998));
        assertEquals("120,998 cycles", Format.cycles(120_998));
        assertEquals("7,856 B", Format.bytes(7_856));
        assertEquals("1,234,567", Format.count(1_234_567));
        assertEquals("-128", Format.count(-128));
    }

    @Test
    void sizesAreKilobytesOfAThousandBytesWithTwoDecimals() {
        assertEquals("39.74 kB", Format.kilobytes(39_741));
        assertEquals("39.74", Format.kilobytesValue(39_741));
        assertEquals("1,234.57 kB", Format.kilobytes(1_234_567));
        assertEquals("0.50 kB", Format.kilobytes(500));
    }

    @Test
    void timesAndRatesHaveThreeSignificantDigitsAndAWholeIntegerPart() {
        assertEquals("0.242 ms", Format.millis(0.24237));
        assertEquals("0.240 ms", Format.millis(0.24), "a promised zero stays");
        assertEquals("12.3 ms", Format.millis(12.34));
        assertEquals("1,235 ms", Format.millis(1234.5));
        assertEquals("41.2 s", Format.seconds(41.234));
        assertEquals("6,000", Format.timeValue(5999.6));
        assertEquals("", Format.millis(Double.NaN));
        // clocks are rates: vela.ini's 500e6 Hz, 1e9 x 0.234375, 500e6 x 0.125
        assertEquals("500 MHz", Format.megahertz(500e6));
        assertEquals("234 MHz", Format.megahertz(1e9 * 0.234375));
        assertEquals("62.5 MHz", Format.megahertz(62.5e6));
        assertEquals("1,000 MHz", Format.megahertz(1e9));
    }

    @Test
    void otherFiguresHaveFourSignificantDigits() {
        assertEquals("0.9891", Format.number(0.98912345));
        assertEquals("73.69", Format.number(73.687662202));
        assertEquals("0.0001235", Format.number(0.000123456));
        assertEquals("0.5000", Format.number(0.5));
        assertEquals("6.000", Format.number(6.0));
        assertEquals("-0.5000", Format.number(-0.5));
        assertEquals("99.00", Format.number(98.99999));
        assertEquals("10.00", Format.number(9.99996));
        assertEquals("1,235", Format.number(1234.5001));
        assertEquals("120,998", Format.number(120_998.0), "never 121000");
        assertEquals("123,457", Format.number(123_456.7));
        assertEquals("0", Format.number(0.0));
        assertEquals("∞", Format.number(Double.POSITIVE_INFINITY));
        assertEquals("", Format.number(Double.NaN));
    }

    @Test
    void ratiosHaveTwoDecimals() {
        assertEquals("0.24×", Format.ratio(0.2366));
        assertEquals("1.00×", Format.ratio(1));
        assertEquals("∞×", Format.ratio(1.0 / 0), "a ratio to nothing");
    }

    @Test
    void pValuesHaveTwoSignificantDigitsAndAFloor() {
        assertEquals("p = 0.0031", Format.pValue(0.0030521));
        assertEquals("p = 0.41", Format.pValue(0.41));
        assertEquals("p = 0.50", Format.pValue(0.5));
        assertEquals("p = 1.0", Format.pValue(1.0));
        assertEquals("p = 0.0020", Format.pValue(0.001953125));
        assertEquals("p = 0.00012", Format.pValue(0.000123));
        assertEquals("p < 0.0001", Format.pValue(0.0000999));
        assertEquals("p < 0.0001", Format.pValue(6.3e-37));
        assertEquals("yes (p = 0.0031)", Format.significance(0.0030521));
        assertEquals("no (p = 0.41)", Format.significance(0.41));
        assertEquals("yes (p < 0.0001)", Format.significance(6.3e-37));
        assertEquals("no (p = 0.050)", Format.significance(0.05), "significant means below 5 %");
        // 10 discordant images, all one way: p = 2 * 0.5^10
        assertEquals("yes (p = 0.0020)", Format.significance(new PairedComparison(100, 10, 0, 0.001953125)));
        assertEquals("", Format.significance(Double.NaN));
    }

    @Test
    void agreementReadsAsASentence() {
        var agreement = new NetworkAgreement(10_000, 9_987, 9_950, 0.00390625, 9_900);
        assertEquals("same class on 99.87 % of 10,000 images; every output within one int8 step on 99.50 %; "
                + "largest difference 0.003906", Format.agreement(agreement));
    }
}
