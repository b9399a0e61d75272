package org.condition4j.testing;

/**
 * The switch that trains the tests' networks from other random starts, to show that no test
 * depends on one machine's or one seed's weights: {@code mvn -pl lib test -Dcondition4j.test.seed=11}.
 * Unset (the default), every network starts from the seed written in its test; set, each of those
 * seeds is mixed with the given value, so networks still differ from each other. Cached trained
 * networks are keyed by their configuration, which holds the seed, so each seed trains its own.
 */
public final class TestSeed {
    /** The system property that selects another start. */
    public static final String PROPERTY = "condition4j.test.seed";

    private TestSeed() {}

    /** {@code seed} as written in the test, or mixed with the selected start if one is set. */
    public static long of(long seed) {
        String selected = System.getProperty(PROPERTY, "").trim();
        if (selected.isEmpty()) {
            return seed;
        }
        long value;
        try {
            value = Long.parseLong(selected);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be a whole number, got '" + selected + "'");
        }
        // a fixed odd multiplier spreads nearby values; the result is never the unmixed seed for value != 0
        return seed ^ (value * 0x9E3779B97F4A7C15L);
    }

    /** The selected start as a note for test output: "default" or the value. */
    public static String describe() {
        String selected = System.getProperty(PROPERTY, "").trim();
        return selected.isEmpty() ? "default" : selected;
    }
}
