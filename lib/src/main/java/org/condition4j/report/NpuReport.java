package org.condition4j.report;

import org.condition4j.io.FileSizes;
import org.condition4j.npu.Advice;
import org.condition4j.npu.LayerCheck;
import org.condition4j.npu.TargetCheck;
import org.condition4j.npu.Violation;
import org.condition4j.vela.OperatorCost;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tables and charts of the Ethos-U views: the target check, Vela's cost per operator, and the
 * sweep over accelerator configurations.
 */
public final class NpuReport {
    /**
     * The curves a chart draws: system configuration and memory mode, with their legend. The
     * Ethos-U55 deployment preset (flash behind the SRAM), the U85 with flash, that same U85
     * system with everything in SRAM (the same clocks without the flash), and the U85 with DRAM.
     * The U65's two points lie on the U85's at 256 and 512 MACs; leaving them out keeps the
     * legend within the chart's width (they are in the sweep table).
     */
    private static final List<String[]> CHART_CURVES = List.of(
            new String[] {"Ethos_U55_High_End_Embedded", "Shared_Sram", "U55 flash"},
            new String[] {"Ethos_U85_SYS_Flash_High", "Shared_Sram", "U85 flash"},
            new String[] {"Ethos_U85_SYS_Flash_High", "Sram_Only", "U85 SRAM"},
            new String[] {"Ethos_U85_SYS_DRAM_Mid", "Dedicated_Sram", "U85 DRAM"});

    /** The diagonal of the reached-MACs chart: every MAC busy every cycle. */
    static final String PEAK = "peak (all MACs busy)";

    private NpuReport() {}

    /** One row per op: where it runs on the check's NPU family and, for the CPU, the rule and the fix. */
    public static Table targetCheck(TargetCheck check) {
        Table t = Table.create("Target check: " + check.family(),
                StringColumn.create("tensor"), StringColumn.create("operator"), StringColumn.create("details"),
                StringColumn.create("runs on"), StringColumn.create("rule broken"), StringColumn.create("what to change"),
                LongColumn.create("MACs"), LongColumn.create("weight bytes"), IntColumn.create("channels"));
        for (LayerCheck l : check.layers()) {
            t.stringColumn(0).append(l.tensor());
            t.stringColumn(1).append(l.operator());
            t.stringColumn(2).append(l.description());
            t.stringColumn(3).append(l.placement().name());
            t.stringColumn(4).append(l.violations().stream().map(v -> v.rule() + " (" + v.found() + ")")
                    .collect(Collectors.joining("; ")));
            t.stringColumn(5).append(l.violations().stream().map(Violation::fix).collect(Collectors.joining("; ")));
            t.longColumn(6).append(l.macs());
            t.longColumn(7).append(l.weightBytes());
            t.intColumn(8).append(l.outputChannels());
        }
        return t;
    }

    /** The check's advice, one row per hint. */
    public static Table advice(TargetCheck check) {
        Table t = Table.create("Advice for " + check.family(), StringColumn.create("tensor"),
                StringColumn.create("about"), StringColumn.create("advice"));
        for (Advice a : check.advice()) {
            t.stringColumn(0).append(a.tensor());
            t.stringColumn(1).append(a.kind().name().toLowerCase(java.util.Locale.ROOT));
            t.stringColumn(2).append(a.message());
        }
        return t;
    }

