package org.condition4j.tflite;

import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheEarlierFileIntact() throws Exception {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.everyLayer());
        // A 250-character name is valid, but the temporary file beside it would need a longer
        // one, so the write fails after the target was chosen - even for root.
        Path target = dir.resolve("m".repeat(243) + ".tflite");
        byte[] earlier = "an earlier model".getBytes();
        Files.write(target, earlier);
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> TfliteExport.float32(graph).writeTo(target));
        assertTrue(e.getMessage().startsWith("Cannot write " + target.toAbsolutePath()), e.getMessage());
        assertArrayEquals(earlier, Files.readAllBytes(target));
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(target::equals), "no temporary file is left behind");
        }
    }

    @Test
    void aPathUnderAFileIsAClearError() throws Exception {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.everyLayer());
        Path file = Files.writeString(dir.resolve("notes.txt"), "not a folder");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> TfliteExport.float32(graph).writeTo(file.resolve("model.tflite")));
        assertTrue(e.getMessage().contains(file.resolve("model.tflite").toString()), e.getMessage());
        assertTrue(Files.readString(file).equals("not a folder"));
    }

    @Test
    void aFolderAsTargetIsAClearError() {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.everyLayer());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfliteExport.float32(graph).writeTo(dir));
        assertTrue(e.getMessage().contains("is a folder; give a file name"), e.getMessage());
    }

    @Test
    void theInterpreterRejectsWhatIsNotAModelAndWronglySizedInput() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.tflite"), "this is not a flatbuffer at all");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TfliteInterpreter.open(junk));
        assertTrue(e.getMessage().startsWith(junk.toAbsolutePath() + " is not a valid TFLite model"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TfliteInterpreter.open(dir.resolve("missing.tflite")));
        assertTrue(e.getMessage().startsWith("No .tflite model at"), e.getMessage());
        byte[] model = TfliteExport.float32(InferenceGraph.of(TestNetworks.everyLayer())).toBytes();
        try (TfliteInterpreter tflite = TfliteInterpreter.of(model, 1)) {
            e = assertThrows(IllegalArgumentException.class, () -> tflite.run(new float[100]));
            assertTrue(e.getMessage().equals("An example has 100 values; the model's input [1, 28, 28, 1] takes 784"),
                    e.getMessage());
        }
    }
}
