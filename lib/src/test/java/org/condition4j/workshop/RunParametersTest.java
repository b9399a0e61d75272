package org.condition4j.workshop;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunParametersTest {

    @Test
    void absentVariablesTakeTheSeedDefaults() {
        RunParameters params = RunParameters.from(Map.of());
        assertEquals(new RunParameters(5, 1, 60_000, 10_000, 10_000, 100), params);
    }

    @Test
    void variablesOverrideDefaults() {
        RunParameters params = RunParameters.from(Map.of("EPOCHS", "2", "TRAIN_LIMIT", " 5000 ", "EVAL_LIMIT", "200"));
        assertEquals(2, params.epochs());
        assertEquals(5000, params.trainLimit());
        assertEquals(200, params.evalLimit());
        assertEquals(100, params.calibrationSamples());
    }

    @Test
    void nonNumericValueNamesTheVariable() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> RunParameters.from(Map.of("FINE_TUNE_EPOCHS", "one")));
        assertTrue(error.getMessage().contains("FINE_TUNE_EPOCHS"), error.getMessage());
        assertTrue(error.getMessage().contains("'one'"), error.getMessage());
    }

    @Test
    void negativeValueNamesTheVariableAndValue() {
        var error = assertThrows(IllegalArgumentException.class, () -> RunParameters.from(Map.of("EPOCHS", "-1")));
        assertTrue(error.getMessage().startsWith("EPOCHS=-1"), error.getMessage());
    }

    @Test
    void limitsBeyondTheDataSetAreRejected() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> RunParameters.from(Map.of("TEST_LIMIT", "10001")));
        assertTrue(error.getMessage().contains("TEST_LIMIT=10001"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunParameters.from(Map.of("CALIBRATION_SAMPLES", "0")));
    }
}
