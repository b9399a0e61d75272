package org.condition4j.vela;

/**
 * What Vela compiles for: an accelerator configuration (NPU and MAC count), a system
 * configuration (clocks and memory speeds) and a memory mode (where tensors and weights live),
 * the last two named as in Vela's own {@code Arm/vela.ini}, and the optimisation strategy
 * (Vela's default, Performance, unless given).
 */
public record VelaTarget(String accelerator, String systemConfig, String memoryMode, Optimise optimise) {

    /** Vela's {@code --optimise} strategies: speed first, or memory first. */
    public enum Optimise { Performance, Size }

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
        if (!accelerator.matches("ethos-u[0-9]{2}-[0-9]+")) {
            throw new IllegalArgumentException("Invalid Vela accelerator '" + accelerator
                    + "'; expected e.g. ethos-u55-128 (see vela --help for the list)");
        }
        requireName("system configuration", systemConfig);
        requireName("memory mode", memoryMode);
        if (optimise == null) {
            throw new IllegalArgumentException("No Vela optimisation strategy given; use Optimise.Performance or Size");
        }
    }

    /** With Vela's default strategy, Performance. */
    public VelaTarget(String accelerator, String systemConfig, String memoryMode) {
        this(accelerator, systemConfig, memoryMode, Optimise.Performance);
    }

    /** The same target with another optimisation strategy. */
    public VelaTarget optimisedFor(Optimise strategy) {
        return new VelaTarget(accelerator, systemConfig, memoryMode, strategy);
    }

    /** MACs per cycle of the accelerator configuration: the number after the NPU, e.g. 128 for ethos-u55-128. */
    public int macsPerCycle() {
        return Integer.parseInt(accelerator.substring(accelerator.lastIndexOf('-') + 1));
    }

    /** A folder name for this target: accelerator, system configuration, memory mode and strategy. */
    public String folderName() {
        return accelerator + "_" + systemConfig + "_" + memoryMode + "_" + optimise;
    }

    private static void requireName(String what, String value) {
        if (value == null || !value.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("Invalid Vela " + what + ": '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return accelerator + " / " + systemConfig + " / " + memoryMode
                + (optimise == Optimise.Performance ? "" : " / " + optimise);
    }
}
