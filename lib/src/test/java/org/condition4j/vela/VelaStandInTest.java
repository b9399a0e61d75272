package org.condition4j.vela;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.io.SubprocessTest;
import org.condition4j.model.SeedCnn;
import org.condition4j.tflite.TfliteExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Vela wrapper with stand-in executables that misbehave as a broken installation could. */
class VelaStandInTest {
    @TempDir
    Path dir;

    /** A sound (untrained) model file: the wrapper verifies the file before it starts Vela. */
    private Path model() {
        return TfliteExport.float32(InferenceGraph.of(SeedCnn.create())).writeTo(dir.resolve("m.tflite"));
    }

    @Test
    void aHangingVelaIsStoppedAtTheTimeOut() throws Exception {
        Vela vela = new Vela(SubprocessTest.hangingProgram(dir), Duration.ofSeconds(2));
        Path model = model();
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> vela.compile(model, VelaTarget.ETHOS_U55_128, dir.resolve("out")));
        assertTrue((System.nanoTime() - start) / 1e9 < 15);
        assertTrue(e.getMessage().startsWith("Vela on " + model + " did not finish within 2 s"), e.getMessage());
    }

    @Test
    void aSummaryWithoutTheCpuOperatorCountIsAnError() throws Exception {
        Path script = dir.resolve("vela.sh");
        Files.writeString(script, """
                #!/bin/sh
                while [ $# -gt 0 ]; do
                  [ "$1" = "--output-dir" ] && out="$2"
                  [ "$1" = "--system-config" ] && system="$2"
                  shift
                done
                printf 'cycles_total\\n1\\n' > "$out/m_summary_$system.csv"
                echo "NPU operators = 7 (100.0%)"
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path model = model();
        Vela vela = new Vela(script, Duration.ofSeconds(30));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> vela.compile(model, VelaTarget.ETHOS_U55_128, dir.resolve("out")));
        assertTrue(e.getMessage().startsWith("Vela's summary lacks the CPU operator count"), e.getMessage());
    }
}
