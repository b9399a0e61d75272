package org.condition4j.cluster;

import java.util.Arrays;

/**
 * One-dimensional k-means (Lloyd's algorithm). Each value goes to its nearest centroid, each
 * centroid moves to the mean of its values, and the two steps repeat until no value changes
 * cluster or the iteration cap is reached. A centroid that loses all its values stays where it
 * is. In one dimension the clusters are intervals, so a value's nearest centroid is found by binary
 * search over the midpoints of the sorted centroids. The centroids stay sorted: a cluster's mean
 * lies inside its interval, which lies between its neighbours' centroids.
 */
public final class KMeans {

    /**
     * The outcome: centroids in ascending order, the cluster of each value, how many Lloyd
     * iterations ran and whether the assignments stopped changing within the cap.
     */
    public record Result(double[] centroids, int[] assignments, int iterations, boolean converged) {

        /** Mean squared distance between each value and its centroid. */
        public double meanSquaredError(double[] values) {
            double sum = 0;
            for (int i = 0; i < values.length; i++) {
                double d = values[i] - centroids[assignments[i]];
                sum += d * d;
            }
            return values.length == 0 ? 0 : sum / values.length;
        }

        /** How many values each cluster holds. */
        public int[] sizes() {
            int[] sizes = new int[centroids.length];
            for (int a : assignments) {
                sizes[a]++;
            }
            return sizes;
        }
    }

    private KMeans() {}

    /**
     * Clusters {@code values} starting from {@code initialCentroids}. With {@code maxIterations}
     * 0 the initial centroids are kept and each value just goes to the nearest one.
     */
    public static Result fit(double[] values, double[] initialCentroids, int maxIterations) {
        if (initialCentroids.length == 0) {
            throw new IllegalArgumentException("k-means needs at least one centroid");
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations=" + maxIterations + " must not be negative");
        }
        double[] centroids = initialCentroids.clone();
        Arrays.sort(centroids);
        int[] assignments = new int[values.length];
        assign(values, centroids, assignments);
        int iterations = 0;
        boolean converged = false;
        while (iterations < maxIterations) {
            moveToMeans(values, assignments, centroids);
            iterations++;
            if (assign(values, centroids, assignments) == 0) {
                converged = true;
                break;
            }
        }
        return new Result(centroids, assignments, iterations, converged);
    }

    /**
     * Puts each value in the cluster of its nearest centroid ({@code sortedCentroids} ascending;
     * a value exactly between two goes to the lower one) and returns how many values changed.
     */
    static int assign(double[] values, double[] sortedCentroids, int[] assignments) {
        int k = sortedCentroids.length;
        double[] midpoints = new double[k - 1];
        for (int j = 0; j < k - 1; j++) {
            midpoints[j] = (sortedCentroids[j] + sortedCentroids[j + 1]) / 2;
        }
        int changed = 0;
        for (int i = 0; i < values.length; i++) {
            int cluster = firstAtLeast(midpoints, values[i]);
            if (assignments[i] != cluster) {
                assignments[i] = cluster;
                changed++;
            }
        }
        return changed;
    }

    /** Moves each centroid to the mean of its values; a centroid without values stays put. */
    static void moveToMeans(double[] values, int[] assignments, double[] centroids) {
        double[] sums = new double[centroids.length];
        int[] counts = new int[centroids.length];
        for (int i = 0; i < values.length; i++) {
            sums[assignments[i]] += values[i];
            counts[assignments[i]]++;
        }
        for (int j = 0; j < centroids.length; j++) {
            if (counts[j] > 0) {
                centroids[j] = sums[j] / counts[j];
            }
        }
    }

    /** Index of the first element of ascending {@code sorted} that is {@code >= x}, or its length. */
    private static int firstAtLeast(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
