package org.condition4j.report;

import org.condition4j.stats.PairedComparison;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentencesTest {

    @Test
    void aDifferenceIsSignificantAndHasADirectionOnlyWhereTheTestSaysSo() {
        assertEquals("+0.10 points against the baseline on the same 1,000 test images: no significant difference (p = 1.0)",
                Sentences.versus(new PairedComparison(1000, 1, 2, 1.0), "the baseline"));
        assertEquals("-2.00 points against float on the same 1,000 test images: significantly less accurate (p < 0.0001)",
                Sentences.versus(new PairedComparison(1000, 20, 0, 1.9e-6), "float"));
        assertEquals("significantly more accurate", Sentences.verdict(new PairedComparison(1000, 0, 20, 1.9e-6)));
    }

    @Test
    void theDirectionComesFromTheSameImagesAsTheTest() {
        boolean[] reference = new boolean[200];
        boolean[] model = new boolean[200];
        for (int i = 0; i < 200; i++) {
            reference[i] = i < 190;
            model[i] = i < 150;
        }
        String sentence = Sentences.versus(PairedComparison.of(reference, model), "the reference");
        assertTrue(sentence.startsWith("-20.00 points against the reference on the same 200 test images: significantly less accurate"),
                sentence);
    }
}
