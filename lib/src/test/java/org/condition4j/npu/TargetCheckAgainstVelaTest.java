package org.condition4j.npu;

import org.condition4j.workshop.Workshop;
import org.condition4j.graph.Conv2D;
import org.condition4j.graph.DepthwiseConv2D;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Pool2D;
import org.condition4j.graph.Window;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaLayer;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The target check against Vela itself: every awkward network and the notebook networks are
 * exported to int8, compiled by the real Vela for an Ethos-U55 and an Ethos-U85, and the check's
 * NPU/CPU verdict for every op must equal where Vela placed it (the Target column of Vela's
 * per-layer table, keyed by the op's output tensor). The same compilations show that Vela's
 * per-layer cycles add up to its network total and, on the U55, that the check's MAC counts are
 * Vela's.
 */
class TargetCheckAgainstVelaTest {
    private static final List<VelaTarget> TARGETS = List.of(VelaTarget.ETHOS_U55_128, VelaTarget.ETHOS_U85_256);

    private static final Set<String> WEIGHTED = Set.of("Conv2D", "DepthwiseConv2D", "FullyConnected");

    @TempDir
    static Path dir;
    static Map<String, InferenceGraph> graphs = new LinkedHashMap<>();
    static Map<String, Path> files = new LinkedHashMap<>();
    /** Vela's report per network and target, compiled two at a time (each Vela run is a Python start-up). */
    static Map<String, VelaReport> reports = new ConcurrentHashMap<>();

    @BeforeAll
    static void exportAndCompile() throws Exception {
        Nd4j.getRandom().setSeed(11);
        for (Map.Entry<String, MultiLayerNetwork> e : AwkwardNetworks.all().entrySet()) {
            InferenceGraph graph = InferenceGraph.of(e.getValue());
            // placement depends on shapes and weights, not on activation ranges: random calibration will do
            DataSet sample = new DataSet(Nd4j.rand(8, graph.inputSize()), null);
            graphs.put(e.getKey(), graph);
            files.put(e.getKey(), TfliteExport.int8(PostTrainingQuantization.calibrate(graph, sample))
                    .writeTo(dir.resolve(e.getKey() + ".tflite")));
        }
        Vela vela = Workshop.vela();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (VelaTarget target : TARGETS) {
                for (String name : files.keySet()) {
                    runs.add(pool.submit(() -> reports.put(key(name, target),
                            vela.compile(files.get(name), target, dir.resolve(target.accelerator())))));
                }
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String key(String network, VelaTarget target) {
        return network + " on " + target.accelerator();
    }

    @TestFactory
    List<DynamicTest> verdictOfEveryOpEqualsVelasPlacement() {
        List<DynamicTest> tests = new ArrayList<>();
        for (VelaTarget target : TARGETS) {
            for (String name : graphs.keySet()) {
                tests.add(DynamicTest.dynamicTest(name + " on " + target.accelerator(), () -> compare(name, target)));
            }
        }
        return tests;
    }

    private static void compare(String name, VelaTarget target) {
        VelaReport vela = reports.get(key(name, target));
        TargetCheck check = TargetCheck.of(graphs.get(name), NpuFamily.ofAccelerator(target.accelerator()));
        Set<String> velaCpu = vela.layers().stream().filter(l -> !l.onNpu()).map(VelaLayer::tensor)
                .collect(Collectors.toSet());
        Set<String> velaNpu = vela.layers().stream().filter(VelaLayer::onNpu).map(VelaLayer::tensor)
                .collect(Collectors.toSet());
        for (LayerCheck layer : check.layers()) {
            String where = name + " on " + target.accelerator() + ", " + layer.operator() + " '" + layer.tensor() + "'";
            assertEquals(velaCpu.contains(layer.tensor()) ? Placement.CPU : Placement.NPU, layer.placement(),
                    where + ": check says " + layer.violations() + "; Vela's CPU operators: " + vela.cpuOperations());
            if (layer.onNpu() && !layer.operator().equals("RESHAPE")) { // Vela drops reshapes: no row of their own
                assertTrue(velaNpu.contains(layer.tensor()) || !velaCpu.contains(layer.tensor()), where);
            }
        }
        assertEquals(vela.cpuOperators(), check.cpuLayers().size(), name + ": CPU operator count, Vela: "
                + vela.cpuOperations() + ", check: " + check.cpuLayers());
        // the U55 counts each MAC once; Vela rewrites strides above 3, which changes its count
        if (target.accelerator().startsWith("ethos-u55") && !hasStrideAbove3(graphs.get(name))) {
            long velaMacs = vela.layers().stream().filter(l -> WEIGHTED.contains(l.sourceOperator()))
                    .mapToLong(VelaLayer::macs).sum();
            long checkMacs = check.layers().stream().filter(LayerCheck::onNpu).mapToLong(LayerCheck::macs).sum();
            assertEquals(velaMacs, checkMacs, name + ": MACs of the NPU's convolutions and dense layers");
        }
        long sum = vela.layers().stream().mapToLong(VelaLayer::cycles).sum();
        assertEquals(vela.totalCycles(), sum, 0.01 * vela.totalCycles(),
                name + " on " + target + ": per-layer cycles against the network total");
    }

    private static boolean hasStrideAbove3(InferenceGraph graph) {
        return graph.ops().stream().anyMatch(op -> {
            Window w = op instanceof Conv2D c ? c.window() : op instanceof DepthwiseConv2D d ? d.window()
                    : op instanceof Pool2D p ? p.window() : null;
            return w != null && Math.max(w.strideH(), w.strideW()) > 3;
        });
    }

    @Test
    void atLeastEightAwkwardNetworksAndBothVerdictsOnEachFamily() {
        assertTrue(graphs.size() - 2 >= 8, "awkward networks: " + graphs.keySet());
        for (VelaTarget target : TARGETS) {
            NpuFamily family = NpuFamily.ofAccelerator(target.accelerator());
            long cpu = graphs.values().stream().filter(g -> !TargetCheck.of(g, family).allOnNpu()).count();
            assertTrue(cpu >= 3 && cpu < graphs.size(), family + ": networks with a CPU op: " + cpu);
        }
    }
}
