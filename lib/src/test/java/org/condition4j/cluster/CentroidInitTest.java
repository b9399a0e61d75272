package org.condition4j.cluster;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CentroidInitTest {
    private static final double[] SAMPLE = {2.0, -1.0, 0.5, 3.0, 0.25};
    /** Six weights at 0, one at 1 and one at 10: most of the mass sits at 0. */
    private static final double[] SKEWED = {0, 10, 0, 0, 1, 0, 0, 0};

    @Test
    void linearSpacesCentroidsEvenlyFromMinToMax() {
        assertArrayEquals(new double[] {-1, 0, 1, 2, 3},
                CentroidInit.LINEAR.initialCentroids(SAMPLE, 5, new Random(1)), 1e-12);
        assertArrayEquals(new double[] {0, 10}, CentroidInit.LINEAR.initialCentroids(SKEWED, 2, new Random(1)));
    }

    @Test
    void densityBasedPlacesCentroidsAtEvenlySpacedQuantiles() {
        double[] ramp = {7, 6, 5, 4, 3, 2, 1, 0};
        // quantiles 1/8, 3/8, 5/8, 7/8: the medians of the slices {0,1}, {2,3}, {4,5}, {6,7}
        assertArrayEquals(new double[] {0.5, 2.5, 4.5, 6.5},
                CentroidInit.DENSITY_BASED.initialCentroids(ramp, 4, new Random(1)), 1e-12);
        // medians of the halves {0,0,0,0} and {0,0,1,10}: both centroids where the weights are dense
        assertArrayEquals(new double[] {0, 0.5},
                CentroidInit.DENSITY_BASED.initialCentroids(SKEWED, 2, new Random(1)), 1e-12);
        // quantiles 1/6, 1/2, 5/6 of five values: positions 0.333, 2, 3.667 between sorted weights
        assertArrayEquals(new double[] {-1 + (0.25 + 1) / 3, 0.5, 2 + 2.0 / 3},
                CentroidInit.DENSITY_BASED.initialCentroids(SAMPLE, 3, new Random(1)), 1e-12);
    }

    @Test
    void randomDrawsWithinTheRangeRepeatablyForASeed() {
        double[] weights = gaussian(1000, 3);
        double min = Arrays.stream(weights).min().orElseThrow();
        double max = Arrays.stream(weights).max().orElseThrow();
        double[] first = CentroidInit.RANDOM.initialCentroids(weights, 16, new Random(7));
        for (double c : first) {
            assertTrue(c >= min && c <= max, c + " outside [" + min + ", " + max + "]");
        }
        assertEquals(16, Arrays.stream(first).distinct().count());
        assertArrayEquals(first, CentroidInit.RANDOM.initialCentroids(weights, 16, new Random(7)));
        assertFalse(Arrays.equals(first, CentroidInit.RANDOM.initialCentroids(weights, 16, new Random(8))));
    }

    @Test
    void kMeansPlusPlusPicksDistinctDataPoints() {
        double[] weights = gaussian(500, 4);
        for (long seed = 0; seed < 20; seed++) {
            double[] centroids = CentroidInit.KMEANS_PLUS_PLUS.initialCentroids(weights, 16, new Random(seed));
            assertEquals(16, Arrays.stream(centroids).distinct().count(), "seed " + seed);
            for (double c : centroids) {
                assertTrue(Arrays.stream(weights).anyMatch(w -> w == c), c + " is not one of the weights");
            }
            assertArrayEquals(centroids, CentroidInit.KMEANS_PLUS_PLUS.initialCentroids(weights, 16, new Random(seed)));
        }
    }

    @Test
    void kMeansPlusPlusFavoursFarPoints() {
        // 99 weights at 0 and one at 100: once a 0 is chosen, 100 is the only point with distance
        double[] weights = new double[100];
        weights[37] = 100;
        for (long seed = 0; seed < 10; seed++) {
            double[] centroids = CentroidInit.KMEANS_PLUS_PLUS.initialCentroids(weights, 2, new Random(seed));
            Arrays.sort(centroids);
            assertArrayEquals(new double[] {0, 100}, centroids);
        }
        // with fewer distinct weights than K the remaining centroids repeat chosen values
        double[] three = CentroidInit.KMEANS_PLUS_PLUS.initialCentroids(weights, 3, new Random(1));
        assertEquals(2, Arrays.stream(three).distinct().count());
    }

    @Test
    void invalidKIsRejectedWithTheNumbers() {
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> CentroidInit.LINEAR.initialCentroids(SAMPLE, 6, new Random(1)));
        assertTrue(tooMany.getMessage().contains("K=6") && tooMany.getMessage().contains("5 weights"),
                tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CentroidInit.LINEAR.initialCentroids(SAMPLE, 1, new Random(1)));
        assertNotEquals(0, CentroidInit.values().length);
    }

    static double[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextGaussian() * 0.1;
        }
        return values;
    }
}
