package org.condition4j.workshop;

import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OverviewFindings' sentences on hand-made overview rows: each claim of direction follows the figures. */
class OverviewFindingsTest {
    private static final VelaTarget U55 = VelaTarget.ETHOS_U55_128;
    private static final VelaTarget U85 = VelaTarget.ETHOS_U85_256;
    private static final String PLAIN = "post_training_quant_model";

    /** A report: memory bound exactly where {@code memoryBound} (memory cycles above NPU cycles). */
    private static VelaReport vela(String model, VelaTarget target, int npuOps, int cpuOps, long encoded,
                                   double millis, boolean memoryBound) {
        return new VelaReport(model, target, npuOps, cpuOps, List.of(), 100, 40, 0, 20_000, encoded, 100_000, 90_000,
                millis, 1_000_000, memoryBound ? 95_000 : 50_000, Path.of(model + "_vela.tflite"), List.of());
    }

    private static Map<VelaTarget, VelaReport> on(VelaReport... reports) {
        Map<VelaTarget, VelaReport> m = new LinkedHashMap<>();
        for (VelaReport r : reports) {
            m.put(r.target(), r);
        }
        return m;
    }

    private static NpuOverview.Row row(String model, double int8Accuracy, double pValue, long size, long gzip,
                                       boolean int8, Map<VelaTarget, VelaReport> vela) {
        return new NpuOverview.Row(model, 0.99, int8Accuracy, 1000, pValue, size, gzip, int8 ? 0.5 : 0, 256, int8, vela);
    }

    private static NpuOverview.Row floatRow(int npuOps) {
        return row("float_model", Double.NaN, Double.NaN, 160_000, 150_000, false,
                on(vela("float_model", U55, npuOps, 7 - npuOps, 0, 1, false), vela("float_model", U85, 0, 7, 0, 1, false)));
    }

    private static NpuOverview.Row plainRow() {
        return row(PLAIN, 0.95, Double.NaN, 40_000, 30_000, true,
                on(vela(PLAIN, U55, 9, 0, 10_000, 0.20, false), vela(PLAIN, U85, 9, 0, 10_000, 0.10, false)));
    }

    private static NpuOverview.Row prunedRow(double accuracy, double pValue, int cpuOnU55, double u85Millis) {
        return row("pruned_model", accuracy, pValue, 40_000, 12_000, true,
                on(vela("pruned_model", U55, 9 - cpuOnU55, cpuOnU55, 4_000, 0.15, true),
                        vela("pruned_model", U85, 9, 0, 4_000, u85Millis, false)));
    }

    private static NpuOverview overview(NpuOverview.Row... rows) {
        return NpuOverview.of(List.of(U55, U85), List.of(rows));
    }

    @Test
    void npuShareNamesTheOperatorsLeftToTheCpuOnlyWhereVelaLeftSome() {
        assertEquals("All 2 int8 models run every operator on the NPU, on every configuration. float_model runs none "
                + "of its 7 operators on the NPU, on any configuration.",
                OverviewFindings.npuShare(overview(floatRow(0), plainRow(), prunedRow(0.95, 1, 0, 0.02))).text());
        assertEquals("Not all int8 operators run on the NPU: pruned_model on ethos-u55-128 (8 of 9 operators on the "
                + "NPU). float_model runs some operators on the NPU: ethos-u55-128 2 of 7 operators on the NPU, "
                + "ethos-u85-256 0 of 7 operators on the NPU.",
                OverviewFindings.npuShare(overview(floatRow(2), plainRow(), prunedRow(0.95, 1, 1, 0.02))).text());
        assertEquals("The int8 model runs every operator on the NPU, on every configuration.",
                OverviewFindings.npuShare(overview(plainRow())).text());
    }

    @Test
    void techniquesCallADifferenceSignificantOnlyBelowTheLevelAndInItsDirection() {
        String header = "Against " + PLAIN + " (ratios to its figures; NPU-encoded weights on ethos-u55-128, plain "
                + "int8's 10,000 B):\n\n- **" + PLAIN + "**: 40.00 kB, 0.25× the size of float_model (160.00 kB).\n"
                + "- **pruned_model**: 50.00 % zeros, at most 256 distinct values per weight tensor; raw 40.00 kB "
                + "(1.00×), gzip 12.00 kB (0.40×), NPU-encoded weights 4,000 B (0.40×)";
        assertEquals(header + "; int8 accuracy 90.00 % (-5.00 points): significantly less accurate (p < 0.0001).",
                OverviewFindings.techniques(overview(floatRow(0), plainRow(), prunedRow(0.90, 1e-5, 0, 0.02)), U55).text());
        assertEquals(header + "; int8 accuracy 94.90 % (-0.10 points): no significant difference (p = 0.31).",
                OverviewFindings.techniques(overview(floatRow(0), plainRow(), prunedRow(0.949, 0.31, 0, 0.02)), U55).text());
        assertEquals(header + "; int8 accuracy 96.00 % (+1.00 points): significantly more accurate (p = 0.0010).",
                OverviewFindings.techniques(overview(floatRow(0), plainRow(), prunedRow(0.96, 0.001, 0, 0.02)), U55).text());
        assertEquals(header + ".", OverviewFindings.techniques(
                overview(floatRow(0), plainRow(), prunedRow(0.96, Double.NaN, 0, 0.02)), U55).text());
        assertEquals("No plain int8 model (post_training_quant_model.tflite) in this folder to compare the techniques "
                + "with; run `01_post_training_quantization`.",
                OverviewFindings.techniques(overview(floatRow(0), prunedRow(0.96, 0.001, 0, 0.02)), U55).text());
    }

    @Test
    void acrossTargetsCountsMemoryBoundModelsAndNamesTheWidestSpread() {
        assertEquals("- **ethos-u55-128**: from 0.150 ms (pruned_model) to 0.200 ms (" + PLAIN + "), 1.33×; 1 of 2 "
                + "models memory bound.\n"
                + "- **ethos-u85-256**: from 0.0200 ms (pruned_model) to 0.100 ms (" + PLAIN + "), 5.00×; 0 of 2 "
                + "models memory bound.\n\n"
                + "The models' times differ most on the ethos-u85-256.",
                OverviewFindings.acrossTargets(overview(floatRow(0), plainRow(), prunedRow(0.95, 1, 0, 0.02))).text());
        String narrow = OverviewFindings.acrossTargets(overview(plainRow(), prunedRow(0.95, 1, 0, 0.09))).text();
        assertTrue(narrow.endsWith("from 0.0900 ms (pruned_model) to 0.100 ms (" + PLAIN + "), 1.11×; 0 of 2 models "
                + "memory bound.\n\nThe models' times differ most on the ethos-u55-128."), narrow);
        assertEquals("No int8 model in this folder runs on the NPU.",
                OverviewFindings.acrossTargets(overview(floatRow(0))).text());
    }
}
