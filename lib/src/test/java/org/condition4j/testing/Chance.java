package org.condition4j.testing;

/**
 * The one sanity floor the tests put on a trained network's accuracy: better than guessing.
 * Guessing among {@code classes} classes is right with probability {@code p = 1 / classes}; on
 * {@code n} images its accuracy has standard error {@code sqrt(p (1 - p) / n)}, and it exceeds
 * {@code p} by three standard errors about once in 740 runs (one-sided normal tail). Any network
 * that learned anything lies far above that (the test networks reach 80-98 % on MNIST from any
 * seed), while a broken one (wrong labels, no training, weights lost in a step) stays near
 * {@code p}. The floor is derived from the number of images, never from a run's accuracy.
 */
public final class Chance {
    private Chance() {}

    /** {@code 1 / classes} plus three standard errors of a guesser's accuracy on {@code images} images. */
    public static double floor(int classes, int images) {
        if (classes < 2 || images < 1) {
            throw new IllegalArgumentException(classes + " classes, " + images + " images");
        }
        double p = 1.0 / classes;
        return p + 3 * Math.sqrt(p * (1 - p) / images);
    }
}
