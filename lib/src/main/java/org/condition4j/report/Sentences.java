package org.condition4j.report;

import org.condition4j.stats.PairedComparison;

/**
 * The parts of a notebook's sentences ({@link Markdown}) whose wording depends on the outcome of
 * the run. A difference between two models on the same images is called significant, and given a
 * direction, only where the exact McNemar test decides so; the figures go through {@link Format}.
 */
public final class Sentences {
    private Sentences() {}

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
        if (!comparison.significant()) {
            return "no significant difference";
        }
        return comparison.onlySecondRight() > comparison.onlyFirstRight()
                ? "significantly more accurate" : "significantly less accurate";
    }
}
