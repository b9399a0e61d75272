package org.condition4j.notebooks;

import org.condition4j.workshop.Workshop;
import org.condition4j.runtime.LiteRtCrossCheck;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 06_ethos_u: its comparison tables cover every model the notebooks wrote, every int8 model runs
 * 100 % on the NPU on all three configurations, pruning and clustering shrink Vela's encoded
 * weights, and current LiteRT runs every .tflite (a float one to float32 rounding of the Java interpreter).
 */
final class EthosUCheck {
    private static final List<String> CONFIGURATIONS = List.of("ethos-u55-128", "ethos-u65-256", "ethos-u85-256");

    private EthosUCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) throws IOException {
        List<Path> models;
        try (Stream<Path> files = Files.list(outputs)) {
            models = files.filter(f -> f.toString().endsWith(".tflite")).sorted().toList();
        }
        assertTrue(models.size() >= 2, "expected the float and int8 models in " + outputs + ", found " + models);
        for (String configuration : CONFIGURATIONS) {
            Path csv = outputs.resolve("vela").resolve("comparison_" + configuration + ".csv");
            assertTrue(Files.isRegularFile(csv), "06_ethos_u did not write " + csv);
            Path html = csv.resolveSibling("comparison_" + configuration + ".html");
            assertTrue(Files.isRegularFile(html), "06_ethos_u did not write " + html + " (the site shows it)");
            Table table = Table.read().csv(csv.toFile());
            assertEquals(models.size(), table.rowCount(), "one row per model in " + csv);
            Map<String, Double> encoded = new HashMap<>();
            for (Row row : table) {
                String model = row.getString("model");
                boolean int8 = TfliteModel.read(outputs.resolve(model + ".tflite")).input().type().equals("INT8");
                double npuPercent = row.getNumber("NPU ops %");
                if (configuration.equals(VelaTarget.ETHOS_U55_128.accelerator())) {
                    // re-measured: Vela compiles the model again here, and the table must hold its figures
                    VelaReport again = Workshop.vela().compile(outputs.resolve(model + ".tflite"),
                            VelaTarget.ETHOS_U55_128, outputs.resolve("vela").resolve("recheck"));
                    // the CSV holds the figures unrounded (only the HTML is written by Format)
                    assertEquals(again.npuOperatorPercent(), npuPercent, 1e-9, model + ": NPU share in " + csv);
                    if (int8) {
                        assertEquals((double) again.encodedWeightBytes(), 1000 * row.getNumber("encoded weights kB"),
                                1e-6 * again.encodedWeightBytes(), model + ": encoded weights in " + csv);
                    }
                }
                if (int8) {
                    assertEquals(100.0, npuPercent, model + " on " + configuration + " does not run fully on the NPU");
                    encoded.put(model, row.getNumber("encoded weights kB"));
                } else {
                    assertEquals(0.0, npuPercent, "a float model cannot run on the NPU: " + model);
                }
            }
            Double plain = encoded.get("post_training_quant_model");
            for (String technique : List.of("pruned_post_training_quant_model", "clustered_post_training_quant_model")) {
                if (plain != null && encoded.containsKey(technique)) {
                    assertTrue(encoded.get(technique) < plain, technique + " encoded weights " + encoded.get(technique)
                            + " not below the plain int8 model's " + plain + " on " + configuration);
                }
            }
        }
        var images = Workshop.mnist().testSample(100);
        for (Path model : models) {
            LiteRtCrossCheck.Result result = LiteRtCrossCheck.compare(model, images, Workshop.liteRt());
            assertEquals(100, result.images(), "LiteRT ran " + model.getFileName() + " on every image: " + result);
            if (!result.int8Output()) {
                // float: both interpreters compute the same float32 ops, only in another order
                assertEquals(100, result.samePrediction(), "LiteRT predicts differently: " + result);
                assertTrue(result.largestDifference() <= 1e-5, "LiteRT differs: " + result);
            }
            // int8: the interpreters round a rescaled accumulator differently (the specification
            // leaves it open) and a step early on can grow in later layers, so how far their outputs
            // part depends on the weights; each is pinned to an integer reference of its own
            // arithmetic, for any weights, in the library's tests (LiteRtKernelsTest, Int8ExportTest)
        }
    }
}
