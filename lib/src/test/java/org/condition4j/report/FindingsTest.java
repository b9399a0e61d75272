package org.condition4j.report;

import org.condition4j.cluster.CentroidInit;
import org.condition4j.cluster.ClusterStatistics;
import org.condition4j.collab.Sweep;
import org.condition4j.runtime.LiteRtCrossCheck;
import org.condition4j.runtime.ModelComparison;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Findings' sentences on hand-made results: the direction each one claims follows the figures.
 * p-values by hand (exact McNemar, two-sided): n discordant images all one way give 2 * 0.5^n,
 * 10 of them 0.001953 ("p = 0.0020"), 40 or 50 below 0.0001; one discordant image gives 1.
 */
class FindingsTest {
    private static final int IMAGES = 1000;

    /** Hits on {@link #IMAGES} images: the first {@code right} right. */
    static boolean[] firstRight(int right) {
        boolean[] hits = new boolean[IMAGES];
        for (int i = 0; i < right; i++) {
            hits[i] = true;
        }
        return hits;
    }

    /** A comparison entry whose first {@code right} images are classified right. */
    private static ModelComparison.Entry entry(String name, int right, long size, long gzip) {
        int[] labels = new int[IMAGES];
        int[] predictions = new int[IMAGES];
        for (int i = right; i < IMAGES; i++) {
            predictions[i] = 1;
        }
        return new ModelComparison.Entry(name, Path.of(name + ".tflite"),
                new TfliteInterpreter.Evaluation(labels, predictions, 0.1), size, gzip);
    }

    static VelaReport vela(String network, VelaTarget target, long encodedBytes) {
        return new VelaReport(network, target, 7, 0, List.of(), 100, 50, 0, 20_000, encodedBytes, 100_000, 90_000,
                0.5, 400_000, 10_000, Path.of(network + "_vela.tflite"), List.of());
    }

    private static Sweep.Result result(double sparsity, int clusters, Sweep.Quantization q, int right, long encoded) {
        return new Sweep.Result(new Sweep.Point(sparsity, clusters, q), firstRight(right), 20_000, 9_000, sparsity,
                clusters, encoded, 0.5, 100_000);
    }

    @Test
    void versusCallsALargeDropSignificantAndGzipsGainByTheSizes() {
        String text = Findings.versus(entry("int8", 950, 40_000, 30_000), entry("pruned", 900, 40_000, 12_000)).text();
        assertEquals("**pruned**: int8 accuracy 90.00 %, -5.00 points against int8 on the same 1,000 test images: "
                + "significantly less accurate (p < 0.0001).\n\n"
                + "Raw file 40.00 kB against 40.00 kB; gzip 12.00 kB against 30.00 kB (0.40×): "
                + "gzip finds more repetition in pruned.", text);
    }

    @Test
    void versusCallsOneImageNoSignificantDifferenceAndABiggerGzipNoGain() {
        String text = Findings.versus(entry("int8", 950, 40_000, 30_000), entry("pruned", 949, 41_000, 30_000)).text();
        assertEquals("**pruned**: int8 accuracy 94.90 %, -0.10 points against int8 on the same 1,000 test images: "
                + "no significant difference (p = 1.0).\n\n"
                + "Raw file 41.00 kB against 40.00 kB; gzip 30.00 kB against 30.00 kB (1.00×): "
                + "gzip finds no more repetition in pruned than in int8.", text);
    }

