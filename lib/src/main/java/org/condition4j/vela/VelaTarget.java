package org.condition4j.vela;

/**
 * What Vela compiles for: an accelerator configuration (NPU and MAC count), a system
 * configuration (clocks and memory speeds) and a memory mode (where tensors and weights live),
 * the last two named as in Vela's own {@code Arm/vela.ini}.
 */
public record VelaTarget(String accelerator, String systemConfig, String memoryMode) {

    /** Ethos-U55 with 128 MACs, SRAM shared between NPU and CPU, weights in flash: Vela's usual default. */
    public static final VelaTarget ETHOS_U55_128 =
            new VelaTarget("ethos-u55-128", "Ethos_U55_High_End_Embedded", "Shared_Sram");
    /** Ethos-U65 with 256 MACs, a dedicated SRAM cache in front of DRAM. */
    public static final VelaTarget ETHOS_U65_256 =
            new VelaTarget("ethos-u65-256", "Ethos_U65_High_End", "Dedicated_Sram");
    /** Ethos-U85 with 256 MACs, a dedicated SRAM cache in front of DRAM. */
    public static final VelaTarget ETHOS_U85_256 =
            new VelaTarget("ethos-u85-256", "Ethos_U85_SYS_DRAM_Mid", "Dedicated_Sram");

    public VelaTarget {
        requireName("accelerator", accelerator);
        requireName("system configuration", systemConfig);
        requireName("memory mode", memoryMode);
    }

    private static void requireName(String what, String value) {
        if (value == null || !value.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("Invalid Vela " + what + ": '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return accelerator + " / " + systemConfig + " / " + memoryMode;
    }
}
