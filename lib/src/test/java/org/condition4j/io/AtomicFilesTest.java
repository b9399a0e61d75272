package org.condition4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {

    @Test
    void replacesTheFileWhole(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/result.txt");
        AtomicFiles.writeString(file, "first");
        AtomicFiles.writeString(file, "second");
        assertEquals("second", Files.readString(file));
        assertEquals(1, count(file.getParent()), "temporary files left behind");
    }

    @Test
    void aFailedWriteLeavesTheEarlierFileIntactAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.tflite");
        AtomicFiles.writeString(file, "good model");
        var error = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(file, tmp -> {
            Files.writeString(tmp, "half a mo");
            throw new IOException("disk full");
        }));
        assertTrue(error.getMessage().contains("model.tflite"), error.getMessage());
        assertEquals("good model", Files.readString(file));
        assertEquals(1, count(dir));
    }

    @Test
    void anUnwritableTargetIsAClearError(@TempDir Path dir) throws IOException {
        Path blocker = dir.resolve("not-a-folder");
        Files.writeString(blocker, "x");
        var error = assertThrows(UncheckedIOException.class,
                () -> AtomicFiles.writeString(blocker.resolve("out.json"), "{}"));
        assertTrue(error.getMessage().contains("Cannot write"), error.getMessage());
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
