package org.condition4j.report;

import org.condition4j.collab.Sweep;
import org.condition4j.model.TrainingHistory;
import org.condition4j.quantize.ActivationRanges;
import org.condition4j.qat.FakeQuantActivation;
import org.condition4j.qat.MovingAverageRange;
import org.condition4j.stats.Accuracy;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.chartpart.ChartProbe;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

import javax.imageio.ImageIO;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every chart of the notebooks, drawn from realistic data, checked for what reads at a glance:
 * legends inside the image, integer ticks on integer data, intervals drawn as error bars, the
 * sweep zoomed on the band with no point dropped. The images go to target/chart-samples/ to be
 * looked at.
 */
class ChartsTest {
    private static final Path SAMPLES = Path.of("target", "chart-samples");
    private static final int IMAGES = 10_000;
    /** The baseline's int8 accuracy in the sweep data: 9,891 of 10,000. */
    private static final int BASELINE_RIGHT = 9_891;

    // ---- realistic data ----

    private static boolean[] firstRight(int right) {
        boolean[] hits = new boolean[IMAGES];
        for (int i = 0; i < right; i++) {
            hits[i] = true;
        }
        return hits;
    }

    /** Images right of 10,000 per sweep point, PTQ then PCQAT, by sparsity (rows) and clusters 32, 16, 8, 4. */
    private static final double[] SPARSITIES = {0.5, 0.75, 0.9, 0.95};
    private static final int[] CLUSTERS = {32, 16, 8, 4};
    private static final int[][] PTQ_RIGHT = {{9885, 9880, 9871, 9832}, {9880, 9868, 9850, 9760},
            {9860, 9831, 9720, 8803}, {9811, 9702, 9350, 4530}};
    private static final int[][] PCQAT_RIGHT = {{9890, 9886, 9880, 9871}, {9886, 9880, 9871, 9850},
            {9871, 9860, 9841, 9800}, {9842, 9822, 9781, 9150}};

    static List<Sweep.Result> sweep() {
        List<Sweep.Result> results = new ArrayList<>();
        for (int i = 0; i < SPARSITIES.length; i++) {
            for (int j = 0; j < CLUSTERS.length; j++) {
                double s = SPARSITIES[i];
                int k = CLUSTERS[j];
                long encoded = Math.round(1000 * (8 + 60 * (1 - s) * (0.55 + 0.09 * Math.log(k) / Math.log(2))));
                double ms = 0.21 + 0.12 * (1 - s) + 0.002 * k;
                results.add(new Sweep.Result(new Sweep.Point(s, k, Sweep.Quantization.PTQ), firstRight(PTQ_RIGHT[i][j]),
                        90_000, 30_000, s, k, encoded, ms, 100_000));
                results.add(new Sweep.Result(new Sweep.Point(s, k, Sweep.Quantization.PCQAT),
                        firstRight(PCQAT_RIGHT[i][j]), 90_000, 30_000, s, k, encoded, ms, 100_000));
            }
        }
        return results;
    }

    private static final List<String> MODELS = List.of("int8 (post-training)", "quantization-aware int8",
            "pruned 75 % int8", "clustered 16 int8", "pruned + clustered (PTQ)", "pruned + clustered + PCQAT");
    private static final int[] MODEL_RIGHT = {9891, 9902, 9880, 9874, 9859, 9887};

    private static List<Accuracy> modelAccuracies() {
        List<Accuracy> accuracies = new ArrayList<>();
        for (int right : MODEL_RIGHT) {
            accuracies.add(new Accuracy(right, IMAGES));
        }
        return accuracies;
    }

    private static VelaReport vela(VelaTarget target, double millis, long cycles, boolean memoryBound) {
        long macs = 2_400_000;
        return new VelaReport("seed_cnn", target, 5, 0, List.of(), 50, 10, 0, 100, 80, cycles, cycles,
                millis, macs, memoryBound ? cycles + 1 : cycles - 1, Path.of("seed_cnn_vela.tflite"), List.of());
    }

    // ---- what every chart must hold ----

