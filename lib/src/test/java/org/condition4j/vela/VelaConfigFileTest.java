package org.condition4j.vela;

import org.condition4j.workshop.Workshop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading a Vela configuration file as Vela reads it. The values Vela itself reports for the
 * installed vela.ini are checked in ModelCardsTest (--verbose-config and the summary CSV); here a
 * file written by the test, whose values it knows.
 */
class VelaConfigFileTest {
    @TempDir
    Path dir;

    private VelaConfigFile write(String text) throws IOException {
        return VelaConfigFile.read(Files.writeString(dir.resolve("test.ini"), text));
    }

    private static final String INI = """
            ; a comment
            [System_Config.Small]
            core_clock=400e6
            axi0_port=Sram
            axi1_port=Dram
            SRAM_CLOCK_SCALE=1.0
            Dram_clock_scale=0.25
            Dram_ports_used=2

            [Memory_Mode.Dedicated_Sram]
            const_mem_area=Axi1
            arena_mem_area=Axi1
            cache_mem_area=Axi0

            [Memory_Mode.Dedicated_Sram_128KB]
            inherit=Memory_Mode.Dedicated_Sram
            arena_cache_size=131072

            [Memory_Mode.Sram_Only]
            const_mem_area=Axi0
            arena_mem_area=Axi0
            cache_mem_area=Axi0
            """;

    @Test
    void keysAreCaseInsensitiveMissingOnesTakeVelasDefaultsAndInheritIsFollowed() throws IOException {
        VelaConfigFile ini = write(INI);
        VelaConfigFile.SystemConfig system = ini.system("Small");
        assertEquals(400e6, system.coreClockHz());
        assertEquals(new VelaConfigFile.Memory("Axi0", "Sram", 1.0, 1), system.axi0());
        assertEquals(new VelaConfigFile.Memory("Axi1", "Dram", 0.25, 2), system.axi1());
        assertEquals(100e6, system.axi1().clockHz(system.coreClockHz()));
        VelaConfigFile.MemoryMode limited = ini.memoryMode("Dedicated_Sram_128KB");
        assertEquals(List.of("Axi1", "Axi1", "Axi0"), List.of(limited.constPort(), limited.arenaPort(), limited.cachePort()));
        assertEquals(131_072L, limited.arenaCacheSize());
        assertNull(ini.memoryMode("Dedicated_Sram").arenaCacheSize());
    }

    @Test
    void placementFollowsTheMemoryMode() throws IOException {
        VelaConfigFile ini = write(INI);
        var dedicated = ini.setup(new VelaTarget("ethos-u65-256", "Small", "Dedicated_Sram_128KB")).placement();
        assertEquals(new VelaConfigFile.Placement("Dram", "Dram", "Sram", true, 131_072L), dedicated);
        // everything on the SRAM port: Vela moves the constants to the other port, as on-chip flash at SRAM speed
        var sramOnly = ini.setup(new VelaTarget("ethos-u65-256", "Small", "Sram_Only"));
        assertEquals(new VelaConfigFile.Placement("OnChipFlash", "Sram", "Sram", false, null), sramOnly.placement());
        assertEquals(new VelaConfigFile.Memory("Axi1", "OnChipFlash", 1.0, 1), sramOnly.system().axi1());
    }

    @Test
    void everyTargetOfTheSweepResolvesInTheInstalledVelaIni() {
        VelaConfigFile ini = Workshop.velaConfig();
        for (VelaTarget target : VelaConfigurations.all()) {
            var setup = ini.setup(target);
            assertTrue(setup.system().coreClockHz() > 0, target.toString());
            assertEquals(target.memoryMode().startsWith("Dedicated_Sram"), setup.placement().separateFastScratch(),
                    target.toString());
        }
    }

    @Test
    void anUnknownSectionOrAMissingKeyIsNamed() throws IOException {
        VelaConfigFile ini = write(INI);
        var unknown = assertThrows(IllegalArgumentException.class, () -> ini.system("Big"));
        assertTrue(unknown.getMessage().contains("[System_Config.Big]") && unknown.getMessage().contains("System_Config.Small"),
                unknown.getMessage());
        VelaConfigFile broken = write("[System_Config.NoClock]\naxi0_port=Sram\naxi1_port=Dram\n");
        var missing = assertThrows(IllegalArgumentException.class, () -> broken.system("NoClock"));
        assertTrue(missing.getMessage().contains("core_clock"), missing.getMessage());
        assertFalse(Files.exists(dir.resolve("none.ini")));
        assertThrows(java.io.UncheckedIOException.class, () -> VelaConfigFile.read(dir.resolve("none.ini")));
    }
}
