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
    /** A filled image of one colour. */
    private static java.awt.image.BufferedImage block(int width, int height, int rgb) {
        var image = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    @Test
    void panelsAreLaidInARowOrAColumnOnWhite() {
        var red = block(10, 20, 0xFF0000);
        var blue = block(30, 5, 0x0000FF);
        var row = Charts.sideBySide(red, blue);
        assertEquals(40, row.getWidth());
        assertEquals(20, row.getHeight());
        assertEquals(0xFF0000, row.getRGB(9, 19) & 0xFFFFFF);
        assertEquals(0x0000FF, row.getRGB(10, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, row.getRGB(10, 5) & 0xFFFFFF, "below the shorter panel: white");
        var column = Charts.stacked(red, blue);
        assertEquals(30, column.getWidth());
        assertEquals(25, column.getHeight());
        assertEquals(0xFF0000, column.getRGB(9, 19) & 0xFFFFFF);
        assertEquals(0x0000FF, column.getRGB(0, 20) & 0xFFFFFF);
        assertEquals(0xFFFFFF, column.getRGB(10, 0) & 0xFFFFFF, "beside the narrower panel: white");
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
        // 90 of 100: Wilson interval [0.8256, 0.9448]
        assertEquals("82.56 – 94.48", t.stringColumn(2).get(0));
        assertEquals("(reference)", t.stringColumn(3).get(0));
        // 20 images right only for a, none only for b: p = 2 / 2^20
        assertEquals("yes (p < 0.0001)", t.stringColumn(3).get(1));
        String cells = Tables.html(t).replaceAll("\\s+", "");
        assertTrue(cells.contains("<td>a</td><td>90.00</td><td>82.56–94.48</td>"), cells);
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
        assertTrue(html.contains(">0.33<"), html);
        assertTrue(html.contains(">2.50<"), html);
    }

    /** Each cell reads as Format writes the unit its header names; the table keeps the exact number. */
    @Test
    void cellsAreWrittenByTheUnitTheirHeaderNames() {
        Table table = Table.create("units",
                DoubleColumn.create("float accuracy % (network before export)", 99.1),
                DoubleColumn.create("sparsity % (file)", 100.0),
                DoubleColumn.create("gzip kB", 1234.567),
                DoubleColumn.create("PCQAT - PTQ points", 4.0),
                DoubleColumn.create("inference ms", 0.24237),
                DoubleColumn.create("seconds", 41.234),
                DoubleColumn.create("LiteRT images/s", 1234.5),
                DoubleColumn.create("loss", 0.98912345),
                DoubleColumn.create("cycles", 120_998.0),
                tech.tablesaw.api.LongColumn.create("MACs", new long[] {120_998}),
                tech.tablesaw.api.IntColumn.create("zero point", new int[] {-128}));
        String cells = Tables.html(table).replaceAll("\\s+", "");
        assertTrue(cells.contains("<td>99.10</td><td>100.00</td><td>1,234.57</td><td>+4.00</td><td>0.242</td>"
                + "<td>41.2</td><td>1,235</td><td>0.9891</td><td>120,998</td><td>120,998</td><td>-128</td>"), cells);
        assertEquals(0.98912345, table.doubleColumn("loss").get(0), "the table itself is not rounded");
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
        assertTrue(cells.contains("<td>float</td><td></td><td>1,234,567</td>"), html);
        assertTrue(cells.contains("<td>int8</td><td>0.250</td><td></td>"), html);
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