    /** Saves the image and checks each panel's legend and plot lie inside the image it was drawn in. */
    private static void save(String name, BufferedImage image, Chart<?, ?>... panels) throws IOException {
        Files.createDirectories(SAMPLES);
        ImageIO.write(image, "png", SAMPLES.resolve(name + ".png").toFile());
        for (Chart<?, ?> chart : panels) {
            Rectangle2D drawn = new Rectangle2D.Double(0, 0, chart.getWidth(), chart.getHeight());
            assertTrue(chart.getWidth() <= image.getWidth() && chart.getHeight() <= image.getHeight(), name);
            Rectangle2D legend = ChartProbe.legend(chart);
            if (legend != null) {
                assertTrue(drawn.contains(legend), name + ": legend " + legend + " is cut off by the image " + drawn);
                assertFalse(legend.intersects(ChartProbe.plot(chart)), name + ": legend over the plot");
            }
            assertTrue(drawn.contains(ChartProbe.plot(chart)), name + ": plot " + ChartProbe.plot(chart));
            double title = ChartStyle.textWidth(chart.getTitle(), ChartStyle.TITLE);
            assertTrue(title < chart.getWidth() - 2 * chart.getStyler().getChartPadding(),
                    name + ": the title '" + chart.getTitle() + "' is wider than the chart");
            if (chart instanceof CategoryChart bars) {
                List<?> categories = bars.getSeriesMap().values().iterator().next().getXData().stream().toList();
                assertEquals(categories, ChartProbe.xTickLabelsDrawn(chart), name + ": every category named");
            }
            for (Rectangle2D label : ChartProbe.annotations(chart)) {
                assertTrue(drawn.contains(label), name + ": point label " + label + " outside the image");
            }
        }
    }

    /** The labels parse as whole numbers ("1,200", "-64"), and there are at least two. */
    private static void assertIntegerTicks(List<String> labels, String what) {
        assertTrue(labels.size() >= 2, what + ": ticks " + labels);
        for (String label : labels) {
            assertTrue(label.replace(",", "").matches("-?\\d+"), what + ": tick '" + label + "' of " + labels
                    + " is not an integer");
        }
    }

    /** 95 % Wilson score interval of right/n, computed here from its formula: the test's own oracle. */
    private static double[] wilson(int right, int n) {
        double z = 1.959963984540054;
        double p = (double) right / n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z / (1 + z * z / n) * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return new double[] {100 * (centre - half), 100 * (centre + half)};
    }

    // ---- the charts ----

