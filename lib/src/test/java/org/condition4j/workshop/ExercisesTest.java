package org.condition4j.workshop;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exercise checks on figures worked out by hand. */
class ExercisesTest {

    @Test
    void noiseIsThreeStandardErrorsOfTheAccuracy() {
        // 3 * sqrt(0.98 * 0.02 / 500) = 0.018782
        assertEquals(0.018782, Exercises.noise(0.98, 500), 1e-6);
        assertEquals(0.005, Exercises.noise(0.999, 10_000), 1e-12, "at least half a point");
    }

    @Test
    void calibration() {
        assertTrue(Exercises.calibration(100, 0.975, 0.98, 500).plausible());
        // 3 points lost: below 2 points + 1.88 noise
        assertTrue(Exercises.calibration(100, 0.95, 0.98, 500).plausible());
        // 8 points lost with enough images: a bug
        assertFalse(Exercises.calibration(100, 0.90, 0.98, 500).plausible());
        // few images may clip: plausible, and says why
        var few = Exercises.calibration(5, 0.90, 0.98, 500);
        assertTrue(few.plausible());
        assertTrue(few.reason().contains("clipped"), few.reason());
        // int8 four points above float, noise 2.92 points
        assertFalse(Exercises.calibration(100, 0.99, 0.95, 500).plausible());
        assertThrows(IllegalArgumentException.class, () -> Exercises.calibration(0, 0.9, 0.9, 500));
    }

    @Test
    void quantizationAware() {
        // 0.1 + 3 * sqrt(0.09 / 500) = 0.14025
        assertEquals(0.14025, Exercises.chance(500), 1e-5);
        assertTrue(Exercises.quantizationAware(2000, 0.996, 500).plausible());
        assertTrue(Exercises.quantizationAware(2000, 0.97, 500).plausible(), "rounding tips unsure images");
        assertTrue(Exercises.quantizationAware(100, 0.15, 500).plausible());
        assertFalse(Exercises.quantizationAware(2000, 0.14, 500).plausible(), "no better than guessing");
        assertFalse(Exercises.quantizationAware(2000, 0.10, 10_000).plausible());
    }

    @Test
    void pruning() {
        assertTrue(Exercises.pruning(0.75, 0.751, 0.975, 0.98, 40_000, 60_000, 500).plausible());
        assertFalse(Exercises.pruning(0.75, 0.70, 0.975, 0.98, 40_000, 60_000, 500).plausible(), "fewer zeros than pruned");
        assertFalse(Exercises.pruning(0.75, 0.85, 0.975, 0.98, 40_000, 60_000, 500).plausible(), "far more zeros");
        assertFalse(Exercises.pruning(0.75, 0.75, 0.975, 0.98, 60_000, 60_000, 500).plausible(), "no compression");
        assertFalse(Exercises.pruning(0.5, 0.5, 0.90, 0.98, 50_000, 60_000, 500).plausible(), "moderate pruning, big loss");
        var heavy = Exercises.pruning(0.9, 0.9, 0.90, 0.98, 30_000, 60_000, 500);
        assertTrue(heavy.plausible(), heavy.reason());
        assertTrue(heavy.reason().contains("trade-off"), heavy.reason());
        assertThrows(IllegalArgumentException.class, () -> Exercises.pruning(1.0, 1.0, 0.1, 0.98, 1, 2, 500));
    }

    @Test
    void clustering() {
        assertTrue(Exercises.clustering(16, 16, 0.975, 0.98, 500).plausible());
        assertFalse(Exercises.clustering(16, 17, 0.975, 0.98, 500).plausible(), "more values than clusters");
        assertFalse(Exercises.clustering(16, 16, 0.90, 0.98, 500).plausible(), "16 clusters, 8 points lost");
        assertTrue(Exercises.clustering(4, 4, 0.90, 0.98, 500).plausible(), "few clusters may cost accuracy");
    }

    @Test
    void verdictsWriteTheirFiguresAsTheTablesDo() {
        // 0.5 points lost, noise 3 * sqrt(0.98 * 0.02 / 500) = 1.88 points
        assertEquals("With 100 calibration images int8 accuracy is unchanged within noise (-0.50 points, noise "
                + "±1.88 points) against float: the ranges cover the activations, and each tensor's 256 levels are "
                + "fine enough.", Exercises.calibration(100, 0.975, 0.98, 500).reason());
        assertEquals("75.10 % zeros in the file (target 75.00 %), gzip 66.67 % of the unpruned file, accuracy "
                + "unchanged within noise (-0.50 points, noise ±1.88 points). Moderate pruning with fine-tuning "
                + "costs little.", Exercises.pruning(0.75, 0.751, 0.975, 0.98, 40_000, 60_000, 500).reason());
        assertTrue(Exercises.quantizationAware(2000, 0.996, 500).reason().contains("on 99.60 % of 500 images"));
    }

    @Test
    void verdictsReadAsASentence() {
        assertTrue(Exercises.clustering(16, 17, 0.975, 0.98, 500).toString().startsWith("✗ Not plausible."));
        assertTrue(Exercises.clustering(16, 16, 0.975, 0.98, 500).toString().startsWith("✓ Plausible."));
    }
}
