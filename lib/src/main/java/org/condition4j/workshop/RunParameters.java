package org.condition4j.workshop;

import org.condition4j.data.Mnist;
import java.util.Map;

/**
 * How much work a run does: epochs, data limits, calibration size. Read from environment
 * variables so that the same notebooks run a full workshop session ({@code run.sh}) or a quick
 * smoke test (the headless runner), with the seed's values as defaults.
 */
public record RunParameters(
        int epochs,
        int fineTuneEpochs,
        int trainLimit,
        int testLimit,
        int evalLimit,
        int calibrationSamples) {

    public static final RunParameters DEFAULTS = new RunParameters(5, 1, 60_000, 10_000, 10_000, 100);

    public RunParameters {
        requireAtLeast("EPOCHS", epochs, 0);
        requireAtLeast("FINE_TUNE_EPOCHS", fineTuneEpochs, 0);
        requireInRange("TRAIN_LIMIT", trainLimit, 1, Mnist.TRAIN_SIZE);
        requireInRange("TEST_LIMIT", testLimit, 1, Mnist.TEST_SIZE);
        requireInRange("EVAL_LIMIT", evalLimit, 1, Mnist.TEST_SIZE);
        requireInRange("CALIBRATION_SAMPLES", calibrationSamples, 1, Mnist.TRAIN_SIZE);
    }

    /** The parameters of this process's environment. */
    public static RunParameters fromEnvironment() {
        return from(System.getenv());
    }

    /** The parameters named in {@code variables}; absent ones take the default. */
    public static RunParameters from(Map<String, String> variables) {
        return new RunParameters(
                read(variables, "EPOCHS", DEFAULTS.epochs),
                read(variables, "FINE_TUNE_EPOCHS", DEFAULTS.fineTuneEpochs),
                read(variables, "TRAIN_LIMIT", DEFAULTS.trainLimit),
                read(variables, "TEST_LIMIT", DEFAULTS.testLimit),
                read(variables, "EVAL_LIMIT", DEFAULTS.evalLimit),
                read(variables, "CALIBRATION_SAMPLES", DEFAULTS.calibrationSamples));
    }

    static int read(Map<String, String> variables, String name, int fallback) {
        String text = variables.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Environment variable " + name + "='" + text + "' is not a whole number; "
                            + "unset it for the default (" + fallback + ") or give e.g. " + name + "=" + fallback);
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + "=" + value + " is invalid: it must be at least " + min);
        }
    }

    static void requireInRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + "=" + value + " is invalid: it must be between " + min + " and " + max);
        }
    }
}
