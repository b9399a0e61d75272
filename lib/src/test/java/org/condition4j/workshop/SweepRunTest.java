package org.condition4j.workshop;

import org.condition4j.collab.Sweep;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepRunTest {
    private static final RunParameters FULL = RunParameters.from(Map.of());

    @Test
    void theFullRunSweepsEveryPointOnFewerImagesThanThePipeline() {
        SweepRun run = SweepRun.from(Map.of(), FULL);
        assertEquals(32, run.points().size());
        assertEquals(16, run.points().stream().filter(p -> p.quantization() == Sweep.Quantization.PCQAT).count());
        assertEquals(1, run.epochs());
        assertEquals(60_000, run.trainImages());
        assertEquals(5_000, run.sweepTrainImages());
    }

    @Test
    void theSweepNeverTrainsOnMoreImagesThanTheRunAllows() {
        RunParameters small = RunParameters.from(Map.of("TRAIN_LIMIT", "3000"));
        SweepRun run = SweepRun.from(Map.of("SWEEP", "small"), small);
        assertEquals(2, run.points().size());
        assertEquals(3000, run.trainImages());
        assertEquals(3000, run.sweepTrainImages());
    }

    @Test
    void variablesOverrideTheDefaults() {
        SweepRun run = SweepRun.from(Map.of("SWEEP_EPOCHS", "2", "COLLAB_TRAIN_LIMIT", "2000",
                "SWEEP_TRAIN_LIMIT", "800"), FULL);
        assertEquals(2, run.epochs());
        assertEquals(2000, run.trainImages());
        assertEquals(800, run.sweepTrainImages());
    }

    @Test
    void badValuesNameTheVariable() {
        var size = assertThrows(IllegalArgumentException.class, () -> SweepRun.from(Map.of("SWEEP", "medium"), FULL));
        assertTrue(size.getMessage().startsWith("SWEEP='medium' is invalid"), size.getMessage());
        var limit = assertThrows(IllegalArgumentException.class,
                () -> SweepRun.from(Map.of("SWEEP_TRAIN_LIMIT", "70000"), FULL));
        assertTrue(limit.getMessage().startsWith("SWEEP_TRAIN_LIMIT=70000 is invalid"), limit.getMessage());
        var epochs = assertThrows(IllegalArgumentException.class, () -> SweepRun.from(Map.of("SWEEP_EPOCHS", "0"), FULL));
        assertTrue(epochs.getMessage().startsWith("SWEEP_EPOCHS=0 is invalid"), epochs.getMessage());
    }
}
