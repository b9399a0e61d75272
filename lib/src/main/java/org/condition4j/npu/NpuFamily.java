package org.condition4j.npu;

/**
 * The Ethos-U generations. Vela documents one set of operator constraints for the U55 and U65
 * (same compute engine) and another for the U85; the MAC count of a configuration does not change
 * what runs on the NPU.
 */
public enum NpuFamily {
    U55("Ethos-U55"),
    U65("Ethos-U65"),
    U85("Ethos-U85");

    private final String label;

    NpuFamily(String label) {
        this.label = label;
    }

    /** The family of a Vela accelerator configuration such as {@code ethos-u55-128}. */
    public static NpuFamily ofAccelerator(String accelerator) {
        for (NpuFamily f : values()) {
            if (accelerator != null && accelerator.toLowerCase(java.util.Locale.ROOT)
                    .startsWith("ethos-" + f.name().toLowerCase(java.util.Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + accelerator + "' is not an Ethos-U accelerator configuration; "
                + "expected e.g. ethos-u55-128, ethos-u65-256 or ethos-u85-256");
    }

    /** True for the U55 and U65, whose constraints Vela lists together. */
    boolean u55Rules() {
        return this != U85;
    }

    @Override
    public String toString() {
        return label;
    }
}
