package org.condition4j.vela;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every accelerator configuration Vela 5.2.0 supports, each with the system configurations its
 * bundled {@code Arm/vela.ini} ships for that NPU, in the memory mode the system is made for
 * (Shared_Sram when the other memory is flash, which the NPU only reads; Dedicated_Sram when it is
 * DRAM), and both optimisation strategies: 82 targets. Vela's remaining memory modes (Sram_Only and
 * Dedicated_Sram with a fixed 256/384/512 KB cache) are variations of these two and not swept.
 */
public final class VelaConfigurations {
    /** The eleven accelerator configurations of {@code vela --accelerator-config}. */
    public static final List<String> ACCELERATORS = List.of("ethos-u55-32", "ethos-u55-64", "ethos-u55-128",
            "ethos-u55-256", "ethos-u65-256", "ethos-u65-512", "ethos-u85-128", "ethos-u85-256", "ethos-u85-512",
            "ethos-u85-1024", "ethos-u85-2048");

    /** System configuration -> memory mode, per NPU generation, as vela.ini describes the systems. */
    private static final Map<String, List<String[]>> SYSTEMS = Map.of(
            "ethos-u55", List.of(
                    new String[] {"Ethos_U55_Deep_Embedded", "Shared_Sram"},
                    new String[] {"Ethos_U55_High_End_Embedded", "Shared_Sram"}),
            "ethos-u65", List.of(
                    new String[] {"Ethos_U65_Embedded", "Shared_Sram"},
                    new String[] {"Ethos_U65_Mid_End", "Dedicated_Sram"},
                    new String[] {"Ethos_U65_High_End", "Dedicated_Sram"},
                    new String[] {"Ethos_U65_Client_Server", "Dedicated_Sram"}),
            "ethos-u85", List.of(
                    new String[] {"Ethos_U85_SYS_Flash_Low", "Shared_Sram"},
                    new String[] {"Ethos_U85_SYS_Flash_High", "Shared_Sram"},
                    new String[] {"Ethos_U85_SYS_DRAM_Low", "Dedicated_Sram"},
                    new String[] {"Ethos_U85_SYS_DRAM_Mid", "Dedicated_Sram"},
                    new String[] {"Ethos_U85_SYS_DRAM_High", "Dedicated_Sram"}));

    /** Two targets for quick runs (tests): both generations' rule sets and both strategies, the U85 one a deployment preset. */
    private static final List<VelaTarget> SMALL = List.of(
            new VelaTarget("ethos-u55-64", "Ethos_U55_High_End_Embedded", "Shared_Sram", VelaTarget.Optimise.Size),
            VelaTarget.ETHOS_U85_256);

    /** The targets a deployment is recorded for: one per NPU generation. */
    public static final List<VelaTarget> DEPLOYMENT_TARGETS =
            List.of(VelaTarget.ETHOS_U55_128, VelaTarget.ETHOS_U65_256, VelaTarget.ETHOS_U85_256);

    private VelaConfigurations() {}

    /** All 82 targets, by accelerator, system configuration, then strategy. */
    public static List<VelaTarget> all() {
        List<VelaTarget> targets = new ArrayList<>();
        for (String accelerator : ACCELERATORS) {
            for (String[] system : SYSTEMS.get(accelerator.substring(0, accelerator.lastIndexOf('-')))) {
                for (VelaTarget.Optimise strategy : VelaTarget.Optimise.values()) {
                    targets.add(new VelaTarget(accelerator, system[0], system[1], strategy));
                }
            }
        }
        return List.copyOf(targets);
    }

    /**
     * The targets a run parameter names: {@code all}, {@code small} (two, for tests) or a comma
     * list of accelerator configurations (each with all its systems and strategies).
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
