package org.condition4j.vela;

import org.condition4j.workshop.VelaSweep;
import org.condition4j.workshop.Workshop;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    void sweptConfigurationsAreEverySystemAndMemoryModeVelaShips() throws Exception {
        List<VelaTarget> all = VelaConfigurations.all();
        // per generation: systems x modes, flash systems 2 modes, DRAM systems 6; x accelerators x 2 strategies
        // U55 4 x (2 x 2) = 16, U65 2 x (2 + 3 x 6) = 40, U85 5 x (2 x 2 + 3 x 6) = 110: 166 x 2
        assertEquals(332, all.size());
        assertEquals(all.size(), Set.copyOf(all).size(), "a target listed twice");
        assertEquals(VelaConfigurations.ACCELERATORS, List.copyOf(all.stream().map(VelaTarget::accelerator)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new))));
        // exactly the system configurations and memory modes Vela's bundled vela.ini defines
        Process p = new ProcessBuilder(ProjectDirs.root().resolve("env/bin/vela").toString(), "--list-configs",
                "Arm/vela.ini").redirectErrorStream(true).start();
        String listed = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertEquals(sections(listed, "System_Config."), all.stream().map(VelaTarget::systemConfig).collect(Collectors.toSet()));
        assertEquals(sections(listed, "Memory_Mode."), all.stream().map(VelaTarget::memoryMode).collect(Collectors.toSet()));
        for (VelaTarget t : all) {
            assertTrue(t.systemConfig().toLowerCase().startsWith(t.accelerator().substring(0, 9).replace('-', '_')),
                    t + ": system of another NPU generation");
        }
        assertTrue(all.containsAll(VelaConfigurations.DEPLOYMENT_TARGETS));
        assertTrue(all.containsAll(VelaConfigurations.select("small")));
        assertEquals(2, VelaConfigurations.select("small").size());
        assertEquals(2 * (2 * 2 + 3 * 6), VelaConfigurations.select("ethos-u85-512").size());
        assertThrows(IllegalArgumentException.class, () -> VelaConfigurations.select("ethos-u99-1"));
    }

    private static Set<String> sections(String listed, String prefix) {
        return listed.lines().map(String::trim).filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .collect(Collectors.toSet());
    }

    @Test
    void velaAcceptsEveryAcceleratorSystemMemoryModeAndStrategySwept() throws IOException {
        List<VelaTarget> all = VelaConfigurations.all();
        List<VelaTarget> sample = sampleNamingEveryPart(all);
        for (java.util.function.Function<VelaTarget, Object> part : List.<java.util.function.Function<VelaTarget, Object>>of(
                VelaTarget::accelerator, VelaTarget::systemConfig, VelaTarget::memoryMode, VelaTarget::optimise)) {
            assertEquals(all.stream().map(part).collect(Collectors.toSet()), sample.stream().map(part).collect(Collectors.toSet()));
        }
        Path sampleModels = Files.createDirectories(dir.resolve("sample"));
        Files.copy(seed, sampleModels.resolve(seed.getFileName()));
        for (VelaReport r : VelaSweep.run(sampleModels, sample)) {
            assertEquals(100.0, r.npuOperatorPercent(), r.target() + ": " + r.cpuOperations());
            assertTrue(Files.isRegularFile(r.compiledModel()) && r.totalCycles() > 0, r.target().toString());
        }
        // the memory mode reaches Vela: with everything in SRAM no weight is read from the off-chip flash
        VelaReport shared = reports.get(0);
        assertEquals("Shared_Sram", shared.target().memoryMode());
        VelaTarget sramOnly = new VelaTarget(shared.target().accelerator(), shared.target().systemConfig(), "Sram_Only");
        assertTrue(all.contains(sramOnly));
        assertTrue(shared.offChipFlashKiB() > 0, shared.toString());
        assertEquals(0.0, Workshop.vela().compile(seed, sramOnly, dir.resolve("sram-only")).offChipFlashKiB());
    }

    /**
     * 13 of the targets, together naming every accelerator, system configuration, memory mode and
     * strategy: per generation its accelerators and systems paired round-robin, each pair in the
     * memory mode sampled least so far, the strategies alternating.
     */
    private static List<VelaTarget> sampleNamingEveryPart(List<VelaTarget> all) {
        List<VelaTarget> sample = new ArrayList<>();
        Map<String, Integer> modeUses = new HashMap<>();
        for (String generation : List.of("ethos-u55", "ethos-u65", "ethos-u85")) {
            List<VelaTarget> own = all.stream().filter(t -> t.accelerator().startsWith(generation)).toList();
            List<String> accelerators = own.stream().map(VelaTarget::accelerator).distinct().toList();
            List<String> systems = own.stream().map(VelaTarget::systemConfig).distinct().toList();
            for (int i = 0; i < Math.max(accelerators.size(), systems.size()); i++) {
                String accelerator = accelerators.get(i % accelerators.size());
                String system = systems.get(i % systems.size());
                VelaTarget.Optimise strategy = VelaTarget.Optimise.values()[sample.size() % 2];
                VelaTarget pick = own.stream().filter(t -> t.accelerator().equals(accelerator)
                                && t.systemConfig().equals(system) && t.optimise() == strategy)
                        .min(java.util.Comparator.comparingInt(t -> modeUses.getOrDefault(t.memoryMode(), 0)))
                        .orElseThrow();
                modeUses.merge(pick.memoryMode(), 1, Integer::sum);
                sample.add(pick);
            }
        }
        return sample;
    }

    @Test
    void velaRefusesADedicatedSramModeOnAFlashSystemWhichIsWhyNoneIsSwept() {
        List<VelaTarget> all = VelaConfigurations.all();
        List<String> flashSystems = all.stream().filter(t -> t.memoryMode().equals("Shared_Sram"))
                .map(t -> t.accelerator().substring(0, 9) + " " + t.systemConfig()).distinct()
                .filter(s -> all.stream().noneMatch(t -> t.systemConfig().equals(s.split(" ")[1])
                        && t.memoryMode().startsWith("Dedicated_Sram")))
                .toList();
        assertEquals(5, flashSystems.size(), flashSystems.toString()); // U55 x 2, U65 x 1, U85 x 2
        List<String> dedicated = VelaConfigurations.DRAM_SYSTEM_MODES;
        for (int i = 0; i < flashSystems.size(); i++) {
            String[] system = flashSystems.get(i).split(" ");
            VelaTarget refused = new VelaTarget(system[0] + (system[0].endsWith("u55") ? "-128" : "-256"), system[1],
                    dedicated.get(i % dedicated.size()));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Workshop.vela().compile(seed, refused, dir.resolve("refused")));
            assertTrue(e.getMessage().contains("arena_mem_area"), e.getMessage());
        }
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
