package org.condition4j.vela;

import org.condition4j.workshop.VelaSweep;
import org.condition4j.workshop.ProjectDirs;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.workshop.Metrics;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vela's per-layer table, the cost per operator built from it, the configurations swept, deployment records. */
class VelaLayersTest {
    @TempDir
    static Path dir;
    static Path models;
    static Path seed;
    /** The seed CNN on an Ethos-U55 deployment target and an Ethos-U85 optimised for size. */
    static List<VelaReport> reports;

    @BeforeAll
    static void exportAndCompile() throws IOException {
        models = Files.createDirectories(dir.resolve("models"));
        seed = TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(TestNetworks.seedCnn()),
                TestNetworks.mnist().trainSample(100))).writeTo(models.resolve("seed_model.tflite"));
        reports = VelaSweep.run(models, List.of(VelaTarget.ETHOS_U55_128,
                VelaTarget.ETHOS_U85_256.optimisedFor(VelaTarget.Optimise.Size)));
    }

    @Test
    void costPerOperatorAddsUpToVelasNetworkTotal() {
        for (VelaReport report : reports) {
            VelaTarget target = report.target();
            TfliteModel model = TfliteModel.read(seed);
            List<OperatorCost> costs = OperatorCost.of(report, model);
            assertEquals(model.operators().size(), costs.size());
            long cycles = costs.stream().mapToLong(OperatorCost::cycles).sum();
            assertEquals(report.totalCycles(), cycles, 0.01 * report.totalCycles(), target + ": cycles per operator");
            assertEquals(1.0, costs.stream().mapToDouble(OperatorCost::share).sum(), 0.01);
            assertEquals(report.macs(), costs.stream().mapToLong(OperatorCost::macs).sum(), target + ": MACs");
            for (OperatorCost c : costs) {
                if (!c.operator().equals("RESHAPE")) {
                    assertTrue(c.cycles() > 0 && c.placement().equals("NPU"), c.toString());
                }
                assertTrue(c.macUtilisation() >= 0 && c.macUtilisation() <= 1, c.toString());
            }
            // conv2 (28x28x32 outputs, 3x3x32 each) does 7.2 M of the seed CNN's 9.3 M MACs: the most cycles
            OperatorCost heaviest = costs.stream().max(java.util.Comparator.comparingLong(OperatorCost::cycles)).orElseThrow();
            assertEquals("conv2", heaviest.tensor(), costs.toString());
        }
    }

    @Test
    void sweptConfigurationsAreVelasOwn() throws Exception {
        List<VelaTarget> all = VelaConfigurations.all();
        assertEquals(82, all.size());
        assertEquals(11, all.stream().map(VelaTarget::accelerator).distinct().count());
        assertEquals(VelaConfigurations.ACCELERATORS, List.copyOf(all.stream().map(VelaTarget::accelerator)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new))));
        // every system configuration and memory mode named is one Vela's bundled vela.ini defines
        Process p = new ProcessBuilder(ProjectDirs.root().resolve("env/bin/vela").toString(), "--list-configs",
                "Arm/vela.ini").redirectErrorStream(true).start();
        String listed = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        for (VelaTarget t : all) {
            assertTrue(listed.contains("System_Config." + t.systemConfig() + "\n"), t.systemConfig());
            assertTrue(listed.contains("Memory_Mode." + t.memoryMode() + "\n"), t.memoryMode());
            assertTrue(t.systemConfig().toLowerCase().startsWith(t.accelerator().substring(0, 9).replace('-', '_')),
                    t + ": system of another NPU generation");
        }
        assertTrue(all.containsAll(VelaConfigurations.DEPLOYMENT_TARGETS));
        assertEquals(2, VelaConfigurations.select("small").size());
        assertEquals(10, VelaConfigurations.select("ethos-u85-512").size());
        assertThrows(IllegalArgumentException.class, () -> VelaConfigurations.select("ethos-u99-1"));
    }

    @Test
    void deploymentIsRecordedBesideTheModel() {
        assertEquals(2, reports.size());
        // only the U55 report is a deployment target; the U85 one is optimised for size
        List<VelaReport> recorded = VelaSweep.recordDeployments(models, reports, VelaConfigurations.DEPLOYMENT_TARGETS);
        assertEquals(List.of(reports.get(0)), recorded);
        Metrics metrics = Metrics.read(Metrics.fileFor(seed));
        Object compiled = metrics.values().get("vela.ethos-u55-128.compiled_model");
        assertTrue(Files.isRegularFile(models.resolve(compiled.toString())), "no " + compiled);
        assertEquals("vela/ethos-u55-128_Ethos_U55_High_End_Embedded_Shared_Sram_Performance/seed_model_vela.tflite",
                compiled.toString());
        assertEquals(reports.get(0).inferenceMillis(), metrics.number("vela.ethos-u55-128.inference_ms").orElseThrow());
        assertEquals(reports.get(0).totalCycles(), metrics.number("vela.ethos-u55-128.cycles").orElseThrow());
        assertTrue(metrics.values().keySet().stream().noneMatch(k -> k.startsWith("vela.ethos-u85")), "Size run recorded");
        assertTrue(Files.isRegularFile(models.resolve("vela/ethos-u85-256_Ethos_U85_SYS_DRAM_Mid_Dedicated_Sram_Size/seed_model_vela.tflite")));
        assertEquals(List.of("Performance", "Size"), reports.stream().map(r -> r.target().optimise().name()).toList());
    }
}
