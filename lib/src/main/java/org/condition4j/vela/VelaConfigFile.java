package org.condition4j.vela;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Vela's configuration file ({@code Arm/vela.ini} in the installed package, see
 * {@link Vela#configFile()}): its system configurations (NPU clock, the memory on each of the two
 * AXI ports and its clock) and memory modes (which port holds the read-only constants, the tensor
 * arena and the fast cache), read as Vela reads them: keys case-insensitive, {@code inherit=}
 * followed, a missing clock scale or port count taken as Vela's default of 1.
 */
public final class VelaConfigFile {
    private final Path path;
    private final Map<String, Map<String, String>> sections;

    private VelaConfigFile(Path path, Map<String, Map<String, String>> sections) {
        this.path = path;
        this.sections = sections;
    }

    /** One memory of a system: the AXI port it is on, its kind, its clock as a share of the NPU's, and ports used. */
    public record Memory(String port, String kind, double clockScale, int portsUsed) {
        /** The memory's clock: the NPU clock times the clock scale. */
        public double clockHz(double coreClockHz) {
            return coreClockHz * clockScale;
        }
    }

    /** A system configuration: the NPU clock and the memories on AXI0 and AXI1. */
    public record SystemConfig(String name, double coreClockHz, Memory axi0, Memory axi1) {
        /** The memory on {@code port} ("Axi0" or "Axi1"). */
        public Memory on(String port) {
            return port.equalsIgnoreCase("Axi0") ? axi0 : axi1;
        }
    }

    /**
     * A memory mode: the AXI port of the read-only constants (weights, command stream), of the
     * tensor arena (activations, input, output) and of the cache, and the cache's size in bytes
     * where the mode limits it (null: Vela's default, no limit of its own).
     */
    public record MemoryMode(String name, String constPort, String arenaPort, String cachePort, Long arenaCacheSize) {
        /**
         * Whether the arena lives outside the SRAM with the SRAM as its fast cache (Vela's
         * "spilling": Dedicated_Sram modes), so that the compiled model has a fast scratch area of
         * its own beside the arena.
         */
        public boolean separateFastScratch(SystemConfig system) {
            return system.on(cachePort).kind().equals("Sram") && !cachePort.equalsIgnoreCase(arenaPort);
        }
    }

    /**
     * Where a memory mode puts things on a system, by memory kind ("Sram", "Dram", "OffChipFlash",
     * "OnChipFlash"): the read-only constants, the tensor arena and the fast scratch (the arena
     * itself unless {@link MemoryMode#separateFastScratch}).
     */
    public record Placement(String constants, String arena, String fastScratch, boolean separateFastScratch,
                            Long fastScratchLimitBytes) {}

    /** Reads {@code ini}; an error naming the file if it cannot be read. */
    public static VelaConfigFile read(Path ini) {
        String text;
        try {
            text = Files.readString(ini);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Vela's configuration file " + ini + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(),
                        k -> new LinkedHashMap<>());
            } else if (current != null && line.contains("=")) {
                int eq = line.indexOf('=');
                current.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
            }
        }
        return new VelaConfigFile(ini, sections);
    }

    public Path path() {
        return path;
    }

    /** The system configuration {@code name}, e.g. Ethos_U55_High_End_Embedded. */
    public SystemConfig system(String name) {
        String section = section("System_Config.", name);
        double clock = Double.parseDouble(require(section, "core_clock"));
        return new SystemConfig(name, clock, memory(section, "Axi0"), memory(section, "Axi1"));
    }

    /** The memory mode {@code name}, e.g. Shared_Sram. */
    public MemoryMode memoryMode(String name) {
        String section = section("Memory_Mode.", name);
        String size = value(section, "arena_cache_size");
        return new MemoryMode(name, require(section, "const_mem_area"), require(section, "arena_mem_area"),
                require(section, "cache_mem_area"), size == null ? null : (long) Double.parseDouble(size));
    }

    /**
     * The system and memory mode of {@code target} as Vela compiles for them. With the constants,
     * the arena and the cache all on one SRAM port (Sram_Only), Vela moves the constants to the
     * other port and models that port as on-chip flash with the SRAM's clock and ports.
     */
    public Setup setup(VelaTarget target) {
        SystemConfig system = system(target.systemConfig());
        MemoryMode mode = memoryMode(target.memoryMode());
        boolean onePort = mode.constPort().equalsIgnoreCase(mode.arenaPort())
                && mode.arenaPort().equalsIgnoreCase(mode.cachePort());
        if (onePort && system.on(mode.constPort()).kind().equals("Sram")) {
            Memory sram = system.on(mode.constPort());
            String other = sram.port().equals("Axi0") ? "Axi1" : "Axi0";
            Memory flash = new Memory(other, "OnChipFlash", sram.clockScale(), sram.portsUsed());
            system = new SystemConfig(system.name(), system.coreClockHz(), other.equals("Axi0") ? flash : system.axi0(),
                    other.equals("Axi1") ? flash : system.axi1());
            mode = new MemoryMode(mode.name(), other, mode.arenaPort(), mode.cachePort(), mode.arenaCacheSize());
        }
        return new Setup(system, mode);
    }

    /** A system configuration and memory mode as Vela compiles for them ({@link #setup}). */
    public record Setup(SystemConfig system, MemoryMode mode) {
        /** Where the constants, the arena and the fast scratch live. */
        public Placement placement() {
            boolean separate = mode.separateFastScratch(system);
            return new Placement(system.on(mode.constPort()).kind(), system.on(mode.arenaPort()).kind(),
                    system.on(separate ? mode.cachePort() : mode.arenaPort()).kind(), separate,
                    separate ? mode.arenaCacheSize() : null);
        }
    }

    private Memory memory(String section, String port) {
        String kind = require(section, port.toLowerCase(Locale.ROOT) + "_port");
        String scale = value(section, kind.toLowerCase(Locale.ROOT) + "_clock_scale");
        String ports = value(section, kind.toLowerCase(Locale.ROOT) + "_ports_used");
        return new Memory(port, kind, scale == null ? 1.0 : Double.parseDouble(scale),
                ports == null ? 1 : Math.max(1, Integer.parseInt(ports)));
    }

    private String section(String prefix, String name) {
        String section = prefix + name;
        if (!sections.containsKey(section)) {
            throw new IllegalArgumentException("Vela's configuration file " + path + " has no section [" + section
                    + "]; its sections: " + sections.keySet());
        }
        return section;
    }

    /** A key's value in {@code section} or, failing that, in the section it inherits from; null if none has it. */
    private String value(String section, String key) {
        for (int depth = 0; section != null && depth < 16; depth++) {
            Map<String, String> values = sections.get(section);
            if (values == null) {
                return null;
            }
            if (values.containsKey(key)) {
                return values.get(key);
            }
            section = values.get("inherit");
        }
        return null;
    }

    private String require(String section, String key) {
        String value = value(section, key);
        if (value == null) {
            throw new IllegalArgumentException("[" + section + "] in " + path + " has no " + key);
        }
        return value;
    }
}
