package org.condition4j.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccuracyTest {
    /** The 0.975 quantile of the standard normal distribution. */
    private static final double Z = 1.959963984540054;

    /** Newcombe (1998), Statistics in Medicine 17:857-872, Table I, score method without continuity correction. */
    @Test
    void wilsonIntervalsMatchNewcombesPublishedExamples() {
        assertBounds(new Accuracy(81, 263), 0.2553, 0.3662);
        assertBounds(new Accuracy(15, 148), 0.0624, 0.1605);
        assertBounds(new Accuracy(0, 20), 0.0, 0.1611);
        assertBounds(new Accuracy(1, 29), 0.0061, 0.1718);
    }

    /** The closed-form Wilson score interval, computed here, at this project's typical counts. */
    @Test
    void wilsonIntervalsMatchTheClosedForm() {
        for (int[] c : new int[][] {{9821, 10000}, {9900, 10000}, {10000, 10000}, {487, 500}, {1, 1}, {0, 7}}) {
            Interval got = new Accuracy(c[0], c[1]).interval();
            double n = c[1];
            double p = c[0] / n;
            double centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n);
            double half = Z / (1 + Z * Z / n) * Math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n));
            assertEquals(Math.max(0, centre - half), got.lower(), 1e-12, c[0] + "/" + c[1]);
            assertEquals(Math.min(1, centre + half), got.upper(), 1e-12, c[0] + "/" + c[1]);
            assertTrue(got.contains(p));
        }
    }

    @Test
    void countsFromPerImageOutcomes() {
        Accuracy a = Accuracy.of(new boolean[] {true, false, true, true});
        assertEquals(3, a.correct());
        assertEquals(4, a.images());
        assertEquals(0.75, a.value());
    }

    @Test
    void impossibleCountsAreRejectedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Accuracy(11, 10));
        assertTrue(e.getMessage().contains("11 correct out of 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Accuracy(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Accuracy(-1, 10));
    }

    private static void assertBounds(Accuracy a, double lower, double upper) {
        assertEquals(lower, a.interval().lower(), 5e-5, a + " lower");
        assertEquals(upper, a.interval().upper(), 5e-5, a + " upper");
    }
}
