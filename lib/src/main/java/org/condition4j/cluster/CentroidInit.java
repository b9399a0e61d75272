package org.condition4j.cluster;

import java.util.Arrays;
import java.util.Random;

/**
 * Where the K centroids of a weight tensor start, before k-means refines them. The four
 * choices are the ones TensorFlow Model Optimization offers for {@code cluster_weights}.
 */
public enum CentroidInit {
    /** Evenly spaced between the smallest and the largest weight, both included. */
    LINEAR {
        @Override
        double[] centroids(double[] weights, int k, Random random) {
            double min = min(weights);
            double step = (max(weights) - min) / (k - 1);
            double[] centroids = new double[k];
            for (int j = 0; j < k; j++) {
                centroids[j] = min + j * step;
            }
            centroids[k - 1] = max(weights); // exact, whatever the rounding of the steps
            return centroids;
        }
    },

    /** Drawn uniformly between the smallest and the largest weight (repeatable for a seed). */
    RANDOM {
        @Override
        double[] centroids(double[] weights, int k, Random random) {
            double min = min(weights);
            double range = max(weights) - min;
            double[] centroids = new double[k];
            for (int j = 0; j < k; j++) {
                centroids[j] = min + random.nextDouble() * range;
            }
            return centroids;
        }
    },

    /**
     * Evenly spaced on the cumulative distribution of the weights, so that dense regions get
     * more centroids: centroid j is the quantile at probability (j + 1/2) / K, interpolated
     * linearly between neighbouring sorted weights. When K divides the number of weights, that
     * is the median of the j-th of K equally sized slices of the sorted weights.
     */
    DENSITY_BASED {
        @Override
        double[] centroids(double[] weights, int k, Random random) {
            double[] sorted = weights.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double[] centroids = new double[k];
            for (int j = 0; j < k; j++) {
                double position = Math.min(n - 1, Math.max(0, (j + 0.5) / k * n - 0.5));
                int below = (int) Math.floor(position);
                int above = Math.min(n - 1, below + 1);
                double fraction = position - below;
                centroids[j] = sorted[below] + fraction * (sorted[above] - sorted[below]);
            }
            return centroids;
        }
    },

    /**
     * k-means++ seeding: the first centroid is a weight drawn uniformly, each next one a weight
     * drawn with probability proportional to its squared distance from the nearest centroid
     * chosen so far. The centroids are therefore distinct weights whenever the tensor holds at
     * least K distinct values (otherwise the remaining ones repeat chosen values).
     */
    KMEANS_PLUS_PLUS {
        @Override
        double[] centroids(double[] weights, int k, Random random) {
            int n = weights.length;
            double[] centroids = new double[k];
            double[] distance = new double[n]; // squared distance to the nearest chosen centroid
            centroids[0] = weights[random.nextInt(n)];
            for (int i = 0; i < n; i++) {
                distance[i] = square(weights[i] - centroids[0]);
            }
            for (int j = 1; j < k; j++) {
                double total = 0;
                for (double d : distance) {
                    total += d;
                }
                if (total == 0) { // every weight already coincides with a centroid
                    centroids[j] = centroids[j - 1];
                    continue;
                }
                double target = random.nextDouble() * total;
                int chosen = -1;
                double cumulative = 0;
                for (int i = 0; i < n; i++) {
                    if (distance[i] > 0) {
                        chosen = i;
                        cumulative += distance[i];
                        if (cumulative > target) {
                            break;
                        }
                    }
                }
                centroids[j] = weights[chosen];
                for (int i = 0; i < n; i++) {
                    distance[i] = Math.min(distance[i], square(weights[i] - centroids[j]));
                }
            }
            return centroids;
        }
    };

    /**
     * The {@code k} starting centroids for {@code weights} (at least one weight, {@code k >= 2});
     * {@code random} is used by {@link #RANDOM} and {@link #KMEANS_PLUS_PLUS} only.
     */
    abstract double[] centroids(double[] weights, int k, Random random);

    /** The public form of {@link #centroids}, checking its arguments. */
    public double[] initialCentroids(double[] weights, int k, Random random) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("No weights to place centroids on");
        }
        if (k < 2 || k > weights.length) {
            throw new IllegalArgumentException("K=" + k + " is invalid for " + weights.length
                    + " weights: it must be between 2 and the number of weights");
        }
        return centroids(weights, k, random);
    }

    private static double min(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static double square(double x) {
        return x * x;
    }
}
