package org.condition4j.workshop;

import org.condition4j.report.Tables;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The all-models table on hand-made figures: which network each column measured, and how it reads. */
class NpuOverviewTest {
    private static final VelaTarget U55 = VelaTarget.ETHOS_U55_128;

    private static VelaReport vela(String model, int npuOps, long cycles) {
        return new VelaReport(model, U55, npuOps, npuOps > 0 ? 0 : 7, List.of(), 13.5, 38.8095703125, 0, 30_000,
                39_741, cycles, cycles - 1000, 0.24237, 1_000_000, 1000, Path.of(model + "_vela.tflite"), List.of());
    }

    private static NpuOverview overview() {
        var floatRow = new NpuOverview.Row("float_model", 0.9912, Double.NaN, 10_000, Double.NaN, 160_123, 150_000,
                0, 256, false, Map.of(U55, vela("float_model", 0, 0)));
        var qatRow = new NpuOverview.Row("qat_quant_model", 0.991, 0.9869, 10_000, 0.0030521, 41_000, 39_741,
                0.0, 256, true, Map.of(U55, vela("qat_quant_model", 9, 120_998)));
        return NpuOverview.of(List.of(U55), List.of(floatRow, qatRow));
    }

    @Test
    void columnsSayWhichNetworkTheyMeasured() {
        List<String> headers = overview().table(U55).columnNames();
        assertEquals("float accuracy % (network before export)", headers.get(1));
        assertEquals("95 % interval (float)", headers.get(2));
        assertEquals("int8 accuracy % (this file)", headers.get(3));
        assertEquals("significant vs post-training int8 (int8 accuracy)", headers.get(5));
    }

    @Test
    void theHtmlReadsAsFormatWritesEachFigure() {
        String cells = Tables.html(overview().table(U55)).replaceAll("\\s+", "");
        // Wilson intervals: 9910 of 10000 [0.98895, 0.99267], 9869 [0.98448, 0.98895], 9912 [0.98917, 0.99285]
        assertTrue(cells.contains("<td>qat_quant_model</td><td>99.10</td><td>98.90–99.27</td><td>98.69</td>"
                + "<td>98.45–98.89</td><td>yes(p=0.0031)</td><td>41.00</td><td>39.74</td><td>0.00</td><td>256</td>"
                + "<td>100.00</td><td>13.82</td><td>39.74</td><td>39.74</td><td>120,998</td><td>0.242</td>"), cells);
        // nothing on the NPU: no int8 accuracy, no memory, cycles or time
        assertTrue(cells.contains("<td>float_model</td><td>99.12</td><td>98.92–99.29</td><td></td><td></td><td></td>"
                + "<td>160.12</td><td>150.00</td><td>0.00</td><td>256</td><td>0.00</td><td></td><td></td><td></td>"
                + "<td></td><td></td>"), cells);
    }

    @Test
    void theSiteGetsEachColumnOnceAndTheCsvTheData(@TempDir Path dir) throws IOException {
        NpuOverview overview = overview();
        List<Path> written = overview.writeTables(dir);
        assertEquals(List.of(dir.resolve("comparison_models.html"), dir.resolve("comparison_ethos-u55-128.csv"),
                dir.resolve("comparison_ethos-u55-128.html")), written);
        String models = Files.readString(written.get(0)).replaceAll("\\s+", "");
        String npu = Files.readString(written.get(2)).replaceAll("\\s+", "");
        // the model's own figures once, the NPU's figures per configuration, the model name in both
        assertTrue(models.contains("<td>qat_quant_model</td><td>99.10</td><td>98.90–99.27</td><td>98.69</td>"
                + "<td>98.45–98.89</td><td>yes(p=0.0031)</td><td>41.00</td><td>39.74</td><td>0.00</td><td>256</td></tr>"), models);
        assertTrue(npu.contains("<td>qat_quant_model</td><td>100.00</td><td>13.82</td><td>39.74</td><td>39.74</td>"
                + "<td>120,998</td><td>0.242</td></tr>"), npu);
        assertFalse(npu.contains("99.10"), "the NPU table repeats no accuracy: " + npu);
        assertTrue(npu.contains("ethos-u55-128"), "the NPU table names its configuration: " + npu);
        assertTrue(Files.readString(written.get(1)).contains(",120998,0.24237"), "the CSV keeps the exact figures");
    }
}
