package org.condition4j.vela;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of Vela's per-layer performance table ({@code <network>_per-layer.csv}, written with
 * {@code --verbose-performance}): the TFLite operator it comes from ({@code sourceOperator}, e.g.
 * "Conv2D"), the NPU operation Vela made of it (a softmax becomes some twenty), where it runs
 * ("NPU", or "CPU" for an operator Vela left to the CPU), its output tensor's name, the SRAM it
 * keeps busy (staging bytes), its cycles (including memory access) and NPU compute cycles, and
 * its multiply-accumulates.
 */
public record VelaLayer(String sourceOperator, String npuOperator, String placement, String tensor,
                        long sramBytes, long cycles, long npuCycles, long macs) {

    public boolean onNpu() {
        return placement.equals("NPU");
    }

    /** The rows of {@code csv}, in Vela's order (execution order). */
    public static List<VelaLayer> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Vela's per-layer table " + csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new IllegalStateException("Vela's per-layer table " + csv + " is empty");
        }
        Map<String, Integer> column = new HashMap<>();
        String[] header = lines.get(0).split(",", -1);
        for (int i = 0; i < header.length; i++) {
            column.put(header[i].trim(), i);
        }
        List<VelaLayer> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            // the tensor name is the last column and the only one that may hold a comma
            String[] cells = line.split(",", header.length);
            rows.add(new VelaLayer(cell(cells, column, "Original Operator", csv), cell(cells, column, "NNG Operator", csv),
                    cell(cells, column, "Target", csv), cell(cells, column, "Name", csv),
                    number(cells, column, "Staging Usage", csv), number(cells, column, "Op Cycles", csv),
                    number(cells, column, "NPU", csv), number(cells, column, "MAC Count", csv)));
        }
        return List.copyOf(rows);
    }

    private static String cell(String[] cells, Map<String, Integer> column, String name, Path csv) {
        Integer i = column.get(name);
        if (i == null || i >= cells.length) {
            throw new IllegalStateException("Vela's per-layer table " + csv + " has no column '" + name
                    + "' (columns: " + column.keySet() + "); is the installed Vela the one requirements.txt pins?");
        }
        return cells[i].trim();
    }

    private static long number(String[] cells, Map<String, Integer> column, String name, Path csv) {
        String value = cell(cells, column, name, csv);
        try {
            return Math.round(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Vela's per-layer table " + csv + ": '" + value + "' in column '" + name
                    + "' is not a number", e);
        }
    }
}
