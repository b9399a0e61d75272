package org.condition4j.report;

import org.condition4j.collab.Sweep;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollabReportTest {
    private static final int IMAGES = 1000;

    /** Hits on {@code IMAGES} images: the first {@code right} right. */
    private static boolean[] firstRight(int right) {
        boolean[] hits = new boolean[IMAGES];
        for (int i = 0; i < right; i++) {
            hits[i] = true;
        }
        return hits;
    }

    private static Sweep.Result result(double sparsity, int clusters, Sweep.Quantization q, boolean[] hits, long encoded) {
        return new Sweep.Result(new Sweep.Point(sparsity, clusters, q), hits, 20_000, 9_000, sparsity, clusters,
                encoded, 0.5, 100_000);
    }

    @Test
    void pcqatRowsSayWhatTheyGainOverTheSameSettingsPtqAndWhetherItIsSignificant() {
        boolean[] reference = firstRight(950);
        List<Sweep.Result> results = List.of(
                result(0.9, 4, Sweep.Quantization.PTQ, firstRight(900), 5_000),     // 50 fewer right than the reference
                result(0.9, 4, Sweep.Quantization.PCQAT, firstRight(940), 5_000),   // 40 more right than PTQ, all discordant one way
                result(0.5, 32, Sweep.Quantization.PTQ, firstRight(949), 12_000),
                result(0.5, 32, Sweep.Quantization.PCQAT, firstRight(950), 12_000)); // one more right: no difference

        Table table = CollabReport.sweep(results, "int8 (01)", reference);

        assertEquals(List.of("90 % / 4 / PTQ", "90 % / 4 / PCQAT", "50 % / 32 / PTQ", "50 % / 32 / PCQAT"),
                table.stringColumn("sparsity / clusters / int8").asList());
        assertTrue(table.doubleColumn("PCQAT - PTQ points").isMissing(0), "a PTQ row has no gain over itself");
        assertEquals(4.0, table.doubleColumn("PCQAT - PTQ points").get(1), 1e-9);
        assertEquals(0.1, table.doubleColumn("PCQAT - PTQ points").get(3), 1e-9);
        String vsPtq = Tables.SIGNIFICANCE_COLUMN + " PTQ (same setting)";
        assertEquals("", table.stringColumn(vsPtq).get(0));
        // exact McNemar: 40 discordant pairs all one way, p = 2 * 0.5^40; 1 discordant pair, p = 1
        assertEquals("yes (p < 0.0001)", table.stringColumn(vsPtq).get(1));
        assertEquals("no (p = 1.0)", table.stringColumn(vsPtq).get(3));
        // against the reference: 50 discordant pairs one way (yes), 10 one way (p = 2 * 0.5^10 = 0.001953)
        String vsReference = Tables.SIGNIFICANCE_COLUMN + " int8 (01)";
        assertEquals("yes (p < 0.0001)", table.stringColumn(vsReference).get(0));
        assertEquals("yes (p = 0.0020)", table.stringColumn(vsReference).get(1));
        // Pareto front on encoded weights: the smallest and most accurate of the small ones, and the most accurate
        assertEquals(List.of("", "yes", "", "yes"), table.stringColumn("Pareto front").asList());
    }
}