    /**
     * Vela's cost per operator of two models with the same operators (e.g. the plain int8 model
     * and a conditioned one) side by side: cycles, share of the network, MACs, MAC utilisation, SRAM.
     */
    public static Table operatorCosts(String nameA, List<OperatorCost> a, String nameB, List<OperatorCost> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(nameA + " has " + a.size() + " operators and " + nameB + " " + b.size()
                    + "; side by side needs the same network");
        }
        Table t = Table.create("Cost per operator: " + nameA + " | " + nameB,
                StringColumn.create("operator"), StringColumn.create("tensor"));
        for (String name : List.of(nameA, nameB)) {
            t.addColumns(LongColumn.create(name + " cycles"), DoubleColumn.create(name + " share %"),
                    LongColumn.create(name + " MACs"), DoubleColumn.create(name + " MAC util %"),
                    LongColumn.create(name + " SRAM bytes"));
        }
        for (int i = 0; i < a.size(); i++) {
            t.stringColumn(0).append(a.get(i).operator());
            t.stringColumn(1).append(a.get(i).tensor());
            int col = 2;
            for (OperatorCost c : List.of(a.get(i), b.get(i))) {
                t.longColumn(col++).append(c.cycles());
                t.doubleColumn(col++).append(100 * c.share());
                t.longColumn(col++).append(c.macs());
                t.doubleColumn(col++).append(100 * c.macUtilisation());
                t.longColumn(col++).append(c.sramBytes());
            }
        }
        return t;
    }

    /** Cycles per operator of two models with the same operators, as in {@link #operatorCosts}, as bars. */
    public static BufferedImage operatorCycles(String title, String nameA, List<OperatorCost> a, String nameB,
                                               List<OperatorCost> b) {
        Map<String, List<OperatorCost>> models = new LinkedHashMap<>();
        models.put(nameA, a);
        models.put(nameB, b);
        return operatorCycles(title, models);
    }

    /** Cycles per operator of several models, one bar colour per model (operators that cost nothing left out). */
    public static BufferedImage operatorCycles(String title, Map<String, List<OperatorCost>> models) {
        List<OperatorCost> first = models.values().iterator().next();
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            int index = i;
            if (models.values().stream().anyMatch(m -> m.get(index).cycles() > 0)) {
                shown.add(i);
            }
        }
        List<String> categories = shown.stream().map(i -> first.get(i).tensor()).toList();
        Map<String, List<Long>> series = new LinkedHashMap<>();
        models.forEach((name, costs) -> series.put(name, shown.stream().map(i -> costs.get(i).cycles()).toList()));
        return Charts.bars(title, "NPU cycles", categories, series);
    }

    /** One row per model and target of a sweep. */
    public static Table sweep(List<VelaReport> reports) {
        Table t = Table.create("Every accelerator configuration",
                StringColumn.create("model"), StringColumn.create("accelerator"), IntColumn.create("MACs/cycle"),
                StringColumn.create("system"), StringColumn.create("memory mode"), StringColumn.create("strategy"),
                DoubleColumn.create("NPU ops %"), DoubleColumn.create("SRAM kB"), DoubleColumn.create("flash/DRAM kB"),
                LongColumn.create("cycles"), DoubleColumn.create("inference ms"),
                DoubleColumn.create("MACs per cycle reached"), DoubleColumn.create("MAC util %"),
                BooleanColumn.create("memory bound"));
        for (VelaReport r : reports) {
            VelaTarget target = r.target();
            t.stringColumn(0).append(r.network());
            t.stringColumn(1).append(target.accelerator());
            t.intColumn(2).append(target.macsPerCycle());
            t.stringColumn(3).append(target.systemConfig());
            t.stringColumn(4).append(target.memoryMode());
            t.stringColumn(5).append(target.optimise().name());
            t.doubleColumn(6).append(r.npuOperatorPercent());
            t.doubleColumn(7).append(FileSizes.kilobytesOfKiB(r.sramKiB()));
            t.doubleColumn(8).append(FileSizes.kilobytesOfKiB(r.offChipFlashKiB() + r.dramKiB()));
            t.longColumn(9).append(r.totalCycles());
            t.doubleColumn(10).append(r.inferenceMillis());
            t.doubleColumn(11).append(r.macsPerCycle());
            t.doubleColumn(12).append(r.macUtilisationPercent());
            t.booleanColumn(13).append(r.memoryBound());
        }
        return t;
    }

    /**
     * The memory modes of a sweep side by side for one model (Performance strategy): one row per
     * accelerator and system configuration, the inference time in each memory mode Vela accepts
     * there (blank where it refuses the mode), the fastest mode, and the modes in which the
     * busiest memory, not the computation, sets the time.
     */
    public static Table memoryModes(List<VelaReport> reports, String model) {
        List<VelaReport> rs = performance(reports, model);
        if (rs.isEmpty()) {
            throw new IllegalArgumentException("No Performance-strategy reports of " + model + " in the sweep");
        }
        List<String> modes = rs.stream().map(r -> r.target().memoryMode()).distinct().toList();
        Map<List<String>, Map<String, VelaReport>> rows = byAcceleratorAndSystem(rs);
        Table t = Table.create(model + ": inference ms per memory mode",
                StringColumn.create("accelerator"), StringColumn.create("system"));
        modes.forEach(mode -> t.addColumns(DoubleColumn.create(mode + " ms")));
        t.addColumns(StringColumn.create("fastest"), StringColumn.create("memory bound in"));
        for (Map.Entry<List<String>, Map<String, VelaReport>> row : rows.entrySet()) {
            t.stringColumn(0).append(row.getKey().get(0));
            t.stringColumn(1).append(row.getKey().get(1));
            for (int i = 0; i < modes.size(); i++) {
                VelaReport r = row.getValue().get(modes.get(i));
                if (r == null) {
                    t.doubleColumn(2 + i).appendMissing();
                } else {
                    t.doubleColumn(2 + i).append(r.inferenceMillis());
                }
            }
            Collection<VelaReport> cell = row.getValue().values();
            t.stringColumn(2 + modes.size()).append(fastestMode(cell));
            t.stringColumn(3 + modes.size()).append(cell.stream().filter(VelaReport::memoryBound)
                    .map(r -> r.target().memoryMode()).collect(Collectors.joining(", ")));
        }
        return t;
    }

    /** {@code model}'s Performance-strategy reports, in the sweep's order. */
    static List<VelaReport> performance(List<VelaReport> reports, String model) {
        return reports.stream()
                .filter(r -> r.network().equals(model) && r.target().optimise() == VelaTarget.Optimise.Performance)
                .toList();
    }

    /** Reports by (accelerator, system configuration), then by memory mode: the rows of {@link #memoryModes}. */
    static Map<List<String>, Map<String, VelaReport>> byAcceleratorAndSystem(List<VelaReport> reports) {
        Map<List<String>, Map<String, VelaReport>> rows = new LinkedHashMap<>();
        for (VelaReport r : reports) {
            rows.computeIfAbsent(List.of(r.target().accelerator(), r.target().systemConfig()), k -> new LinkedHashMap<>())
                    .put(r.target().memoryMode(), r);
        }
        return rows;
    }

    /** The memory mode of the fastest of {@code modes} (the first where several are as fast). */
    static String fastestMode(Collection<VelaReport> modes) {
        return modes.stream().min(java.util.Comparator.comparingDouble(VelaReport::inferenceMillis)).orElseThrow()
                .target().memoryMode();
    }

    /** Writes {@link #sweep} as CSV to {@code csv} (atomically) and returns the path. */
    public static java.nio.file.Path writeSweep(List<VelaReport> reports, java.nio.file.Path csv) {
        org.condition4j.io.AtomicFiles.write(csv, file -> sweep(reports).write().csv(file.toFile()));
        return csv;
    }

    /**
     * Two charts side by side for one model, over the accelerators' MACs per cycle (Performance
     * strategy): the inference time, and the MACs per cycle the model reaches against the peak
     * (the diagonal). One curve per system and memory mode of {@link #CHART_CURVES}; memory-bound
     * points are marked: there
     * more MACs do not buy speed and the curve flattens.
     */
    public static BufferedImage inferenceTimeVersusMacs(List<VelaReport> reports, String model) {
        return ChartStyle.row(inferencePanels(reports, model));
    }

    /** The two panels of {@link #inferenceTimeVersusMacs}. */
    static ChartStyle.Panel[] inferencePanels(List<VelaReport> reports, String model) {
        Map<String, List<VelaReport>> bySystem = chartCurves(reports, model);
        Map<String, double[][]> time = new LinkedHashMap<>();
        Map<String, double[][]> reached = new LinkedHashMap<>();
        List<double[]> boundTime = new ArrayList<>();
        List<double[]> boundReached = new ArrayList<>();
        java.util.TreeSet<Double> peaks = new java.util.TreeSet<>();
        for (Map.Entry<String, List<VelaReport>> e : bySystem.entrySet()) {
            List<VelaReport> rs = e.getValue();
            double[] x = rs.stream().mapToDouble(r -> r.target().macsPerCycle()).toArray();
            time.put(e.getKey(), new double[][] {x, rs.stream().mapToDouble(VelaReport::inferenceMillis).toArray()});
            reached.put(e.getKey(), new double[][] {x, rs.stream().mapToDouble(VelaReport::macsPerCycle).toArray()});
            for (VelaReport r : rs) {
                peaks.add((double) r.target().macsPerCycle());
                if (r.memoryBound()) {
                    boundTime.add(new double[] {r.target().macsPerCycle(), r.inferenceMillis()});
                    boundReached.add(new double[] {r.target().macsPerCycle(), r.macsPerCycle()});
                }
            }
        }
        String marker = "memory bound";
        if (!boundTime.isEmpty()) { // before the peak: the same marker shape and legend place in both charts
            time.put(marker, columns(boundTime));
            reached.put(marker, columns(boundReached));
        }
        double[] peak = peaks.stream().mapToDouble(Double::doubleValue).toArray();
        reached.put(PEAK, new double[][] {peak, peak});
        XYChart reachedChart = Charts.curveChart(model + ": MACs per cycle reached", "accelerator MACs per cycle",
                "MACs per cycle reached (log scale)", reached, true, Set.of(marker), Set.of(PEAK));
        // log-log: the peak is the diagonal, and the few MACs a small model reaches stay visible under it
        reachedChart.getStyler().setYAxisLogarithmic(true);
        return new ChartStyle.Panel[] {
                new ChartStyle.Panel(Charts.curveChart(model + ": inference time", "accelerator MACs per cycle",
                        "inference time (ms)", time, true, Set.of(marker), Set.of())),
                new ChartStyle.Panel(reachedChart)};
    }

    /**
     * The reports each curve of {@link #inferenceTimeVersusMacs} draws, by legend: the model's
     * Performance-strategy reports on the curve's system in the curve's memory mode, by MACs per
     * cycle. Curves without reports are left out.
     */
    static Map<String, List<VelaReport>> chartCurves(List<VelaReport> reports, String model) {
        Map<String, List<VelaReport>> curves = new LinkedHashMap<>();
        for (String[] curve : CHART_CURVES) {
            List<VelaReport> rs = reports.stream()
                    .filter(r -> r.network().equals(model) && r.target().optimise() == VelaTarget.Optimise.Performance
                            && r.target().systemConfig().equals(curve[0]) && r.target().memoryMode().equals(curve[1]))
                    .sorted(java.util.Comparator.comparingInt((VelaReport r) -> r.target().macsPerCycle())).toList();
            if (!rs.isEmpty()) {
                curves.put(curve[2], rs);
            }
        }
        if (curves.isEmpty()) {
            throw new IllegalArgumentException("No Performance-strategy reports of " + model + " on the systems and "
                    + "memory modes " + CHART_CURVES.stream().map(c -> c[0] + "/" + c[1]).toList() + " to chart");
        }
        return curves;
    }

    private static double[][] columns(List<double[]> points) {
        return new double[][] {points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray()};
    }
}
