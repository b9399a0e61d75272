package org.condition4j.report;

import org.condition4j.npu.LayerCheck;
import org.condition4j.npu.TargetCheck;
import org.condition4j.vela.OperatorCost;
import org.condition4j.vela.VelaConfigurations;
import org.condition4j.vela.VelaLayer;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Vela's figures and the target check say, as sentences built from them ({@link Markdown}),
 * for the Ethos-U notebooks: figures through {@link Format}, and a direction ("memory bound",
 * "smaller", "fastest") only where the reports decide it. A view the run has no reports for (a
 * small sweep) says so instead of describing it.
 */
public final class NpuFindings {
    private NpuFindings() {}

    private static final String SRAM_ONLY = "Sram_Only";
    private static final String SHARED_SRAM = "Shared_Sram";
    private static final String DEDICATED_SRAM = "Dedicated_Sram";

    /** Where the check places the ops, and which op dominates the MACs and which the weights. */
    public static Markdown targetCheck(TargetCheck check) {
        List<LayerCheck> layers = check.layers();
        List<LayerCheck> cpu = check.cpuLayers();
        String placement = cpu.isEmpty()
                ? "Every op runs on the NPU (" + check.family() + ")."
                : cpu.size() + " of " + layers.size() + " ops run on the CPU (" + check.family() + "): "
                        + String.join(", ", cpu.stream().map(l -> "`" + l.tensor() + "`").toList()) + ".";
        LayerCheck macs = layers.stream().max(Comparator.comparingLong(LayerCheck::macs)).orElseThrow();
        LayerCheck weights = layers.stream().max(Comparator.comparingLong(LayerCheck::weightBytes)).orElseThrow();
        return Markdown.of(placement + " `" + macs.tensor() + "` does "
                + Format.percent((double) macs.macs() / check.totalMacs()) + " of the multiply-accumulates, and `"
                + weights.tensor() + "` holds " + Format.percent((double) weights.weightBytes() / check.totalWeightBytes())
                + " of the weight bytes, read from flash or DRAM on every inference: fewer or better-compressible "
                + "weights save most there.");
    }

    /**
     * Where {@code a}'s cycles go (its most expensive operator, the convolutions' share, the fully
     * connected layer's MAC utilisation against the busiest convolution's, the softmax's NPU
     * operations) and what the fully connected layer costs in {@code b}. {@code aCosts} and
     * {@code bCosts} are {@link OperatorCost#of} of the two reports.
     */
    public static Markdown operatorCosts(VelaReport a, List<OperatorCost> aCosts, VelaReport b, List<OperatorCost> bCosts) {
        List<String> lines = new ArrayList<>();
        OperatorCost top = aCosts.stream().max(Comparator.comparingLong(OperatorCost::cycles)).orElseThrow();
        double convolutions = aCosts.stream().filter(NpuFindings::convolution).mapToDouble(OperatorCost::share).sum();
        lines.add("In " + a.network() + " on the " + a.target().accelerator() + ", the most expensive operator is `"
                + top.tensor() + "` (" + top.operator() + ", " + Format.percent(top.share()) + " of the cycles); the "
                + "convolutions together take " + Format.percent(convolutions) + ".");
        Optional<OperatorCost> dense = aCosts.stream().filter(c -> c.operator().equals("FULLY_CONNECTED"))
                .max(Comparator.comparingLong(OperatorCost::cycles));
        Optional<OperatorCost> busiestConvolution = aCosts.stream().filter(NpuFindings::convolution)
                .max(Comparator.comparingDouble(OperatorCost::macUtilisation));
        if (dense.isPresent() && busiestConvolution.isPresent()) {
            OperatorCost d = dense.get();
            OperatorCost c = busiestConvolution.get();
            String line = "The fully connected `" + d.tensor() + "` keeps " + Format.percent(d.macUtilisation())
                    + " of the MACs busy while it runs, against " + Format.percent(c.macUtilisation()) + " for `"
                    + c.tensor() + "`" + (d.macUtilisation() < c.macUtilisation()
                    ? ": it does few MACs per weight it streams." : ".");
            int index = aCosts.indexOf(d);
            if (index < bCosts.size() && bCosts.get(index).operator().equals(d.operator())) {
                OperatorCost bd = bCosts.get(index);
                line += " In " + b.network() + " it takes " + Format.cycles(bd.cycles()) + " against "
                        + Format.cycles(d.cycles()) + (d.cycles() == 0 ? "." : " (" + Format.ratio((double) bd.cycles() / d.cycles()) + ").");
            }
            lines.add(line);
        }
        List<VelaLayer> softmax = a.layers().stream().filter(l -> l.sourceOperator().equals("Softmax")).toList();
        if (!softmax.isEmpty()) {
            long cycles = softmax.stream().mapToLong(VelaLayer::cycles).sum();
            lines.add("The softmax becomes " + softmax.size() + " NPU operations, together " + Format.cycles(cycles)
                    + " (" + Format.percent(a.totalCycles() == 0 ? 0 : (double) cycles / a.totalCycles()) + ").");
        }
        return Markdown.of(String.join(" ", lines));
    }

