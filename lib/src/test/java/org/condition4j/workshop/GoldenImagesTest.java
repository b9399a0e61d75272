package org.condition4j.workshop;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The choice of golden images on logits made up to make each rule decide. */
class GoldenImagesTest {
    /** Logits of a 3-class model: class {@code top} at {@code margin} above class {@code second}, the rest far below. */
    private static float[] logits(int top, int second, float margin) {
        float[] l = {-10, -10, -10};
        l[second] = 0;
        l[top] = margin;
        return l;
    }

    @Test
    void perLabelTheSmallestMarginWins() {
        int[] labels = {0, 0, 1, 1, 2};
        float[][] logits = {logits(0, 1, 5), logits(0, 2, 1), logits(1, 0, 3), logits(1, 2, 4), logits(2, 0, 9)};
        assertEquals(List.of(1, 2, 4), GoldenImages.choose(labels, logits, 3));
    }

    @Test
    void aWrongPredictionCountsAsLessSureThanAnyRightOne() {
        int[] labels = {0, 0, 0};
        // image 1 is wrong with a large margin, image 2 right with a tiny one
        float[][] logits = {logits(0, 1, 2), logits(1, 0, 8), logits(0, 2, 0.5f)};
        assertEquals(List.of(1), GoldenImages.choose(labels, logits, 1));
    }

    @Test
    void amongWrongPredictionsTheSmallestMarginWins() {
        int[] labels = {2, 2};
        float[][] logits = {logits(0, 2, 7), logits(1, 2, 2)};
        assertEquals(List.of(1), GoldenImages.choose(labels, logits, 1));
    }

    @Test
    void tiesGoToTheLowerIndex() {
        int[] labels = {1, 1, 1};
        float[][] logits = {logits(1, 0, 3), logits(1, 2, 2), logits(1, 0, 2)};
        assertEquals(List.of(1), GoldenImages.choose(labels, logits, 1));
    }

    @Test
    void missingDigitsAreFilledWithTheLeastSureRemainingImages() {
        int[] labels = {0, 0, 0, 1};
        float[][] logits = {logits(0, 1, 1), logits(0, 1, 2), logits(0, 1, 6), logits(1, 0, 9)};
        // one per digit (images 0 and 3), then the least sure of the rest (image 1); ordered by label, then index
        assertEquals(List.of(0, 1, 3), GoldenImages.choose(labels, logits, 3));
    }

    @Test
    void fewerPlacesThanDigitsKeepTheLeastSureDigits() {
        int[] labels = {0, 1, 2};
        float[][] logits = {logits(0, 1, 4), logits(1, 0, 1), logits(2, 0, 2)};
        assertEquals(List.of(1, 2), GoldenImages.choose(labels, logits, 2));
    }

    @Test
    void aPoolSmallerThanTheCountIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> GoldenImages.choose(new int[] {0}, new float[][] {logits(0, 1, 1)}, 2));
        assertEquals("Cannot choose 2 golden images from 1 test images", e.getMessage());
    }
}
