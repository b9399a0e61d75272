package org.condition4j.runtime;

import org.condition4j.workshop.Workshop;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LiteRtCrossCheck} on float files, and its time-out. Int8 files are pinned to each
 * interpreter's own integer arithmetic in {@link LiteRtKernelsTest}, which holds for any weights.
 */
class LiteRtCrossCheckTest {

    @Test
    void aHangingLiteRtIsStoppedAtTheTimeOut(@TempDir Path dir) throws Exception {
        Path model = TfliteExport.float32(InferenceGraph.of(TestNetworks.everyLayer())).writeTo(dir.resolve("f.tflite"));
        Path python = org.condition4j.io.SubprocessTest.hangingProgram(dir);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> LiteRtCrossCheck.compare(model, TestNetworks.mnist().testSample(2),
                        LiteRt.using(python).withTimeout(java.time.Duration.ofSeconds(2))));
        assertTrue(e.getMessage().startsWith("LiteRT on f.tflite did not finish within 2 s"), e.getMessage());
    }

    @Test
    void floatModelsAgreeToRounding(@TempDir Path dir) {
        Path file = TfliteExport.float32(InferenceGraph.of(TestNetworks.seedCnn())).writeTo(dir.resolve("f.tflite"));
        LiteRtCrossCheck.Result result = LiteRtCrossCheck.compare(file, TestNetworks.mnist().testSample(100), Workshop.liteRt());
        assertEquals(100, result.images());
        assertEquals(100, result.samePrediction());
        assertTrue(result.largestDifference() < 1e-5, "largest difference " + result.largestDifference());
    }
}