    private static boolean convolution(OperatorCost c) {
        return c.operator().equals("CONV_2D") || c.operator().equals("DEPTHWISE_CONV_2D");
    }

    /**
     * For each of {@code models}, along each curve of {@link NpuReport#inferenceTimeVersusMacs}:
     * the time from the smallest to the biggest accelerator, the MACs per cycle the biggest one
     * reaches, and from which accelerator on the model is memory bound (and what more MACs buy
     * from there).
     */
    public static Markdown macScaling(List<VelaReport> sweep, String... models) {
        List<String> lines = new ArrayList<>();
        for (String model : models) {
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.add(model + " (Performance strategy):");
            lines.add("");
            for (Map.Entry<String, List<VelaReport>> curve : NpuReport.chartCurves(sweep, model).entrySet()) {
                lines.add("- **" + curve.getKey() + "**: " + alongCurve(curve.getValue()));
            }
        }
        return Markdown.of(lines.toArray(String[]::new));
    }

    /** One curve's reports, by MACs per cycle, in words. */
    private static String alongCurve(List<VelaReport> rs) {
        VelaReport first = rs.get(0);
        VelaReport last = rs.get(rs.size() - 1);
        StringBuilder line = new StringBuilder();
        String reached = Format.count(Math.round(last.macsPerCycle())) + " of its "
                + Format.count(last.target().macsPerCycle()) + " MACs per cycle ("
                + Format.percent(last.macUtilisationPercent() / 100) + ")";
        if (rs.size() == 1) {
            return "only the " + first.target().accelerator() + " in this sweep: " + Format.millis(first.inferenceMillis())
                    + ", " + reached + (first.memoryBound() ? ", memory bound." : ", not memory bound.");
        }
        line.append(first.target().accelerator()).append(" ").append(Format.millis(first.inferenceMillis()))
                .append(", ").append(last.target().accelerator()).append(" ")
                .append(Format.millis(last.inferenceMillis())).append("; the ").append(last.target().accelerator())
                .append(" reaches ").append(reached).append(". ");
        int onset = rs.size();
        while (onset > 0 && rs.get(onset - 1).memoryBound()) {
            onset--;
        }
        if (rs.stream().noneMatch(VelaReport::memoryBound)) {
            line.append("Not memory bound at any size.");
        } else if (onset == rs.size()) {
            line.append("Memory bound on some sizes, but not on the biggest.");
        } else if (onset == 0) {
            line.append("Memory bound at every size.");
        } else {
            VelaReport from = rs.get(onset);
            line.append("Memory bound from the ").append(from.target().accelerator()).append(" on");
            if (from != last) {
                line.append(", where more MACs take the time from ").append(Format.millis(from.inferenceMillis()))
                        .append(" to ").append(Format.millis(last.inferenceMillis())).append(" (")
                        .append(Format.ratio(last.inferenceMillis() / from.inferenceMillis())).append(")");
            }
            line.append(".");
        }
        return line.toString();
    }

