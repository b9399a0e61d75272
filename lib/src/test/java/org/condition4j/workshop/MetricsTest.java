package org.condition4j.workshop;

import org.condition4j.stats.Accuracy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics JSON beside a model: the names in the file, the interval beside an accuracy, a round trip. */
class MetricsTest {

    @Test
    void keysAreWrittenUnderTheirJsonNamesAndReadBack(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("pruned_model.tflite");
        Accuracy int8 = new Accuracy(9_876, 10_000);
        Path file = Metrics.create().put(MetricKey.MODEL, "pruned").putAccuracy(MetricKey.INT8_ACCURACY, int8)
                .put(MetricKey.SPARSITY, 0.75).writeFor(model);
        assertEquals(dir.resolve("pruned_model.metrics.json"), file);
        String json = Files.readString(file);
        // The file format is what the runner and older results rely on: spelled out here, not derived.
        for (String name : new String[] {"\"model\"", "\"int8_accuracy\"", "\"int8_accuracy_ci95_low\"",
                "\"int8_accuracy_ci95_high\"", "\"sparsity\""}) {
            assertTrue(json.contains(name), name + " missing from " + json);
        }
        Metrics read = Metrics.read(file);
        assertEquals(0.9876, read.number(MetricKey.INT8_ACCURACY).orElseThrow());
        assertEquals(int8.interval().lower(), read.number("int8_accuracy_ci95_low").orElseThrow());
        assertEquals(int8.interval().upper(), read.number("int8_accuracy_ci95_high").orElseThrow());
        assertTrue(read.number("int8_accuracy_ci95_low").orElseThrow() < 0.9876
                && read.number("int8_accuracy_ci95_high").orElseThrow() > 0.9876, "the interval holds the accuracy");
        assertEquals("pruned", read.values().get("model"));
        assertTrue(read.number(MetricKey.MODEL).isEmpty(), "a name is not a number");
    }

    @Test
    void laterStepsAddToWhatEarlierOnesWrote(@TempDir Path dir) {
        Path model = dir.resolve("m.tflite");
        Metrics.create().put(MetricKey.INT8_ACCURACY, 0.97).writeFor(model);
        Metrics.readOrCreateFor(model).put(MetricKey.GZIP_BYTES, 1234).writeFor(model);
        Map<String, Object> values = Metrics.read(Metrics.fileFor(model)).values();
        assertEquals(0.97, values.get("int8_accuracy"));
        assertEquals(1234, values.get("gzip_bytes"));
    }
}
