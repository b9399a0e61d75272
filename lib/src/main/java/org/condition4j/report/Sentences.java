package org.condition4j.report;

import org.condition4j.stats.PairedComparison;

/**
 * The parts of a notebook's sentences ({@link Markdown}) whose wording depends on the outcome of
 * the run. A difference between two models on the same images is called significant, and given a
 * direction, only where the exact McNemar test decides so; the figures go through {@link Format}.
 */
public final class Sentences {
    private Sentences() {}

    private static final String MORE_ACCURATE = "significantly more accurate";
    private static final String LESS_ACCURATE = "significantly less accurate";
    private static final String NO_DIFFERENCE = "no significant difference";

    /**
     * How a model compares with {@code reference} on the same images, from their paired comparison
     * with the reference first ({@code PairedComparison.of(referenceHits, modelHits)},
     * {@code comparison.versus(reference, model)}): "+0.12 points against post-training int8 on the
     * same 10,000 test images: no significant difference (p = 0.31)", or "...: significantly less
     * accurate (p < 0.0001)".
     */
    public static String versus(PairedComparison comparison, String reference) {
        double difference = (double) (comparison.onlySecondRight() - comparison.onlyFirstRight()) / comparison.images();
        return Format.points(difference) + " against " + reference + " on the same " + Format.count(comparison.images())
                + " test images: " + verdict(comparison) + " (" + Format.pValue(comparison.pValue()) + ")";
    }

    /**
     * "significantly more accurate", "significantly less accurate" (than the first model of the
     * comparison) or "no significant difference".
     */
    public static String verdict(PairedComparison comparison) {
        return verdict(comparison.onlySecondRight() - comparison.onlyFirstRight(), comparison.pValue());
    }

    /**
     * The same verdict from a difference (the model's accuracy minus the reference's, in any unit)
     * and the exact McNemar test's p-value, where only those were recorded: significant only below
     * {@link PairedComparison#ALPHA}, the direction that of the difference.
     */
    public static String verdict(double difference, double pValue) {
        if (!(pValue < PairedComparison.ALPHA)) {
            return NO_DIFFERENCE;
        }
        return difference > 0 ? MORE_ACCURATE : LESS_ACCURATE;
    }

    /** Whether the second model of {@code comparison} is significantly more accurate than the first. */
    public static boolean moreAccurate(PairedComparison comparison) {
        return verdict(comparison).equals(MORE_ACCURATE);
    }

    /** Whether the second model of {@code comparison} is significantly less accurate than the first. */
    public static boolean lessAccurate(PairedComparison comparison) {
        return verdict(comparison).equals(LESS_ACCURATE);
    }

    /** A difference with its p-value, for a parenthesis: "+2.32 points, p = 0.011". */
    public static String difference(double fractionDifference, double pValue) {
        return Format.points(fractionDifference) + ", " + Format.pValue(pValue);
    }
}