    @Test
    void sweepZoomsOnTheBandAndDrawsBrokenPointsInTheirOwnLabelledPanel() throws IOException {
        List<Sweep.Result> results = sweep();
        double baseline = BASELINE_RIGHT / (double) IMAGES;
        for (boolean byTime : new boolean[] {false, true}) {
            List<ChartStyle.Panel> panels = byTime
                    ? CollabReport.sweepPanels(results, Sweep.Result::inferenceMillis, "U55-128 inference time (ms)", baseline)
                    : CollabReport.sweepPanels(results, r -> r.encodedWeightBytes() / 1000.0, "NPU-encoded weights (kB)",
                    baseline);
            assertEquals(2, panels.size(), "the band and the points below it");
            BufferedImage image = Charts.stacked(panels.stream().map(ChartStyle::render).toArray(BufferedImage[]::new));
            save(byTime ? "05_sweep_time" : "05_sweep_size", image, panels.get(0).chart(), panels.get(1).chart());

            // the oracle: the band is every point at most 3 points below 98.91 %, from the counts above
            double floor = 100.0 * BASELINE_RIGHT / IMAGES - 3;
            List<Double> inBand = new ArrayList<>();
            List<Double> belowBand = new ArrayList<>();
            for (int[][] table : new int[][][] {PTQ_RIGHT, PCQAT_RIGHT}) {
                for (int[] row : table) {
                    for (int right : row) {
                        (100.0 * right / IMAGES >= floor ? inBand : belowBand).add(100.0 * right / IMAGES);
                    }
                }
            }
            XYChart band = (XYChart) panels.get(0).chart();
            XYChart below = (XYChart) panels.get(1).chart();
            double lowest = inBand.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double highest = inBand.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double yMin = ChartProbe.yMin(band);
            double yMax = ChartProbe.yMax(band);
            assertTrue(yMin < lowest - 0.1 && yMin < 98.91 - 0.5 - 0.1, "band axis from " + yMin);
            assertTrue(yMax > Math.max(highest, 98.91) + 0.1, "band axis to " + yMax);
            assertTrue(yMin > floor - 1, "the band panel is zoomed (from " + yMin + "), not down to the broken points");
            // the baseline and the line 0.5 below it at least 25 pixels apart: readable, not one line
            assertTrue(band.getScreenYFromChart(98.41) - band.getScreenYFromChart(98.91) > 25);

            assertEquals(inBand.stream().sorted().toList(), points(band));
            assertEquals(belowBand.stream().sorted().toList(), points(below), "no point dropped");
            assertTrue(ChartProbe.yMin(below) <= belowBand.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
            assertEquals(inBand.size(), panels.get(0).labels().size(), "every point labelled");
            // below the band one label per setting, with the accuracy of each of its points there
            // (the two points of 95/4, 45.30 and 91.50 %, are too far apart to share a label)
            assertTrue(panels.get(1).labels().stream().anyMatch(l -> l.text().equals("95/4: 45.30 %")),
                    panels.get(1).labels().toString());
            assertTrue(panels.get(1).labels().stream().anyMatch(l -> l.text().equals("95/4: 91.50 %")));
            assertTrue(panels.get(1).labels().stream().anyMatch(l -> l.text().equals("90/4: 88.03 %")));
            assertTrue(panels.get(0).labels().stream().anyMatch(l -> l.text().equals("50/32")));
            assertEveryPointNamed(panels.get(0));
            assertEveryPointNamed(panels.get(1));
            // both panels share the x axis, so a point sits at the same x in both
            assertEquals(ChartProbe.xMin(band), ChartProbe.xMin(below), 1e-12);
            assertEquals(ChartProbe.xMax(band), ChartProbe.xMax(below), 1e-12);
            assertNotNull(ChartProbe.legend(band), "the band panel has the legend");
        }
    }

    /**
     * Every requested label is drawn next to its point: a label with its text within a few
     * pixels of the point (one label may name two points of one setting drawn on top of each other).
     */
    private static void assertEveryPointNamed(ChartStyle.Panel panel) {
        List<String> texts = ChartProbe.annotationTexts(panel.chart());
        List<Rectangle2D> boxes = ChartProbe.annotations(panel.chart());
        for (ChartStyle.Label label : panel.labels()) {
            double x = panel.chart().getScreenXFromChart(label.x());
            double y = panel.chart().getScreenYFromChart(label.y());
            boolean named = false;
            for (int i = 0; i < texts.size(); i++) {
                Rectangle2D near = boxes.get(i).getBounds2D();
                near.add(new Rectangle2D.Double(near.getX() - 50, near.getY() - 50, near.getWidth() + 100,
                        near.getHeight() + 100));
                named |= texts.get(i).equals(label.text()) && near.contains(x, y);
            }
            assertTrue(named, "no label '" + label.text() + "' next to its point at " + x + ", " + y + ": " + texts);
        }
    }

    /** The accuracies of the PTQ and PCQAT points a panel draws, sorted. */
    private static List<Double> points(XYChart chart) {
        List<Double> ys = new ArrayList<>();
        for (String q : List.of("PTQ", "PCQAT")) {
            XYSeries s = chart.getSeriesMap().get(q);
            if (s != null) {
                for (double y : s.getYData()) {
                    ys.add(Math.round(y * 100) / 100.0);
                }
            }
        }
        return ys.stream().sorted().toList();
    }

    @Test
    void belowTheBandOneLabelNamesASettingsTwoPointsWhenTheyLieClose() {
        List<Sweep.Result> below = List.of(
                new Sweep.Result(new Sweep.Point(0.95, 4, Sweep.Quantization.PTQ), firstRight(4929), 1, 1, 0.95, 4,
                        1872, 0.2, 1),
                new Sweep.Result(new Sweep.Point(0.95, 4, Sweep.Quantization.PCQAT), firstRight(5201), 1, 1, 0.95, 4,
                        1872, 0.2, 1));
        List<ChartStyle.Label> close = CollabReport.belowBandLabels(below, r -> r.encodedWeightBytes() / 1000.0, 3);
        assertEquals(List.of("95/4: 49.29 % PTQ, 52.01 % PCQAT"), close.stream().map(ChartStyle.Label::text).toList());
        assertEquals(52.01, close.get(0).y(), 1e-9, "at the upper point");
        List<ChartStyle.Label> apart = CollabReport.belowBandLabels(below, r -> r.encodedWeightBytes() / 1000.0, 2);
        assertEquals(List.of("95/4: 49.29 %", "95/4: 52.01 %"), apart.stream().map(ChartStyle.Label::text).toList());
    }

    @Test
    void accuraciesArePointsWithTheirIntervalsAsErrorBars() throws IOException {
        CategoryChart accuracy = Charts.accuracyChart("int8 accuracy on 10,000 test images", MODELS, modelAccuracies());
        Map<String, List<Double>> encoded = new LinkedHashMap<>();
        encoded.put("ethos-u55-128", List.of(67.9, 67.9, 31.2, 24.5, 13.8, 13.9));
        encoded.put("ethos-u85-256", List.of(68.4, 68.4, 31.9, 25.1, 14.2, 14.3));
        CategoryChart weights = Charts.barChart("NPU-encoded weights (Vela)", "NPU-encoded weights (kB)", MODELS, encoded);
        save("05_comparison", ChartStyle.row(new ChartStyle.Panel(accuracy), new ChartStyle.Panel(weights)),
                accuracy, weights);

        CategorySeries interval = accuracy.getSeriesMap().get(Charts.INTERVAL_SERIES);
        List<? extends Number> middle = new ArrayList<>(interval.getYData());
        List<? extends Number> half = new ArrayList<>(interval.getExtraValues());
        for (int i = 0; i < MODELS.size(); i++) {
            double[] expected = wilson(MODEL_RIGHT[i], IMAGES);
            double m = middle.get(i).doubleValue();
            double h = half.get(i).doubleValue();
            assertEquals(expected[0], m - h, 1e-6, "lower end of the error bar of " + MODELS.get(i));
            assertEquals(expected[1], m + h, 1e-6, "upper end of the error bar of " + MODELS.get(i));
            assertTrue(ChartProbe.yMin(accuracy) < expected[0] && ChartProbe.yMax(accuracy) > expected[1]);
        }
        assertTrue(ChartProbe.yMin(accuracy) > 90, "zoomed on the intervals, not from 0");
    }

    @Test
    void accuracyAgainstSizeLabelsEachModelAndDrawsItsInterval() throws IOException {
        double[] gzip = {54.2, 54.3, 25.9, 13.1, 9.6, 9.7};
        ChartStyle.Panel panel = Charts.accuracyAgainstPanel("int8 accuracy against compressed size", "gzip size (kB)",
                MODELS, gzip, modelAccuracies());
        Map<String, List<Double>> weights = Map.of("encoded weights", List.of(67.9, 67.9, 31.2, 24.5, 13.8, 13.9));
        CategoryChart bars = Charts.barChart("NPU-encoded weights on ethos-u55-128", "NPU-encoded weights (kB)", MODELS,
                weights);
        save("06_accuracy_vs_size", ChartStyle.row(panel, new ChartStyle.Panel(bars)), panel.chart(), bars);
        XYChart chart = (XYChart) panel.chart();
        for (int i = 0; i < MODELS.size(); i++) {
            XYSeries s = chart.getSeriesMap().get("interval " + i);
            assertNotNull(s, "interval of " + MODELS.get(i));
            double[] expected = wilson(MODEL_RIGHT[i], IMAGES);
            assertEquals(expected[0], s.getYData()[0], 1e-6);
            assertEquals(expected[1], s.getYData()[1], 1e-6);
            assertEquals(gzip[i], s.getXData()[0], 0);
        }
        assertEquals(MODELS, panel.labels().stream().map(ChartStyle.Label::text).toList());
        assertEquals(MODELS, ChartProbe.annotationTexts(chart));
        assertEveryPointNamed(panel);
    }

    @Test
    void integerDataGetsIntegerTicks() throws IOException {
        // int8 weight codes of one layer: bell-shaped around 0, within [-127, 127]
        Random random = new Random(7);
        double[] codes = new double[9_216];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = Math.max(-127, Math.min(127, Math.round(random.nextGaussian() * 28)));
        }
        XYChart histogram = Charts.histogramChart("conv2: int8 weight codes", "int8 code", 255, false,
                Map.of("conv2", codes));
        double[] channels = new double[32];
        double[] scales = new double[32];
        for (int c = 0; c < 32; c++) {
            channels[c] = c;
            scales[c] = 2 + random.nextDouble() * 3;
        }
        XYChart perChannel = Charts.lineChart("conv2: weight scale per output channel", "output channel",
                "scale (× 1/1000)", channels, Map.of("scale", scales));
        save("01_int8_weights", ChartStyle.row(new ChartStyle.Panel(histogram), new ChartStyle.Panel(perChannel)),
                histogram, perChannel);
        assertIntegerTicks(ChartProbe.xTickLabels(histogram), "int8 codes");
        assertIntegerTicks(ChartProbe.yTickLabels(histogram), "counts");
        assertIntegerTicks(ChartProbe.xTickLabels(perChannel), "channels");
        // whole-unit bins centred on the codes: every code counted once, in its own bin
        XYSeries bins = histogram.getSeriesMap().get("conv2");
        assertEquals(codes.length, java.util.Arrays.stream(bins.getYData()).sum(), 0);
        for (double centre : bins.getXData()) {
            assertEquals(Math.rint(centre), centre, 1e-9, "bin centred on a code");
        }

        // training steps of the pruning schedule, and epochs
        double[] steps = new double[601];
        double[] constant = new double[601];
        double[] decay = new double[601];
        for (int t = 0; t <= 600; t++) {
            steps[t] = t;
            constant[t] = 75;
            decay[t] = t >= 480 ? 75 : 75 * (1 - Math.pow(1 - Math.floor(t / 60.0) * 60 / 480, 3));
        }
        Map<String, double[]> schedules = new LinkedHashMap<>();
        schedules.put("constant 75 %", constant);
        schedules.put("polynomial decay 0 → 75 %", decay);
        XYChart schedule = Charts.lineChart("Sparsity in effect during fine-tuning", "training step", "sparsity (%)",
                steps, schedules);
        save("03_schedule", ChartStyle.render(schedule), schedule);
        assertIntegerTicks(ChartProbe.xTickLabels(schedule), "training steps");
        for (String tick : ChartProbe.xTickLabels(schedule)) {
            assertEquals(0, Integer.parseInt(tick.replace(",", "")) % 50, "round steps, not every k-th value: " + tick);
        }

        TrainingHistory history = new TrainingHistory();
        history.add(new TrainingHistory.Epoch(1, 0.231, 0.931, 0.978, 10_000, 41, 1450));
        history.add(new TrainingHistory.Epoch(2, 0.061, 0.981, 0.985, 10_000, 40, 1480));
        history.add(new TrainingHistory.Epoch(3, 0.043, 0.987, 0.989, 10_000, 40, 1490));
        ChartStyle.Panel[] training = Charts.trainingPanels(history);
        save("00_training", ChartStyle.row(training), training[0].chart(), training[1].chart());
        assertIntegerTicks(ChartProbe.xTickLabels(training[0].chart()), "epochs");
        assertIntegerTicks(ChartProbe.xTickLabels(training[1].chart()), "epochs");

        Map<String, List<Long>> cycles = new LinkedHashMap<>();
        cycles.put("int8 (post-training)", List.of(21_400L, 48_900L, 3_100L, 9_800L));
        cycles.put("pruned + clustered + PCQAT", List.of(21_400L, 41_200L, 3_100L, 4_600L));
        CategoryChart perOperator = Charts.barChart("Cycles per operator on ethos-u55-128", "NPU cycles",
                List.of("conv1", "conv2", "pool", "dense"), cycles);
        save("07_operator_cycles", ChartStyle.render(perOperator), perOperator);
        assertIntegerTicks(ChartProbe.yTickLabels(perOperator), "cycles");
    }

