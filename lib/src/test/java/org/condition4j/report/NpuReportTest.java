package org.condition4j.report;

import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory-mode table of a sweep, on reports with known figures. */
class NpuReportTest {
    private static final VelaTarget.Optimise PERFORMANCE = VelaTarget.Optimise.Performance;

    /** A report of {@code model} on {@code target} taking {@code micros} µs, memory bound or not. */
    private static VelaReport report(String model, VelaTarget target, double micros, boolean memoryBound) {
        long npuCycles = 1000;
        return new VelaReport(model, target, 5, 0, List.of(), 50, 10, 0, 100, 80, 1200, npuCycles,
                micros / 1000, 1_000_000, memoryBound ? npuCycles + 1 : npuCycles - 1, Path.of(model + "_vela.tflite"),
                List.of());
    }

    @Test
    void memoryModesSitSideBySidePerAcceleratorAndSystem() {
        String flash = "Ethos_U85_SYS_Flash_High";
        String dram = "Ethos_U85_SYS_DRAM_Mid";
        List<VelaReport> sweep = List.of(
                report("m", new VelaTarget("ethos-u85-256", flash, "Sram_Only"), 30, false),
                report("m", new VelaTarget("ethos-u85-256", flash, "Shared_Sram"), 105, true),
                report("m", new VelaTarget("ethos-u85-256", flash, "Shared_Sram", VelaTarget.Optimise.Size), 1, false),
                report("other", new VelaTarget("ethos-u85-256", flash, "Sram_Only"), 2, false),
                report("m", new VelaTarget("ethos-u85-256", dram, "Sram_Only"), 20, false),
                report("m", new VelaTarget("ethos-u85-256", dram, "Shared_Sram"), 19, false),
                report("m", new VelaTarget("ethos-u85-256", dram, "Dedicated_Sram"), 21, true),
                report("m", new VelaTarget("ethos-u85-512", flash, "Shared_Sram"), 104, true));
        Table t = NpuReport.memoryModes(sweep, "m");
        assertEquals(List.of("accelerator", "system", "Sram_Only ms", "Shared_Sram ms", "Dedicated_Sram ms", "fastest",
                "memory bound in"), t.columnNames());
        assertEquals(3, t.rowCount()); // the Size run and the other model are not in it
        assertEquals(List.of("ethos-u85-256", "ethos-u85-256", "ethos-u85-512"), t.stringColumn("accelerator").asList());
        assertEquals(List.of(flash, dram, flash), t.stringColumn("system").asList());
        assertEquals(0.030, t.doubleColumn("Sram_Only ms").get(0), 1e-12);
        assertEquals(0.105, t.doubleColumn("Shared_Sram ms").get(0), 1e-12);
        assertTrue(t.doubleColumn("Dedicated_Sram ms").isMissing(0), "flash has no dedicated mode: blank, not 0");
        assertEquals(0.021, t.doubleColumn("Dedicated_Sram ms").get(1), 1e-12);
        assertTrue(t.doubleColumn("Sram_Only ms").isMissing(2));
        assertEquals(0.104, t.doubleColumn("Shared_Sram ms").get(2), 1e-12);
        String cells = Tables.html(t).replaceAll("\\s+", "");
        assertTrue(cells.contains("<td>ethos-u85-256</td><td>" + flash + "</td><td>0.0300</td><td>0.105</td><td></td>"), cells);
        assertEquals(List.of("Sram_Only", "Shared_Sram", "Shared_Sram"), t.stringColumn("fastest").asList());
        assertEquals(List.of("Shared_Sram", "Dedicated_Sram", "Shared_Sram"), t.stringColumn("memory bound in").asList());
        assertThrows(IllegalArgumentException.class, () -> NpuReport.memoryModes(sweep, "absent"));
    }

    @Test
    void eachChartCurveIsOneSystemInOneMemoryModeByMacs() {
        String flash = "Ethos_U85_SYS_Flash_High";
        List<VelaReport> sweep = List.of(
                report("m", new VelaTarget("ethos-u85-512", flash, "Shared_Sram"), 114, true),
                report("m", new VelaTarget("ethos-u85-256", flash, "Shared_Sram"), 170, false),
                report("m", new VelaTarget("ethos-u85-256", flash, "Sram_Only"), 129, false),
                report("m", new VelaTarget("ethos-u85-256", flash, "Shared_Sram", VelaTarget.Optimise.Size), 1, false),
                report("m", new VelaTarget("ethos-u85-256", "Ethos_U85_SYS_DRAM_Mid", "Sram_Only"), 65, false),
                report("other", new VelaTarget("ethos-u85-256", flash, "Shared_Sram"), 2, false));
        var curves = NpuReport.chartCurves(sweep, "m");
        // the DRAM system is charted in Dedicated_Sram only: its Sram_Only run is in no curve
        assertEquals(List.of("U85 flash", "U85 SRAM"), List.copyOf(curves.keySet()));
        assertEquals(List.of(170.0, 114.0), curves.get("U85 flash").stream().map(r -> 1000 * r.inferenceMillis()).toList());
        assertEquals(List.of(129.0), curves.get("U85 SRAM").stream().map(r -> 1000 * r.inferenceMillis()).toList());
        assertThrows(IllegalArgumentException.class, () -> NpuReport.chartCurves(sweep, "absent"));
    }
}
