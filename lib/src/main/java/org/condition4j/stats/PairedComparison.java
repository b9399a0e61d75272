package org.condition4j.stats;

import org.apache.commons.statistics.inference.BinomialTest;

/**
 * Two models' predictions on the same images, compared with the exact McNemar test: only the
 * images where exactly one model is right carry information, and if the models were equally
 * accurate, each of those discordant images would be the first model's with probability 1/2. The
 * two-sided p-value is that binomial test's; a difference is significant when p < {@link #ALPHA}.
 */
public record PairedComparison(int images, int onlyFirstRight, int onlySecondRight, double pValue) {
    /** The significance level. */
    public static final double ALPHA = 0.05;

    public PairedComparison {
        if (images <= 0 || onlyFirstRight < 0 || onlySecondRight < 0 || onlyFirstRight + onlySecondRight > images) {
            throw new IllegalArgumentException("Inconsistent counts: " + onlyFirstRight + " + " + onlySecondRight
                    + " discordant of " + images + " images");
        }
    }

    /** Compares per-image outcomes ({@code true} = right) of two models on the same images. */
    public static PairedComparison of(boolean[] first, boolean[] second) {
        if (first.length != second.length || first.length == 0) {
            throw new IllegalArgumentException("A paired comparison needs both models' outcomes on the same images; got "
                    + first.length + " and " + second.length + " outcomes");
        }
        int onlyFirst = 0;
        int onlySecond = 0;
        for (int i = 0; i < first.length; i++) {
            if (first[i] && !second[i]) {
                onlyFirst++;
            } else if (second[i] && !first[i]) {
                onlySecond++;
            }
        }
        int discordant = onlyFirst + onlySecond;
        double p = discordant == 0 ? 1.0
                : BinomialTest.withDefaults().test(discordant, onlyFirst, 0.5).getPValue();
        return new PairedComparison(first.length, onlyFirst, onlySecond, p);
    }

    public boolean significant() {
        return pValue < ALPHA;
    }

    /**
     * "significant" or "not significant" (at {@link #ALPHA}). Pages write the verdict with its
     * p-value by {@code report.Format.significance}, which this package does not see.
     */
    public String verdict() {
        return significant() ? "significant" : "not significant";
    }
}
