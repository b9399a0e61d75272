package org.condition4j.collab;

import org.condition4j.collab.Sweep.Point;
import org.condition4j.collab.Sweep.Quantization;
import org.condition4j.collab.Sweep.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep's bookkeeping without training: the grid, the Pareto front and the smallest model
 * within a margin on results made up by hand (expected sets worked out by hand), and the cache
 * written and read back. The pipeline itself runs in notebook 05 (two points in the tests).
 */
class SweepTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @Test
    void gridHasEveryCombinationWithBothQuantizations() {
        List<Point> grid = Sweep.grid(new double[] {0.5, 0.75, 0.9, 0.95}, new int[] {32, 16, 8, 4});
        assertEquals(32, grid.size());
        assertEquals(new Point(0.5, 32, Quantization.PTQ), grid.get(0));
        assertEquals(new Point(0.5, 32, Quantization.PCQAT), grid.get(1));
        assertEquals(new Point(0.95, 4, Quantization.PCQAT), grid.get(31));
        assertEquals("90 % / 4 / PCQAT", new Point(0.9, 4, Quantization.PCQAT).label());
        assertThrows(IllegalArgumentException.class, () -> new Point(1.0, 4, Quantization.PTQ));
        assertThrows(IllegalArgumentException.class, () -> new Point(0.5, 1, Quantization.PTQ));
    }

    @Test
    void paretoFrontKeepsOnlyPointsNothingBeatsOnSizeAndAccuracy() {
        // (encoded bytes, correct of 10): a (100, 9), b (200, 10), c (150, 8) beaten by a, d (100, 7) beaten by a,
        // e (300, 10) beaten by b
        Result a = result(0.9, 4, 100, 9);
        Result b = result(0.5, 16, 200, 10);
        Result c = result(0.75, 8, 150, 8);
        Result d = result(0.95, 4, 100, 7);
        Result e = result(0.5, 32, 300, 10);
        List<Result> all = List.of(e, d, c, b, a);
        assertEquals(List.of(a, b), Sweep.paretoFront(all, Result::encodedWeightBytes));
        // within 1 point of 100 %: b and e (10 of 10); within 11 points: a (9 of 10) too, the smallest
        assertEquals(b, Sweep.smallestWithin(all, 1.0, 1).orElseThrow());
        assertEquals(a, Sweep.smallestWithin(all, 1.0, 11).orElseThrow());
        assertTrue(Sweep.smallestWithin(List.of(c, d), 1.0, 0.5).isEmpty());
    }

    @Test
    void cacheRoundTripsAndSaysWhatIsWrongWithADamagedFile() throws IOException {
        Map<String, Result> results = new LinkedHashMap<>();
        Result first = result(0.9, 4, 1234, 7);
        Result second = new Result(new Point(0.5, 16, Quantization.PCQAT),
                new boolean[] {true, false, true, true, false, true, true, true, true, false}, 41_000, 9_500,
                0.4998, 16, 8_123, 0.1234, 56_789);
        results.put(Sweep.key("epochs=1", first.point()), first);
        results.put(Sweep.key("epochs=2", second.point()), second);
        Path cache = dir.resolve("sweep.csv");
        Sweep.writeCache(cache, results);

        Map<String, Result> read = Sweep.readCache(cache, QUIET);
        assertEquals(results.keySet(), read.keySet());
        for (String key : results.keySet()) {
            Result expected = results.get(key);
            Result actual = read.get(key);
            assertEquals(expected.point(), actual.point());
            assertArrayEquals(expected.hits(), actual.hits());
            assertEquals(List.of(expected.sizeBytes(), expected.gzipBytes(), expected.fileSparsity(),
                            expected.maxDistinctPerChannel(), expected.encodedWeightBytes(), expected.inferenceMillis(),
                            expected.cycles()),
                    List.of(actual.sizeBytes(), actual.gzipBytes(), actual.fileSparsity(), actual.maxDistinctPerChannel(),
                            actual.encodedWeightBytes(), actual.inferenceMillis(), actual.cycles()));
        }
        assertEquals(7, read.get(Sweep.key("epochs=1", first.point())).correct());

        Files.writeString(cache, Files.readString(cache).replace("PCQAT,", "PCQAT,10x"));
        IllegalStateException damaged = assertThrows(IllegalStateException.class, () -> Sweep.readCache(cache, QUIET));
        assertTrue(damaged.getMessage().contains("delete it"), damaged.getMessage());

        Files.writeString(cache, "something else\n");
        assertTrue(Sweep.readCache(cache, QUIET).isEmpty(), "a file of another format is ignored, not trusted");
        assertTrue(Sweep.readCache(dir.resolve("missing.csv"), QUIET).isEmpty());
    }

    /** A result with {@code correct} of 10 test images right. */
    private static Result result(double sparsity, int clusters, long encoded, int correct) {
        boolean[] hits = new boolean[10];
        for (int i = 0; i < correct; i++) {
            hits[i] = true;
        }
        return new Result(new Point(sparsity, clusters, Quantization.PTQ), hits, 40_000, 10_000, sparsity, clusters,
                encoded, 0.2, 50_000);
    }
}