    @Test
    void collaborativeSaysFewerThanAnyTechniqueOnlyWhereTheMinimumSaysSo() {
        Map<String, List<VelaReport>> npu = new LinkedHashMap<>();
        npu.put("int8", List.of(vela("int8", VelaTarget.ETHOS_U55_128, 10_000)));
        npu.put("pruned", List.of(vela("pruned", VelaTarget.ETHOS_U55_128, 4_000)));
        npu.put("clustered", List.of(vela("clustered", VelaTarget.ETHOS_U55_128, 5_000)));
        npu.put("combined", List.of(vela("combined", VelaTarget.ETHOS_U55_128, 3_000)));
        String text = Findings.collaborative(entry("int8", 950, 1, 1), entry("combined", 940, 1, 1), npu).text();
        assertEquals("**combined**: int8 accuracy 94.00 %, -1.00 points against int8 on the same 1,000 test images: "
                + "significantly less accurate (p = 0.0020).\n\n"
                + "- **ethos-u55-128**: combined needs 3,000 B of NPU-encoded weights, 0.30× int8's 10,000 B; "
                + "the single techniques: pruned 0.40×, clustered 0.50×. Combined, the techniques need fewer "
                + "NPU-encoded weight bytes than any of them alone.", text);

        npu.put("combined", List.of(vela("combined", VelaTarget.ETHOS_U55_128, 5_000)));
        text = Findings.collaborative(entry("int8", 950, 1, 1), entry("combined", 951, 1, 1), npu).text();
        assertTrue(text.contains("+0.10 points against int8 on the same 1,000 test images: no significant difference (p = 1.0)"), text);
        assertTrue(text.endsWith("combined needs 5,000 B of NPU-encoded weights, 0.50× int8's 10,000 B; "
                + "the single techniques: pruned 0.40×, clustered 0.50×. Not fewer than pruned or clustered alone."), text);
        assertFalse(text.contains("fewer NPU-encoded weight bytes than any"), text);
    }

    @Test
    void initialisationsNameOnlyTheStartsThatDifferSignificantly() {
        List<ClusterStatistics.Initialisation> results = List.of(
                new ClusterStatistics.Initialisation(CentroidInit.LINEAR, 12, 0.1, firstRight(950)),
                new ClusterStatistics.Initialisation(CentroidInit.RANDOM, 30, 0.1, firstRight(900)),
                new ClusterStatistics.Initialisation(CentroidInit.DENSITY_BASED, 12, 0.1, firstRight(949)));
        assertEquals("Before fine-tuning, against LINEAR (exact McNemar test at the 5 % level): RANDOM significantly "
                + "less accurate (-5.00 points, p < 0.0001); no significant difference for the others. On this network "
                + "it matters where k-means starts. The starts differ in how much work k-means had to do: from 12 "
                + "iterations (LINEAR, DENSITY_BASED) to 30 (RANDOM), summed over the layers.",
                Findings.initialisations(results).text());

        List<ClusterStatistics.Initialisation> close = List.of(
                new ClusterStatistics.Initialisation(CentroidInit.LINEAR, 12, 0.1, firstRight(950)),
                new ClusterStatistics.Initialisation(CentroidInit.KMEANS_PLUS_PLUS, 12, 0.1, firstRight(951)));
        assertEquals("Before fine-tuning, no start differs significantly from LINEAR (exact McNemar test at the 5 % "
                + "level): after k-means the starts end up close to each other on this network. k-means needed 12 "
                + "iterations (summed over the layers) from every start.", Findings.initialisations(close).text());
    }

    @Test
    void sweepSaysWherePcqatBeatsPtqAndWhichPointsFallBelowTheReference() {
        List<Sweep.Result> results = List.of(
                result(0.9, 4, Sweep.Quantization.PTQ, 900, 5_000),
                result(0.9, 4, Sweep.Quantization.PCQAT, 940, 5_000),
                result(0.5, 32, Sweep.Quantization.PTQ, 949, 12_000),
                result(0.5, 32, Sweep.Quantization.PCQAT, 950, 12_000));
        assertEquals("PCQAT against PTQ of the same setting (exact McNemar test at the 5 % level): PCQAT is "
                + "significantly more accurate at 90 % / 4 (+4.00 points, p < 0.0001). No significant difference at "
                + "the other 1 setting.\n\n"
                + "Against int8 at 95.00 %: 1 of 2 PTQ points and 1 of 2 PCQAT points are significantly less accurate; "
                + "the least accurate point is 90 % / 4 / PTQ at 90.00 % (-5.00 points).",
                Findings.sweep(results, "int8", firstRight(950)).text());
    }

