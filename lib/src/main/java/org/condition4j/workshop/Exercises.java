package org.condition4j.workshop;

import org.condition4j.report.Format;

/**
 * The check cells after the notebooks' "try it" exercises: each tells a participant whether the
 * figures their changed setting produced are plausible, and why. The limits are what the
 * technique guarantees (a file cannot hold fewer zeros than were pruned, nor more distinct
 * values than clusters) or what it normally costs, with room for the sampling noise of an
 * accuracy measured on a finite number of test images. Figures are written by {@link Format}.
 */
public final class Exercises {
    /** Calibration on at least this many images normally covers every activation's range. */
    static final int ENOUGH_CALIBRATION_IMAGES = 50;
    /** Pruning up to this sparsity, with fine-tuning, normally keeps the accuracy. */
    static final double MODERATE_SPARSITY = 0.8;
    /** Clustering into at least this many clusters, with fine-tuning, normally keeps the accuracy. */
    static final int ENOUGH_CLUSTERS = 16;
    /** The accuracy a technique may normally cost, beyond noise: two points. */
    static final double NORMAL_COST = 0.02;

    private Exercises() {}

    /** A check's outcome: plausible or not, and the reason in a sentence or two. */
    public record Verdict(boolean plausible, String reason) {
        @Override
        public String toString() {
            return (plausible ? "✓ Plausible. " : "✗ Not plausible. ") + reason;
        }
    }

    /**
     * Post-training quantization calibrated on {@code samples} images: int8 against float
     * accuracy, both on the same {@code images} test images.
     */
    public static Verdict calibration(int samples, double int8Accuracy, double floatAccuracy, int images) {
        requirePositive(samples, "calibration samples");
        double noise = noise(floatAccuracy, images);
        double cost = floatAccuracy - int8Accuracy;
        if (cost < -noise) {
            return new Verdict(false, "int8 is " + Format.points(-cost) + " against float, more than the noise of "
                    + Format.count(images) + " images (" + Format.margin(noise) + "): rounding does not make a "
                    + "network better. Were both measured on the same images?");
        }
        if (samples >= ENOUGH_CALIBRATION_IMAGES && cost > NORMAL_COST + noise) {
            return new Verdict(false, Format.count(samples) + " calibration images normally cover every "
                    + "activation's range, yet int8 accuracy changes by " + Format.points(-cost) + ". Check that "
                    + "calibration used training images scaled like the test images.");
        }
        if (samples < ENOUGH_CALIBRATION_IMAGES) {
            return new Verdict(true, "With " + Format.count(samples) + " calibration images int8 accuracy is "
                    + change(-cost, noise) + " against float. So few images can miss the largest activations, which "
                    + "are then clipped, and the loss shows up as the sample shrinks. Try 1, 10 and 500.");
        }
        return new Verdict(true, "With " + Format.count(samples) + " calibration images int8 accuracy is "
                + change(-cost, noise) + " against float: the ranges cover the activations, and each tensor's 256 "
                + "levels are fine enough.");
    }

    /**
     * Quantization-aware training fine-tuned on {@code trainImages} images: how often the exported
     * file picks the same digit as the network it was trained as, on {@code images} test images.
     * Whatever the training data, the file computes what the fake-quantized network computes up to
     * int8 rounding (the library's tests show it layer by layer for any weights), and rounding can
     * tip only images the network is unsure of; how many those are depends on the weights, so no
     * share of them is a limit. Not plausible is a file that agrees no better than guessing
     * ({@link #chance}): it is not the export of this network.
     */
    public static Verdict quantizationAware(int trainImages, double classAgreement, int images) {
        requirePositive(trainImages, "training images");
        if (classAgreement <= chance(images)) {
            return new Verdict(false, "The file picks the network's digit on only " + Format.percent(classAgreement)
                    + " of " + Format.count(images) + " images, no more often than guessing would. Whatever the "
                    + "training data, the exported int8 file computes what the fake-quantized network computes, up "
                    + "to rounding: this file is not the export of this network (other ranges, or the network "
                    + "changed after export).");
        }
        return new Verdict(true, "After fine-tuning on " + Format.count(trainImages) + " images the file agrees with "
                + "the network on " + Format.percent(classAgreement) + " of " + Format.count(images) + " images: the "
                + "int8 model is the network that trained, however little data it trained on; where they differ, "
                + "int8 rounding tipped an image the network was unsure of. Accuracy is another matter: compare it "
                + "with the post-training model.");
    }

    /**
     * A share of {@code images} images that guessing one of ten digits reaches only about once in
     * 740 tries: 10 % plus three standard errors, {@code 0.1 + 3 sqrt(0.09 / images)}. Derived from
     * the number of images, not from any run.
     */
    static double chance(int images) {
        requirePositive(images, "test images");
        return 0.1 + 3 * Math.sqrt(0.1 * 0.9 / images);
    }

