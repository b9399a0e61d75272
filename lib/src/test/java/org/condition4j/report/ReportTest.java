package org.condition4j.report;

import org.condition4j.io.FileSizes;
import org.condition4j.model.TrainingHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    @Test
    void intervalsAndVerdictsAreFormattedForTables() {
        assertEquals("92.1 – 93.13", Tables.percentInterval(new org.condition4j.stats.Interval(0.921, 0.9313, 0.95)));
        assertEquals("yes (p = 0.003052)", Tables.significance(0.0030521));
        assertEquals("no (p = 0.41)", Tables.significance(0.41));
        assertEquals("yes (p < 0.0001)", Tables.significance(6.3e-37));
    }

    @Test
    void accuracyTablesCarryIntervalAndSignificanceAgainstTheFirstModel() {
        boolean[] first = new boolean[100];
        boolean[] second = new boolean[100];
        for (int i = 0; i < 100; i++) {
            first[i] = i < 90;
            second[i] = i < 70;
        }
        Table t = Tables.accuracies("two models", new java.util.LinkedHashMap<>(Map.of("a", first)) {{ put("b", second); }});
        assertEquals(java.util.List.of("model", "accuracy %", "95 % interval", "significant vs a"), t.columnNames());
        assertEquals(90.0, t.doubleColumn("accuracy %").get(0), 1e-9);
        assertEquals("(reference)", t.stringColumn(3).get(0));
        // 20 images right only for a, none only for b: p = 2 / 2^20
        assertEquals(Tables.significance(2.0 / (1 << 20)), t.stringColumn(3).get(1));
    }

    @Test
    void tableBecomesEscapedHtmlWithCompactNumbers() {
        Table table = Table.create("Sizes <int8>",
                StringColumn.create("model", "a<b", "c"),
                DoubleColumn.create("kB", 1.0 / 3, 2.5));
        String html = Tables.html(table);
        assertTrue(html.contains("<table"), html);
        assertTrue(html.contains("a&lt;b"), html);
        assertTrue(html.contains("Sizes &lt;int8&gt;"), html);
        assertTrue(html.contains(">0.3333<"), html);
        assertTrue(html.contains(">2.5<"), html);
    }

    @Test
    void numbersKeepFourSignificantDigits() {
        assertEquals("97.74", Tables.number(97.74000000000001));
        assertEquals("73.69", Tables.number(73.687662202));
        assertEquals("123500", Tables.number(123456.7));
        assertEquals("1235", Tables.number(1234.5001));
        assertEquals("0.0001235", Tables.number(0.000123456));
        assertEquals("-0.5", Tables.number(-0.5));
        assertEquals("99", Tables.number(98.99999));
        assertEquals("6000", Tables.number(6000.0));
        assertEquals("0", Tables.number(0.0));
        assertEquals("", Tables.number(Double.NaN));
    }

    @Test
    void unmeasuredFiguresAreBlankNotZero() {
        Table table = Table.create("t",
                StringColumn.create("model", "float", "int8"),
                DoubleColumn.create("ms", new double[] {Double.NaN, 0.25}),
                tech.tablesaw.api.LongColumn.create("cycles", 2));
        table.longColumn("cycles").set(0, 1234567L);
        table.longColumn("cycles").setMissing(1);
        String html = Tables.html(table);
        String cells = html.replaceAll("\\s+", "");
        assertTrue(cells.contains("<td>float</td><td></td><td>1234567</td>"), html);
        assertTrue(cells.contains("<td>int8</td><td>0.25</td><td></td>"), html);
    }

    @Test
    void chartsRenderToImages() {
        var image = Charts.lines("t", "x", "y", new double[] {1, 2, 3}, Map.of("s", new double[] {3, 1, 2}));
        assertEquals(Charts.WIDTH, image.getWidth());
        var histogram = Charts.histograms("h", "w", 20, true, Map.of("w", new Random(1).doubles(500).toArray()));
        assertEquals(Charts.HEIGHT, histogram.getHeight());
    }

    @Test
    void gzipSizeIsSmallerForRepetitiveContent(@TempDir Path dir) throws IOException {
        Path zeros = dir.resolve("zeros.bin");
        Path noise = dir.resolve("noise.bin");
        byte[] random = new byte[100_000];
        new Random(3).nextBytes(random);
        Files.write(zeros, new byte[100_000]);
        Files.write(noise, random);
        assertEquals(100_000, FileSizes.raw(zeros));
        assertTrue(FileSizes.gzip(zeros) < 1_000, "zeros should compress to almost nothing");
        assertTrue(FileSizes.gzip(noise) > 99_000, "random bytes do not compress");
    }

    @Test
    void historyTableHasOneRowPerEpoch() {
        TrainingHistory history = new TrainingHistory();
        history.add(new TrainingHistory.Epoch(1, 0.5, 0.9, 0.95, 2000, 10, 6000));
        history.add(new TrainingHistory.Epoch(2, 0.2, 0.96, 0.97, 2000, 10, 6000));
        Table table = Tables.history(history);
        assertEquals(2, table.rowCount());
        assertEquals(97.0, table.doubleColumn("test accuracy %").get(1), 1e-9);
    }
}