    /**
     * {@code model}'s memory modes side by side (Performance strategy), as {@link NpuReport#memoryModes}
     * shows them: where everything in SRAM is the fastest, what the weights in flash cost against
     * that, what DRAM behind a dedicated SRAM costs, and whether the fixed-size dedicated caches
     * give the unlimited one's figures.
     */
    public static Markdown memoryModes(List<VelaReport> sweep, String model) {
        Map<List<String>, Map<String, VelaReport>> rows = NpuReport.byAcceleratorAndSystem(NpuReport.performance(sweep, model));
        List<Map<String, VelaReport>> compared = rows.values().stream().filter(m -> m.size() > 1).toList();
        if (compared.isEmpty()) {
            return Markdown.of("This run's sweep compiles " + model + " in one memory mode per accelerator and system, "
                    + "so there are no memory modes to set side by side; a sweep over whole accelerators "
                    + "(`VELA_CONFIGURATIONS`) has them all.");
        }
        List<String> lines = new ArrayList<>();
        long sramFastest = compared.stream().filter(m -> m.containsKey(SRAM_ONLY) && fastest(m).equals(SRAM_ONLY)).count();
        long withSram = compared.stream().filter(m -> m.containsKey(SRAM_ONLY)).count();
        if (withSram > 0) {
            lines.add("- " + SRAM_ONLY + " is the fastest mode for " + model + " on " + sramFastest + " of " + withSram
                    + " accelerator and system pairs" + (sramFastest == withSram ? "." : "; elsewhere "
                    + String.join(", ", compared.stream().filter(m -> m.containsKey(SRAM_ONLY) && !fastest(m).equals(SRAM_ONLY))
                    .limit(3).map(m -> name(m) + " " + fastest(m)).toList()) + (withSram - sramFastest > 3 ? ", ..." : "") + "."));
        }
        Optional<Map<String, VelaReport>> flash = compared.stream()
                .filter(m -> m.containsKey(SRAM_ONLY) && m.containsKey(SHARED_SRAM) && !dram(m))
                .max(Comparator.comparingDouble(m -> ratio(m, SHARED_SRAM)));
        flash.ifPresent(m -> lines.add("- The price of the flash is highest on " + name(m) + ": "
                + Format.millis(m.get(SRAM_ONLY).inferenceMillis()) + " with everything in SRAM against "
                + Format.millis(m.get(SHARED_SRAM).inferenceMillis()) + " with the weights in flash ("
                + Format.ratio(ratio(m, SHARED_SRAM)) + ")."));
        List<Map<String, VelaReport>> dram = compared.stream()
                .filter(m -> m.containsKey(SRAM_ONLY) && m.containsKey(DEDICATED_SRAM)).toList();
        if (!dram.isEmpty()) {
            double low = dram.stream().mapToDouble(m -> ratio(m, DEDICATED_SRAM)).min().orElseThrow();
            double high = dram.stream().mapToDouble(m -> ratio(m, DEDICATED_SRAM)).max().orElseThrow();
            String line = "- Behind DRAM (" + DEDICATED_SRAM + " against " + SRAM_ONLY + ") the time is "
                    + (low == high ? Format.ratio(low) : Format.ratio(low) + " to " + Format.ratio(high))
                    + " that of everything in SRAM";
            if (flash.isPresent()) {
                line += ratio(flash.get(), SHARED_SRAM) > high ? ": the gap is smaller than with flash." : ".";
            } else {
                line += ".";
            }
            lines.add(line);
        }
        List<Map<String, VelaReport>> caches = compared.stream().filter(m -> m.containsKey(DEDICATED_SRAM)
                && m.keySet().stream().anyMatch(k -> k.startsWith(DEDICATED_SRAM + "_"))).toList();
        if (!caches.isEmpty()) {
            long same = caches.stream().filter(m -> m.entrySet().stream().filter(e -> e.getKey().startsWith(DEDICATED_SRAM + "_"))
                    .allMatch(e -> e.getValue().totalCycles() == m.get(DEDICATED_SRAM).totalCycles())).count();
            lines.add("- The fixed-size dedicated caches give the unlimited cache's cycles on " + same + " of "
                    + caches.size() + " pairs" + (same == caches.size()
                    ? ": " + model + "'s working memory fits in the smallest of them." : "."));
        }
        return Markdown.of(lines.toArray(String[]::new));
    }

    private static String fastest(Map<String, VelaReport> modes) {
        return NpuReport.fastestMode(modes.values());
    }

    /** The time in {@code mode} relative to everything in SRAM. */
    private static double ratio(Map<String, VelaReport> modes, String mode) {
        return modes.get(mode).inferenceMillis() / modes.get(SRAM_ONLY).inferenceMillis();
    }

    /** A system with DRAM behind its SRAM: Vela accepts the dedicated-SRAM modes there. */
    private static boolean dram(Map<String, VelaReport> modes) {
        return modes.keySet().stream().anyMatch(k -> k.startsWith(DEDICATED_SRAM));
    }

    private static String name(Map<String, VelaReport> modes) {
        VelaTarget t = modes.values().iterator().next().target();
        return t.accelerator() + " on " + t.systemConfig();
    }