    /**
     * Pruning to {@code targetSparsity}: the share of zeros counted in the int8 file, its int8
     * accuracy and gzip size against the unpruned int8 model's, on the same {@code images} images.
     */
    public static Verdict pruning(double targetSparsity, double fileSparsity, double int8Accuracy,
                                  double unprunedInt8Accuracy, long gzipBytes, long unprunedGzipBytes, int images) {
        if (!(targetSparsity >= 0 && targetSparsity < 1)) {
            throw new IllegalArgumentException("A target sparsity is a fraction in [0, 1), got " + targetSparsity);
        }
        if (fileSparsity < targetSparsity - 0.01) {
            return new Verdict(false, "You asked for " + Format.percent(targetSparsity) + " zeros but the file holds "
                    + Format.percent(fileSparsity) + ". The masks zero at least the target share of every pruned "
                    + "layer: export the stripped network, and fine-tune with the pruning listeners attached.");
        }
        if (fileSparsity > targetSparsity + 0.05) {
            return new Verdict(false, "The file holds " + Format.percent(fileSparsity) + " zeros for a target of "
                    + Format.percent(targetSparsity) + ": int8 rounding turns only a few tiny weights into extra "
                    + "zeros. Was the target changed in both places?");
        }
        if (targetSparsity >= 0.5 && gzipBytes >= unprunedGzipBytes) {
            return new Verdict(false, "At " + Format.percent(fileSparsity) + " zeros the file should compress better "
                    + "than the unpruned one, but gzips to " + Format.kilobytes(gzipBytes) + " against "
                    + Format.kilobytes(unprunedGzipBytes) + ".");
        }
        double cost = unprunedInt8Accuracy - int8Accuracy;
        double noise = noise(unprunedInt8Accuracy, images);
        if (targetSparsity <= MODERATE_SPARSITY && cost > NORMAL_COST + noise) {
            return new Verdict(false, "Pruned to " + Format.percent(targetSparsity) + " and fine-tuned, a network "
                    + "this size normally keeps its accuracy within two points, but this one changes by "
                    + Format.points(-cost) + ". Did the fine-tuning run, with the pruning listeners?");
        }
        return new Verdict(true, Format.percent(fileSparsity) + " zeros in the file (target "
                + Format.percent(targetSparsity) + "), gzip " + Format.percent((double) gzipBytes / unprunedGzipBytes)
                + " of the unpruned file, accuracy " + change(-cost, noise) + ". "
                + (targetSparsity > MODERATE_SPARSITY ? "Beyond 80 % the few remaining weights cannot carry the "
                        + "whole task, so a loss is expected: that is the trade-off." : "Moderate pruning with "
                        + "fine-tuning costs little."));
    }

    /**
     * Clustering into {@code clusters} clusters: the most distinct values counted in one weight
     * tensor of the int8 file, and int8 accuracy against the unclustered int8 model's.
     */
    public static Verdict clustering(int clusters, int maxDistinctInFile, double int8Accuracy,
                                     double unclusteredInt8Accuracy, int images) {
        requirePositive(clusters, "clusters");
        if (maxDistinctInFile > clusters) {
            return new Verdict(false, "A weight tensor in the file holds " + Format.count(maxDistinctInFile)
                    + " distinct values, more than the " + Format.count(clusters) + " clusters. With one scale per "
                    + "tensor each centroid becomes one int8 value: export the stripped network with per-tensor "
                    + "weights.");
        }
        double cost = unclusteredInt8Accuracy - int8Accuracy;
        double noise = noise(unclusteredInt8Accuracy, images);
        if (clusters >= ENOUGH_CLUSTERS && cost > NORMAL_COST + noise) {
            return new Verdict(false, "With " + Format.count(clusters) + " clusters and fine-tuning the accuracy "
                    + "normally stays within two points, but it changes by " + Format.points(-cost) + ". Did the "
                    + "fine-tuning run with the clustering listeners?");
        }
        return new Verdict(true, "At most " + Format.count(maxDistinctInFile) + " distinct values per tensor (of "
                + Format.count(clusters) + " allowed), accuracy " + change(-cost, noise) + ". "
                + (clusters < ENOUGH_CLUSTERS ? "Fewer clusters approximate the weights more coarsely, so some loss "
                        + "is expected; fine-tuning wins part of it back." : "Enough clusters represent the "
                        + "weights closely."));
    }

    /**
     * How far an accuracy measured on {@code images} images may move by chance: three standard
     * errors of a proportion, at least half a point.
     */
    static double noise(double accuracy, int images) {
        requirePositive(images, "test images");
        return Math.max(0.005, 3 * Math.sqrt(accuracy * (1 - accuracy) / images));
    }

    /** "unchanged within noise (+0.20 points, noise ±1.88 points)", "down (-3.10 points, noise ±1.88 points)". */
    static String change(double delta, double noise) {
        String figures = " (" + Format.points(delta) + ", noise " + Format.margin(noise) + ")";
        return (Math.abs(delta) <= noise ? "unchanged within noise" : delta > 0 ? "up" : "down") + figures;
    }

    private static void requirePositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException("The number of " + what + " must be positive, got " + value);
        }
    }
}
