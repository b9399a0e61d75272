package org.condition4j.stats;

import org.apache.commons.statistics.interval.BinomialConfidenceInterval;

/**
 * An accuracy measured on a finite test set: {@code correct} of {@code images} predictions right,
 * with its 95 % Wilson score interval (which, unlike the normal approximation, stays inside
 * [0, 1] and keeps its coverage near 0 % and 100 %).
 */
public record Accuracy(int correct, int images) {
    /** The confidence level of {@link #interval()}. */
    public static final double CONFIDENCE = 0.95;

    public Accuracy {
        if (images <= 0) {
            throw new IllegalArgumentException("An accuracy needs at least one image, got " + images);
        }
        if (correct < 0 || correct > images) {
            throw new IllegalArgumentException(correct + " correct out of " + images + " images is impossible");
        }
    }

    /** The accuracy of per-image outcomes ({@code true} = predicted right). */
    public static Accuracy of(boolean[] hits) {
        int correct = 0;
        for (boolean hit : hits) {
            correct += hit ? 1 : 0;
        }
        return new Accuracy(correct, hits.length);
    }

    /** The fraction right, in [0, 1]. */
    public double value() {
        return (double) correct / images;
    }

    /** The 95 % Wilson score interval. */
    public Interval interval() {
        var i = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate(images, correct, 1 - CONFIDENCE);
        return new Interval(i.getLowerBound(), i.getUpperBound(), CONFIDENCE);
    }

    /**
     * "9821 of 10000 right": the exact counts, for logs and test messages. Pages write an accuracy
     * with {@code report.Format}, which this package does not see.
     */
    @Override
    public String toString() {
        return correct + " of " + images + " right";
    }
}