    @Test
    void legendsWithManyOrLongNamesAreNeverCut() throws IOException {
        // the MACs sweep: four curves, the memory-bound marks and the peak
        List<VelaReport> reports = new ArrayList<>();
        String[][] systems = {{"ethos-u55-", "Ethos_U55_High_End_Embedded", "Shared_Sram"},
                {"ethos-u85-", "Ethos_U85_SYS_Flash_High", "Shared_Sram"},
                {"ethos-u85-", "Ethos_U85_SYS_Flash_High", "Sram_Only"},
                {"ethos-u85-", "Ethos_U85_SYS_DRAM_Mid", "Dedicated_Sram"}};
        int[][] macs = {{32, 64, 128, 256}, {128, 256, 512, 1024, 2048}, {128, 256, 512, 1024, 2048},
                {128, 256, 512, 1024, 2048}};
        double[] floor = {0.20, 0.16, 0.03, 0.05};
        for (int s = 0; s < systems.length; s++) {
            for (int m : macs[s]) {
                double compute = 2_400_000.0 / (0.55 * m) / 500_000; // ms at 500 MHz
                double ms = Math.max(compute, floor[s]);
                long cycles = Math.round(ms * 500_000);
                reports.add(vela(new VelaTarget(systems[s][0] + m, systems[s][1], systems[s][2]), ms, cycles,
                        ms == floor[s]));
            }
        }
        ChartStyle.Panel[] panels = NpuReport.inferencePanels(reports, "seed_cnn");
        save("07_macs", ChartStyle.row(panels), panels[0].chart(), panels[1].chart());
        assertTrue(panels[1].chart().getSeriesMap().containsKey(NpuReport.PEAK));

        // six models in the legend of the inference-time bars
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int i = 0; i < MODELS.size(); i++) {
            times.put(MODELS.get(i), List.of(0.31 - 0.02 * i, 0.12 - 0.01 * i, 0.05));
        }
        CategoryChart bars = Charts.barChart("Estimated inference time (Vela)", "inference time (ms)",
                List.of("ethos-u55-128", "ethos-u55-256", "ethos-u85-512"), times);
        save("06_inference_times", ChartStyle.render(bars), bars);
        assertNotNull(ChartProbe.legend(bars));

