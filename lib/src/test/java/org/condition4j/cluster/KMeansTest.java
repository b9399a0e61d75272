package org.condition4j.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KMeansTest {

    @Test
    void lloydStepsUntilNothingChanges() {
        KMeans.Result result = KMeans.fit(new double[] {1, 2, 10, 11}, new double[] {5, 0}, 100);
        assertArrayEquals(new double[] {1.5, 10.5}, result.centroids());
        assertArrayEquals(new int[] {0, 0, 1, 1}, result.assignments());
        assertEquals(1, result.iterations());
        assertTrue(result.converged());
        assertEquals(0.25, result.meanSquaredError(new double[] {1, 2, 10, 11}), 1e-12);
    }

    @Test
    void zeroIterationsKeepsTheInitialCentroids() {
        KMeans.Result result = KMeans.fit(new double[] {1, 2, 10, 11}, new double[] {0, 5}, 0);
        assertArrayEquals(new double[] {0, 5}, result.centroids());
        assertArrayEquals(new int[] {0, 0, 1, 1}, result.assignments());
        assertFalse(result.converged());
    }

    @Test
    void anEmptyClusterKeepsItsCentroid() {
        KMeans.Result result = KMeans.fit(new double[] {0, 0.1, 9.9, 10}, new double[] {0, 5, 10}, 10);
        assertArrayEquals(new double[] {0.05, 5, 9.95}, result.centroids(), 1e-12);
        assertArrayEquals(new int[] {2, 0, 2}, result.sizes());
    }

    @Test
    void aValueHalfwayBetweenTwoCentroidsGoesToTheLowerOne() {
        int[] assignments = new int[1];
        KMeans.assign(new double[] {1}, new double[] {0, 2}, assignments);
        assertEquals(0, assignments[0]);
    }

    /** Three well separated blobs: k-means must find exactly their means, from any sensible start. */
    @ParameterizedTest
    @EnumSource(value = CentroidInit.class, names = {"LINEAR", "DENSITY_BASED", "KMEANS_PLUS_PLUS"})
    void recoversTheMeansOfSeparatedClusters(CentroidInit init) {
        double[] centres = {-0.5, 0.05, 0.7};
        int perBlob = 400;
        double[] values = new double[centres.length * perBlob];
        double[] means = new double[centres.length];
        Random random = new Random(11);
        for (int b = 0; b < centres.length; b++) {
            for (int i = 0; i < perBlob; i++) {
                double v = centres[b] + random.nextGaussian() * 0.02;
                values[b * perBlob + i] = v;
                means[b] += v / perBlob;
            }
        }
        KMeans.Result result = KMeans.fit(values, init.initialCentroids(values, 3, new Random(5)), 300);
        assertTrue(result.converged());
        assertArrayEquals(means, result.centroids(), 1e-12);
        assertArrayEquals(new int[] {perBlob, perBlob, perBlob}, result.sizes());
        for (int i = 0; i < values.length; i++) {
            assertEquals(i / perBlob, result.assignments()[i]);
        }
    }
}
