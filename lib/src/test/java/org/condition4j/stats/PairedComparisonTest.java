package org.condition4j.stats;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedComparisonTest {

    /** 1 vs 9 discordant images: p = 2 (C(10,0) + C(10,1)) / 2^10 = 22 / 1024. */
    @Test
    void smallCaseByHand() {
        PairedComparison c = compare(90, 1, 9, 0);
        assertEquals(100, c.images());
        assertEquals(1, c.onlyFirstRight());
        assertEquals(9, c.onlySecondRight());
        assertEquals(22.0 / 1024, c.pValue(), 1e-15);
        assertTrue(c.significant());
    }

    /** Two-sided exact binomial tail computed with exact integers, for counts of the size the notebooks see. */
    @Test
    void pValuesMatchTheExactBinomialTail() {
        for (int[] bc : new int[][] {{12, 25}, {30, 30}, {0, 6}, {5, 0}, {40, 61}, {3, 4}}) {
            PairedComparison c = compare(9_800, bc[0], bc[1], 200 - bc[0] - bc[1]);
            assertEquals(bc[0], c.onlyFirstRight());
            assertEquals(bc[1], c.onlySecondRight());
            assertEquals(exactTwoSided(bc[0], bc[1]), c.pValue(), 1e-12, bc[0] + " vs " + bc[1]);
            assertEquals(c.pValue() < 0.05, c.significant());
        }
    }

    @Test
    void identicalPredictionsAreNotSignificant() {
        PairedComparison c = compare(90, 0, 0, 10);
        assertEquals(1.0, c.pValue());
        assertFalse(c.significant());
        assertTrue(c.verdict().startsWith("not significant"), c.verdict());
    }

    @Test
    void differentImageCountsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PairedComparison.of(new boolean[3], new boolean[4]));
        assertTrue(e.getMessage().contains("same images"), e.getMessage());
    }

    /** min(1, 2 P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2). */
    private static double exactTwoSided(int b, int c) {
        int n = b + c;
        int k = Math.min(b, c);
        BigInteger tail = BigInteger.ZERO;
        BigInteger choose = BigInteger.ONE;
        for (int i = 0; i <= k; i++) {
            tail = tail.add(choose);
            choose = choose.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        BigDecimal p = new BigDecimal(tail.shiftLeft(1)).divide(new BigDecimal(BigInteger.ONE.shiftLeft(n)),
                MathContext.DECIMAL64);
        return Math.min(1.0, p.doubleValue());
    }

    /** Two models on bothRight + onlyFirst + onlySecond + neither images, the groups in a shuffled-free order. */
    private static PairedComparison compare(int bothRight, int onlyFirst, int onlySecond, int neither) {
        int n = bothRight + onlyFirst + onlySecond + neither;
        boolean[] first = new boolean[n];
        boolean[] second = new boolean[n];
        int i = 0;
        for (int k = 0; k < bothRight; k++, i++) {
            first[i] = true;
            second[i] = true;
        }
        for (int k = 0; k < onlyFirst; k++, i++) {
            first[i] = true;
        }
        for (int k = 0; k < onlySecond; k++, i++) {
            second[i] = true;
        }
        return PairedComparison.of(first, second);
    }
}
