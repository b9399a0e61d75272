package org.condition4j.notebooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.PairedComparison;
import org.condition4j.workshop.ProjectDirs;
import org.condition4j.workshop.RunParameters;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule that Markdown cells state no measured figure ({@link MeasuredFigures}): on examples, and
 * on the source notebooks without executing them (seconds, where the runner needs minutes).
 */
class MeasuredFiguresTest {

    @TestFactory
    Stream<DynamicTest> sourceNotebooksStateNoMeasuredFigureInProse() throws IOException {
        Path notebooks = ProjectDirs.root().resolve("notebooks");
        List<Path> files;
        try (Stream<Path> list = Files.list(notebooks)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no notebooks in " + notebooks);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () ->
                MeasuredFigures.check(file.getFileName().toString(), new ObjectMapper().readTree(file.toFile()))));
    }

    @Test
    void measuredFiguresAreFound() {
        assertEquals(List.of("98.9 %"), MeasuredFigures.in("The int8 model reaches 98.9 % on the test images."));
        assertEquals(List.of("7.9 kB"), MeasuredFigures.in("the smallest point needs 7.9 kB of NPU-encoded weights"));
        assertEquals(List.of("37.51 kB"), MeasuredFigures.in("the raw sizes 39.74 and 37.51 kB are equal"));
        assertEquals(List.of("95 %", "45-65 %", "1.7 to 4.2 points", "p < 0.0001"), MeasuredFigures.in(
                "at 95 % sparsity the model fell to 45-65 %, and PCQAT recovered 1.7 to 4.2 points (p < 0.0001)"));
        assertEquals(List.of("90 %", "+0.25 points", "p = 0.011"), MeasuredFigures.in("(90 % / 8: +0.25 points, p = 0.011)"));
        assertEquals(List.of("1.5×"), MeasuredFigures.in("a fake-quantized step costs about 1.5×\na plain one"));
        assertEquals(List.of("0.24x", "4.3x"), MeasuredFigures.in("0.24x both; medians 109 and 25, 4.3x"));
        assertEquals(List.of("1,077 images/s", "80 ms"), MeasuredFigures.in("LiteRT int8 1,077 images/s; 60 of its 80 ms"));
        assertEquals(List.of("105–117 µs", "60 KiB", "0.25 ms"), MeasuredFigures.in(
                "takes 105–117 µs; about 60 KiB fits; 0.40 instead of 0.25 ms"));
        assertEquals(List.of("120,998 cycles", "8.4 min", "33 s", "10,000\nimages"), MeasuredFigures.in(
                "120,998 cycles; 00 took 8.4 min, setup 33 s; indistinguishable on 10,000\nimages"));
        assertEquals(List.of("3 epochs", "12 iterations", "4 times smaller"), MeasuredFigures.in(
                "it converged after 3 epochs and 12 iterations; the file is 4 times smaller"));
    }

    @Test
    void fixedFactsNamesAndCodeAreNotFigures() {
        for (String text : List.of(
                "Here every layer is pruned to the 75 % target, the setting of the example.",
                "it climbs from 0 to the 75 % target over the steps",
                "each accuracy with its 95 % interval, tested at the 5 % level",
                "Unset variables take the defaults: 5 epochs over all 60,000 training images",
                "8-bit integers, 32-bit floats, float32 and int8",
                "an `ethos-u55-128`, the Ethos-U55-128 and a U85-2048 (SHA-256)",
                "28×28 grey digits, 3×3 convolutions, a 5x5 convolution, 2×2 max-pools",
                "scale 1/256 and zero point −128; values −127…127",
                "16 clusters, 32 filters, 100 calibration images (100 by default), try 1, 10 and 500",
                "TFLite 2.6 and `Format.percent(0.989)` or `98.9 %` in code",
                "```\nx = 98.9 %\n```")) {
            assertEquals(List.of(), MeasuredFigures.in(text), text);
        }
    }

    @Test
    void anAllowedFactCoversOnlyItsOwnPhrase() {
        assertEquals(List.of("75 %"), MeasuredFigures.in("accuracy fell to 75 % after the cut"));
        assertEquals(List.of("95 %"), MeasuredFigures.in("95 % of the weights are zero"));
        assertEquals(List.of("5 %"), MeasuredFigures.in("5 % smaller at the 95 % interval"));
        assertEquals(List.of("95 %"), MeasuredFigures.in("significant at the 95 % level"));
        assertEquals(List.of("5 epochs"), MeasuredFigures.in("the baseline trained 5 epochs"));
    }

    @Test
    void everyAllowedFactHasAReasonAndStatesAFigure() {
        for (MeasuredFigures.AllowedFact fact : MeasuredFigures.ALLOWED) {
            assertFalse(fact.why().isBlank(), fact.phrase());
            assertEquals(1, MeasuredFigures.ignoringAllowed(fact.phrase()).size(),
                    "\"" + fact.phrase() + "\" holds no figure the rule would report: it need not be allowed");
            assertEquals(List.of(), MeasuredFigures.in(fact.phrase()), fact.phrase());
        }
    }

    @Test
    void theAllowedFactsAreTheConstantsTheyName() {
        assertEquals(0.95, Accuracy.CONFIDENCE, "\"95 % interval\"");
        assertEquals(0.05, PairedComparison.ALPHA, "\"5 % level\"");
        assertEquals(0.75, PruningCheck.TARGET_SPARSITY, "\"75 % target\"");
        assertEquals(5, RunParameters.DEFAULTS.epochs(), "\"defaults: 5 epochs\"");
        assertTrue(MeasuredFigures.ALLOWED.size() <= 8, "the allowed facts are a short list");
    }
}
