package org.condition4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class SubprocessTest {
    @TempDir
    Path dir;

    /** A stand-in program that prints a line and then hangs, as a stuck compiler would. */
    public static Path hangingProgram(Path dir) throws Exception {
        Path script = dir.resolve("hangs.sh");
        Files.writeString(script, "#!/bin/sh\necho started\nexec sleep 600\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void aHangingProgramIsStoppedAtTheTimeOut() throws Exception {
        Path script = hangingProgram(dir);
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Subprocess.run(List.of(script.toString()), Duration.ofSeconds(2), "the stand-in"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 15, "took " + seconds + " s");
        assertTrue(e.getMessage().startsWith("the stand-in did not finish within 2 s and was stopped"), e.getMessage());
        assertTrue(e.getMessage().contains("started"), e.getMessage());
    }

    @Test
    void outputAndExitCodeOfAFinishedProgram() {
        Subprocess.Result r = Subprocess.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"),
                Duration.ofSeconds(30), "sh");
        assertEquals(3, r.exitCode());
        assertEquals("out\nerr\n", r.output());
    }
}