        // long series names of the ranges chart, and the fake quantization curves
        List<String> tensors = List.of("input", "conv1/Relu", "conv2/Relu", "dense/BiasAdd");
        ActivationRanges calibrated = ActivationRanges.empty().with("input", 0, 1).with("conv1/Relu", 0, 4.1)
                .with("conv2/Relu", 0, 7.9).with("dense/BiasAdd", -21.3, 24.8);
        ActivationRanges learned = ActivationRanges.empty().with("input", 0, 1).with("conv1/Relu", 0, 3.2)
                .with("conv2/Relu", 0, 5.6).with("dense/BiasAdd", -17.0, 19.9);
        CategoryChart ranges = QatReport.rangeTopChart(tensors, calibrated, learned, 1_000);
        save("02_range_tops", ChartStyle.render(ranges), ranges);

        ChartStyle.Panel[] fakeQuant = QatReport.fakeQuantizationPanels(
                new FakeQuantActivation(new ActivationIdentity(), MovingAverageRange.of(-1, 1)));
        save("02_fake_quantization", ChartStyle.row(fakeQuant), fakeQuant[0].chart(), fakeQuant[1].chart());

        Map<String, double[]> magnitudes = new LinkedHashMap<>();
        Random random = new Random(3);
        magnitudes.put("baseline", random.doubles(20_000).map(u -> Math.abs(random.nextGaussian()) * 0.05).toArray());
        magnitudes.put("pruned 75 %, fine-tuned", random.doubles(20_000)
                .map(u -> u < 0.75 ? 0 : 0.03 + Math.abs(random.nextGaussian()) * 0.06).toArray());
        XYChart histogram = Charts.histogramChart("Weight magnitudes of the prunable layers", "|w| (weight magnitude)",
                60, true, magnitudes);
        save("03_magnitudes", ChartStyle.render(histogram), histogram);

        // clustering: the baseline's weights against the same weights on 16 centroids
        Map<String, double[]> clustered = new LinkedHashMap<>();
        double[] before = random.doubles(9_216).map(u -> random.nextGaussian() * 0.07).toArray();
        clustered.put("baseline", before);
        clustered.put("clustered", java.util.Arrays.stream(before)
                .map(w -> Math.max(-0.3, Math.min(0.3, Math.round(w / 0.04) * 0.04))).toArray());
        XYChart weights = Charts.histogramChart("conv2 weights", "weight value", 150, false, clustered);
        save("04_clustered_weights", ChartStyle.render(weights), weights);
        assertIntegerTicks(ChartProbe.yTickLabels(weights), "counts");
        for (String tick : ChartProbe.xTickLabels(weights)) {
            assertTrue(tick.matches("-?\\d+(\\.\\d{1,2})?"), "round weight ticks, not bin centres: " + tick);
        }
    }
}