    /**
     * The two optimisation strategies for {@code model} where the sweep has both for one
     * accelerator, system and memory mode: per NPU generation, on how many they differ, with the
     * deployment target's pair (or the first that differs) as the example.
     */
    public static Markdown strategies(List<VelaReport> sweep, String model) {
        Map<VelaTarget, VelaReport[]> pairs = new LinkedHashMap<>(); // Performance target -> {Performance, Size}
        for (VelaReport r : sweep) {
            if (r.network().equals(model)) {
                VelaTarget key = r.target().optimisedFor(VelaTarget.Optimise.Performance);
                pairs.computeIfAbsent(key, k -> new VelaReport[2])[r.target().optimise().ordinal()] = r;
            }
        }
        Map<String, List<VelaReport[]>> byGeneration = new LinkedHashMap<>();
        pairs.values().stream().filter(p -> p[0] != null && p[1] != null).forEach(p -> byGeneration
                .computeIfAbsent(generation(p[0].target()), k -> new ArrayList<>()).add(p));
        if (byGeneration.isEmpty()) {
            return Markdown.of("No target of this run's sweep is compiled for " + model + " with both strategies, so "
                    + "there is nothing to compare; `all_configurations.csv` of a sweep over whole accelerators has both.");
        }
        List<String> lines = new ArrayList<>();
        lines.add(model + ", Size against Performance:");
        lines.add("");
        for (Map.Entry<String, List<VelaReport[]>> g : byGeneration.entrySet()) {
            List<VelaReport[]> differing = g.getValue().stream().filter(p -> p[0].totalCycles() != p[1].totalCycles()
                    || p[0].sramKiB() != p[1].sramKiB()).toList();
            StringBuilder line = new StringBuilder("- **" + g.getKey() + "**: ");
            if (differing.isEmpty()) {
                line.append("the same cycles and SRAM on ").append(g.getValue().size() == 1 ? "its one target."
                        : "all " + g.getValue().size() + " targets.");
            } else {
                line.append("different figures on ").append(differing.size()).append(" of ").append(g.getValue().size())
                        .append(" targets");
                long dedicated = g.getValue().stream().filter(p -> p[0].target().memoryMode().startsWith(DEDICATED_SRAM)).count();
                if (dedicated > 0) {
                    long dedicatedDiffering = differing.stream()
                            .filter(p -> p[0].target().memoryMode().startsWith(DEDICATED_SRAM)).count();
                    line.append(" (").append(dedicatedDiffering).append(" of the ").append(dedicated)
                            .append(" with a dedicated SRAM)");
                }
                VelaReport[] example = differing.stream()
                        .filter(p -> VelaConfigurations.DEPLOYMENT_TARGETS.contains(p[0].target())).findFirst().orElse(differing.get(0));
                VelaReport perf = example[0];
                VelaReport size = example[1];
                line.append("; on ").append(perf.target()).append(" Size needs ")
                        .append(Format.ratio(size.sramKiB() / perf.sramKiB())).append(" the SRAM and ")
                        .append(Format.ratio(size.inferenceMillis() / perf.inferenceMillis())).append(" the time (")
                        .append(Format.millis(size.inferenceMillis())).append(" instead of ")
                        .append(Format.millis(perf.inferenceMillis())).append(size.memoryBound() ? ", memory bound)." : ").");
            }
            lines.add(line.toString());
        }
        return Markdown.of(lines.toArray(String[]::new));
    }

    /** "Ethos-U55" for ethos-u55-128. */
    private static String generation(VelaTarget target) {
        String a = target.accelerator();
        return "Ethos-U" + a.substring("ethos-u".length(), a.lastIndexOf('-'));
    }

    /**
     * How {@code other} compares with {@code reference} on the same target: NPU-encoded weights,
     * off-chip flash (as a ratio: Vela's tables give it in KiB) and inference time.
     */
    public static Markdown versus(VelaReport reference, VelaReport other) {
        return Markdown.of("On the " + other.target().accelerator() + ", " + other.network() + " needs "
                + Format.bytes(other.encodedWeightBytes()) + " of NPU-encoded weights against "
                + Format.bytes(reference.encodedWeightBytes()) + " for " + reference.network() + " ("
                + Format.ratio((double) other.encodedWeightBytes() / reference.encodedWeightBytes()) + ") and "
                + Format.ratio(other.offChipFlashKiB() / reference.offChipFlashKiB()) + " its off-chip flash; Vela "
                + "estimates " + Format.millis(other.inferenceMillis()) + " per inference against "
                + Format.millis(reference.inferenceMillis()) + ".");
    }
}
