package org.condition4j.notebooks;

import org.condition4j.workshop.Workshop;
import org.condition4j.workshop.Metrics;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.vela.OperatorCost;
import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaConfigurations;
import org.condition4j.vela.VelaLayer;
import org.condition4j.vela.VelaReport;
import org.condition4j.workshop.VelaSweep;
import org.condition4j.vela.VelaTarget;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 07_npu_layer_by_layer: Vela, run again here, splits the plain int8 model's cycles per layer so
 * that they add up to its total; the sweep covers every int8 model on every configuration of the
 * run parameter, each 100 % on the NPU with its {@code _vela.tflite} written; each deployment
 * target's figures and compiled file are in the model's metrics, equal to a fresh Vela run.
 */
final class NpuLayersCheck {
    private NpuLayersCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) throws Exception {
        Vela vela = Workshop.vela();
        Path plain = outputs.resolve("post_training_quant_model.tflite");
        VelaReport report = vela.compile(plain, VelaTarget.ETHOS_U55_128, outputs.resolve("vela/check-07"));
        long perLayer = report.layers().stream().mapToLong(VelaLayer::cycles).sum();
        assertEquals(report.totalCycles(), perLayer, 0.01 * report.totalCycles(), "per-layer cycles against the total");
        long perOperator = OperatorCost.of(report, TfliteModel.read(plain)).stream().mapToLong(OperatorCost::cycles).sum();
        assertEquals(perLayer, perOperator, "cost per operator loses cycles");

        List<VelaTarget> targets = VelaConfigurations.select(NotebookRunnerTest.SMALL_RUN.get("VELA_CONFIGURATIONS"));
        List<Path> int8 = VelaSweep.int8Models(outputs);
        Table sweep = Table.read().csv(outputs.resolve("vela/all_configurations.csv").toFile());
        assertEquals(int8.size() * targets.size(), sweep.rowCount(), "one sweep row per int8 model and target");
        for (Row row : sweep) {
            assertEquals(100.0, row.getNumber("NPU ops %"), row.getString("model") + " on " + row.getString("accelerator")
                    + " " + row.getString("system") + " " + row.getString("strategy") + " is not fully on the NPU");
        }
        for (VelaTarget t : targets) {
            for (Path model : int8) {
                String name = model.getFileName().toString().replace(".tflite", "_vela.tflite");
                assertTrue(Files.isRegularFile(outputs.resolve("vela").resolve(t.folderName()).resolve(name)),
                        "no " + name + " for " + t);
            }
        }
        for (VelaTarget t : VelaConfigurations.DEPLOYMENT_TARGETS) {
            if (!targets.contains(t)) {
                continue;
            }
            for (Path model : int8) {
                Metrics metrics = Metrics.read(Metrics.fileFor(model));
                String prefix = "vela." + t.accelerator() + ".";
                Object compiled = metrics.values().get(prefix + "compiled_model");
                assertTrue(compiled != null && Files.isRegularFile(outputs.resolve(compiled.toString())),
                        model.getFileName() + ": no compiled model recorded for " + t + " (" + compiled + ")");
                assertEquals(t.systemConfig(), metrics.values().get(prefix + "system_config"));
                if (model.equals(plain)) { // one fresh Vela run is enough to catch figures recorded from elsewhere
                    VelaReport fresh = vela.compile(model, t, outputs.resolve("vela/check-07"));
                    assertEquals(fresh.totalCycles(), metrics.number(prefix + "cycles").orElseThrow(),
                            model.getFileName() + ": recorded cycles on " + t);
                }
            }
        }
    }
}