    @Test
    void sweepCallsAWorsePcqatLessAccurateAndNoDifferenceWhereThereIsNone() {
        List<Sweep.Result> worse = List.of(
                result(0.9, 4, Sweep.Quantization.PTQ, 940, 5_000),
                result(0.9, 4, Sweep.Quantization.PCQAT, 900, 5_000));
        String text = Findings.sweep(worse, "int8", firstRight(940)).text();
        assertTrue(text.startsWith("PCQAT against PTQ of the same setting (exact McNemar test at the 5 % level): "
                + "PCQAT is significantly less accurate at 90 % / 4 (-4.00 points, p < 0.0001).\n"), text);
        assertTrue(text.endsWith("Against int8 at 94.00 %: 0 of 1 PTQ points and 1 of 1 PCQAT points are "
                + "significantly less accurate; the least accurate point is 90 % / 4 / PCQAT at 90.00 % (-4.00 points)."), text);

        List<Sweep.Result> same = List.of(
                result(0.5, 32, Sweep.Quantization.PTQ, 949, 12_000),
                result(0.5, 32, Sweep.Quantization.PCQAT, 950, 12_000));
        assertTrue(Findings.sweep(same, "int8", firstRight(950)).text().startsWith("PCQAT against PTQ of the same "
                + "setting: no significant difference at the one setting of this run (exact McNemar test at the 5 % level).\n"));

        List<Sweep.Result> ptqOnly = List.of(result(0.5, 32, Sweep.Quantization.PTQ, 949, 12_000));
        assertTrue(Findings.sweep(ptqOnly, "int8", firstRight(950)).text().startsWith("No setting of this sweep was "
                + "quantized both ways, so PCQAT and PTQ cannot be compared here.\n"));
    }

    @Test
    void smallestWithinPicksTheFewestBytesWithinTheMarginOrSaysThereIsNone() {
        List<Sweep.Result> results = List.of(
                result(0.9, 4, Sweep.Quantization.PTQ, 900, 5_000),     // 5 points below: outside 1 point
                result(0.5, 32, Sweep.Quantization.PCQAT, 945, 8_000),  // 0.5 points below
                result(0.5, 32, Sweep.Quantization.PTQ, 950, 12_000));
        ModelComparison.Entry reference = entry("int8", 950, 1, 1);
        VelaReport onNpu = vela("int8", VelaTarget.ETHOS_U55_128, 10_000);
        String text = Findings.smallestWithin(results, reference, onNpu, 1.0).text();
        assertTrue(text.startsWith("The smallest point within 1 points of int8's 95.00 %: **50 % / 32 / PCQAT**, "
                + "int8 accuracy 94.50 % (95 % interval "), text);
        assertTrue(text.endsWith("), 8,000 B of NPU-encoded weights, 0.80× int8's 10,000 B on the ethos-u55-128."), text);

        assertEquals("No point of this sweep is within 0.25 points of int8's 95.00 %.",
                Findings.smallestWithin(results.subList(0, 2), reference, onNpu, 0.25).text());
    }

    @Test
    void crossChecksSayWhichModelsDisagreeAndHowFarInt8OutputsAreApart() {
        LiteRtCrossCheck.Result a = new LiteRtCrossCheck.Result(Path.of("a.tflite"), 100, 100, 100, 0, true, "");
        LiteRtCrossCheck.Result b = new LiteRtCrossCheck.Result(Path.of("b.tflite"), 100, 98, 99, 1.0, true, "");
        LiteRtCrossCheck.Result c = new LiteRtCrossCheck.Result(Path.of("c.tflite"), 100, 0, 100, 3.2e-7, false, "");
        assertEquals("The predictions differ for b (1 of 100 images); the other models agree on every image. "
                + "Int8 outputs: byte-identical on 198 of 200 (2 int8 models, each on its images); the others at most "
                + "1 step apart. Float outputs of c: largest difference 3.2e-07.",
                Findings.crossChecks(List.of(a, b, c)).text());

        LiteRtCrossCheck.Result bSame = new LiteRtCrossCheck.Result(Path.of("b.tflite"), 100, 100, 100, 0, true, "");
        assertEquals("All 3 models predict the same class in LiteRT as in the TFLite 2.6 interpreter on every image. "
                + "Int8 outputs: byte-identical for every image of every int8 model. "
                + "Float outputs of c: largest difference 3.2e-07.", Findings.crossChecks(List.of(a, bSame, c)).text());
    }
}
