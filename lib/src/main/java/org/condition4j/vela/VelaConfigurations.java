package org.condition4j.vela;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every accelerator configuration Vela 5.2.0 supports, each with every system configuration its
 * bundled {@code Arm/vela.ini} ships for that NPU, in every memory mode Vela accepts for that
 * system, and both optimisation strategies: 332 targets.
 *
 * <p>vela.ini's memory modes say where the arena (activations) and the constants (weights) live:
 * {@code Sram_Only} everything in the SRAM; {@code Shared_Sram} the arena in an SRAM shared with the
 * CPU, the weights in the second memory; {@code Dedicated_Sram} both in the second memory with
 * the SRAM as the NPU's own cache (unlimited, or 256/384/512 KB). Vela refuses a Dedicated_Sram
 * mode when the second memory is flash ("arena_mem_area=OffChipFlash (must be Sram or Dram)"):
 * flash is read-only, so those modes exist only for the DRAM systems.
 */
public final class VelaConfigurations {
    /** The eleven accelerator configurations of {@code vela --accelerator-config}. */
    public static final List<String> ACCELERATORS = List.of("ethos-u55-32", "ethos-u55-64", "ethos-u55-128",
            "ethos-u55-256", "ethos-u65-256", "ethos-u65-512", "ethos-u85-128", "ethos-u85-256", "ethos-u85-512",
            "ethos-u85-1024", "ethos-u85-2048");

    /** Memory modes of vela.ini that every system takes. */
    public static final List<String> ANY_SYSTEM_MODES = List.of("Sram_Only", "Shared_Sram");
    /** Memory modes of vela.ini that need a writable memory (DRAM) behind the SRAM. */
    public static final List<String> DRAM_SYSTEM_MODES =
            List.of("Dedicated_Sram", "Dedicated_Sram_256KB", "Dedicated_Sram_384KB", "Dedicated_Sram_512KB");

    /** A system configuration of vela.ini, and whether DRAM (not flash) is behind its SRAM. */
    private record SystemConfig(String name, boolean dram) {}

    /** vela.ini's system configurations per NPU generation. */
    private static final Map<String, List<SystemConfig>> SYSTEMS = Map.of(
            "ethos-u55", List.of(
                    new SystemConfig("Ethos_U55_Deep_Embedded", false),
                    new SystemConfig("Ethos_U55_High_End_Embedded", false)),
            "ethos-u65", List.of(
                    new SystemConfig("Ethos_U65_Embedded", false),
                    new SystemConfig("Ethos_U65_Mid_End", true),
                    new SystemConfig("Ethos_U65_High_End", true),
                    new SystemConfig("Ethos_U65_Client_Server", true)),
            "ethos-u85", List.of(
                    new SystemConfig("Ethos_U85_SYS_Flash_Low", false),
                    new SystemConfig("Ethos_U85_SYS_Flash_High", false),
                    new SystemConfig("Ethos_U85_SYS_DRAM_Low", true),
                    new SystemConfig("Ethos_U85_SYS_DRAM_Mid", true),
                    new SystemConfig("Ethos_U85_SYS_DRAM_High", true)));

    /**
     * Two targets for quick runs (tests): both generations' rule sets, both strategies, two memory
     * modes, the U85 one a deployment preset.
     */
    private static final List<VelaTarget> SMALL = List.of(
            new VelaTarget("ethos-u55-64", "Ethos_U55_High_End_Embedded", "Sram_Only", VelaTarget.Optimise.Size),
            VelaTarget.ETHOS_U85_256);

    /** The targets a deployment is recorded for: one per NPU generation. */
    public static final List<VelaTarget> DEPLOYMENT_TARGETS =
            List.of(VelaTarget.ETHOS_U55_128, VelaTarget.ETHOS_U65_256, VelaTarget.ETHOS_U85_256);

    private VelaConfigurations() {}

    /** All 332 targets, by accelerator, system configuration, memory mode, then strategy. */
    public static List<VelaTarget> all() {
        List<VelaTarget> targets = new ArrayList<>();
        for (String accelerator : ACCELERATORS) {
            for (SystemConfig system : SYSTEMS.get(accelerator.substring(0, accelerator.lastIndexOf('-')))) {
                List<String> modes = new ArrayList<>(ANY_SYSTEM_MODES);
                if (system.dram()) {
                    modes.addAll(DRAM_SYSTEM_MODES);
                }
                for (String mode : modes) {
                    for (VelaTarget.Optimise strategy : VelaTarget.Optimise.values()) {
                        targets.add(new VelaTarget(accelerator, system.name(), mode, strategy));
                    }
                }
            }
        }
        return List.copyOf(targets);
    }

    /**
     * The targets a run parameter names: {@code all}, {@code small} (two, for tests) or a comma
     * list of accelerator configurations (each with all its systems, memory modes and strategies).
     */
    public static List<VelaTarget> select(String spec) {
        String s = spec == null ? "all" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("all")) {
            return all();
        }
        if (s.equals("small")) {
            return SMALL;
        }
        List<VelaTarget> selected = new ArrayList<>();
        for (String accelerator : s.split(",")) {
            String a = accelerator.trim();
            if (!ACCELERATORS.contains(a)) {
                throw new IllegalArgumentException("VELA_CONFIGURATIONS: '" + a + "' is not an accelerator "
                        + "configuration; use all, small, or a comma list of " + ACCELERATORS);
            }
            all().stream().filter(t -> t.accelerator().equals(a)).forEach(selected::add);
        }
        return List.copyOf(selected);
    }

    /** The selection named by the environment variable {@code VELA_CONFIGURATIONS} (default: all). */
    public static List<VelaTarget> fromEnvironment() {
        return select(System.getenv("VELA_CONFIGURATIONS"));
    }
}
