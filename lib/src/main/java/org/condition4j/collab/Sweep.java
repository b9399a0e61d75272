package org.condition4j.collab;

import org.condition4j.cluster.CentroidInit;
import org.condition4j.cluster.ClusteredModel;
import org.condition4j.cluster.Clustering;
import org.condition4j.cluster.ClusteringConfig;
import org.condition4j.data.Mnist;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.io.AtomicFiles;
import org.condition4j.io.FileSizes;
import org.condition4j.model.SeedCnn;
import org.condition4j.model.Training;
import org.condition4j.prune.PrunedModel;
import org.condition4j.prune.Pruning;
import org.condition4j.prune.PruningSchedule;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.runtime.LiteRt;
import org.condition4j.stats.Accuracy;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The collaborative pipeline over a grid of settings: for each sparsity and number of clusters,
 * prune the baseline (fine-tuned), cluster it keeping the zeros (fine-tuned), and quantize to
 * int8 either directly (post-training quantization) or after PCQAT fine-tuning; then measure the
 * int8 file: accuracy in LiteRT, zeros and distinct values counted in it, gzip size, and Vela's
 * NPU-encoded weights and inference time on one target.
 *
 * <pre>{@code
 * List<Sweep.Result> results = Sweep.of(baseline, mnist, liteRt, vela, dir)
 *         .withTraining(trainImages, epochs).withEvaluation(testImages, calibrationImages)
 *         .run(Sweep.grid(new double[] {0.5, 0.75}, new int[] {16, 8}));
 * }</pre>
 *
 * <p>Results are cached in {@code dir/sweep.csv}, rewritten (atomically) after every point, so a
 * run that stops keeps what it finished and a second run skips the points already measured with
 * the same settings (epochs, images, target). The pruned and the clustered networks are shared
 * by the points that need them within one run. Progress goes to the given stream, one line per
 * stage plus the training progress.
 */
public final class Sweep {
    /** How the pruned and clustered network becomes int8. */
    public enum Quantization { PTQ, PCQAT }

    /** One setting of the grid. */
    public record Point(double sparsity, int clusters, Quantization quantization) {
        public Point {
            if (!(sparsity > 0 && sparsity < 1)) {
                throw new IllegalArgumentException("sparsity " + sparsity + " is outside (0, 1); give e.g. 0.75 for 75 %");
            }
            if (clusters < 2) {
                throw new IllegalArgumentException("clusters=" + clusters + " is invalid: at least 2 (one is the fixed zero)");
            }
            Objects.requireNonNull(quantization, "quantization");
        }

        /** For example "75 % / 16 / PCQAT". */
        public String label() {
            return String.format(Locale.ROOT, "%.0f %% / %d / %s", 100 * sparsity, clusters, quantization);
        }

        String fileName() {
            return String.format(Locale.ROOT, "sweep_s%02.0f_k%d_%s.tflite", 100 * sparsity, clusters,
                    quantization.name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * What one point's int8 file measured: which test images it classified right (in order, for
     * paired comparisons), sizes, zeros and distinct values counted in the file, Vela's figures.
     */
    public record Result(Point point, boolean[] hits, long sizeBytes, long gzipBytes, double fileSparsity,
                         int maxDistinctPerChannel, long encodedWeightBytes, double inferenceMillis, long cycles) {
        public Result {
            hits = hits.clone();
        }

        @Override
        public boolean[] hits() {
            return hits.clone();
        }

        public Accuracy accuracy() {
            return Accuracy.of(hits);
        }

        public int correct() {
            return accuracy().correct();
        }
    }

    private static final String HEADER = "settings,sparsity,clusters,quantization,hits,size_bytes,gzip_bytes,"
            + "file_sparsity,max_distinct_per_channel,encoded_weight_bytes,inference_ms,cycles";

    private final MultiLayerNetwork baseline;
    private final Mnist mnist;
    private final LiteRt liteRt;
    private final Vela vela;
    private final Path dir;
    private final VelaTarget target;
    private final int trainImages;
    private final int epochs;
    private final int testImages;
    private final int calibrationImages;
    private final PrintStream progress;

    private Sweep(MultiLayerNetwork baseline, Mnist mnist, LiteRt liteRt, Vela vela, Path dir, VelaTarget target,
                  int trainImages, int epochs, int testImages, int calibrationImages, PrintStream progress) {
        this.baseline = baseline;
        this.mnist = mnist;
        this.liteRt = liteRt;
        this.vela = vela;
        this.dir = dir;
        this.target = target;
        this.trainImages = trainImages;
        this.epochs = epochs;
        this.testImages = testImages;
        this.calibrationImages = calibrationImages;
        this.progress = progress;
    }

    /**
     * A sweep of {@code baseline} writing its files and cache into {@code dir}, by default with
     * 1 fine-tuning epoch on all training images, 10,000 test images, 100 calibration images,
     * Vela for an Ethos-U55-128, progress on standard output.
     */
    public static Sweep of(MultiLayerNetwork baseline, Mnist mnist, LiteRt liteRt, Vela vela, Path dir) {
        return new Sweep(Objects.requireNonNull(baseline, "baseline"), Objects.requireNonNull(mnist, "mnist"),
                Objects.requireNonNull(liteRt, "liteRt"), Objects.requireNonNull(vela, "vela"),
                Objects.requireNonNull(dir, "dir"), VelaTarget.ETHOS_U55_128, Mnist.TRAIN_SIZE, 1, Mnist.TEST_SIZE,
                100, System.out);
    }

    /** Fine-tuning of each stage (pruning, clustering, PCQAT): {@code epochs} passes over {@code images} training images. */
    public Sweep withTraining(int images, int epochs) {
        requireRange("training images", images, 1, Mnist.TRAIN_SIZE);
        requireRange("epochs", epochs, 1, 100);
        return new Sweep(baseline, mnist, liteRt, vela, dir, target, images, epochs, testImages, calibrationImages,
                progress);
    }

    /** Accuracy on the first {@code testImages} test images; post-training quantization calibrated on {@code calibrationImages}. */
    public Sweep withEvaluation(int testImages, int calibrationImages) {
        requireRange("test images", testImages, 1, Mnist.TEST_SIZE);
        requireRange("calibration images", calibrationImages, 1, Mnist.TRAIN_SIZE);
        return new Sweep(baseline, mnist, liteRt, vela, dir, target, trainImages, epochs, testImages,
                calibrationImages, progress);
    }

    /** The NPU configuration Vela compiles for. */
    public Sweep onTarget(VelaTarget target) {
        return new Sweep(baseline, mnist, liteRt, vela, dir, Objects.requireNonNull(target, "target"), trainImages,
                epochs, testImages, calibrationImages, progress);
    }

    public Sweep printingTo(PrintStream progress) {
        return new Sweep(baseline, mnist, liteRt, vela, dir, target, trainImages, epochs, testImages,
                calibrationImages, Objects.requireNonNull(progress, "progress"));
    }

    /** Every sparsity with every number of clusters, each with post-training quantization and with PCQAT. */
    public static List<Point> grid(double[] sparsities, int[] clusters) {
        List<Point> points = new ArrayList<>();
        for (double s : sparsities) {
            for (int k : clusters) {
                for (Quantization q : Quantization.values()) {
                    points.add(new Point(s, k, q));
                }
            }
        }
        return points;
    }

    /** The cache file: one line per measured point. */
    public Path cacheFile() {
        return dir.resolve("sweep.csv");
    }

    /** What a cached result must have been measured with to be reused: the same baseline (by a checksum of its parameters) and settings. */
    String settings() {
        java.util.zip.CRC32 checksum = new java.util.zip.CRC32();
        checksum.update(baseline.params().dup().data().asBytes());
        return "baseline=" + Long.toHexString(checksum.getValue()) + ";epochs=" + epochs + ";train=" + trainImages + ";test=" + testImages + ";calibration="
                + calibrationImages + ";target=" + target.folderName();
    }

    /**
     * Measures every point, in order, reusing cached results of the same settings; returns the
     * results in the order of {@code points}.
     */
    public List<Result> run(List<Point> points) {
        Map<String, Result> cached = readCache(cacheFile(), progress);
        Map<String, Result> all = new LinkedHashMap<>(cached);
        Map<Double, MultiLayerNetwork> pruned = new HashMap<>();
        Map<String, MultiLayerNetwork> clustered = new HashMap<>();
        DataSet test = mnist.testSample(testImages);
        List<Result> results = new ArrayList<>();
        int n = 0;
        for (Point point : points) {
            n++;
            String key = key(settings(), point);
            Result result = all.get(key);
            if (result != null) {
                progress.printf(Locale.ROOT, "[%d/%d] %s: cached%n", n, points.size(), point.label());
            } else {
                String step = String.format(Locale.ROOT, "[%d/%d] %s", n, points.size(), point.label());
                MultiLayerNetwork p = pruned.computeIfAbsent(point.sparsity(), s -> prune(step, s));
                MultiLayerNetwork pc = clustered.computeIfAbsent(point.sparsity() + "/" + point.clusters(),
                        k -> cluster(step, p, point.clusters()));
                result = measure(step, point, pc, test);
                all.put(key, result);
                writeCache(cacheFile(), all);
            }
            results.add(result);
        }
        return results;
    }

    private MultiLayerNetwork prune(String step, double sparsity) {
        progress.println(step + ": pruning");
        PrunedModel pruning = Pruning.lowMagnitude(baseline, PruningSchedule.constant(sparsity));
        fineTune(pruning.network(), pruning.listeners());
        return pruning.strip();
    }

    private MultiLayerNetwork cluster(String step, MultiLayerNetwork pruned, int clusters) {
        progress.println(step + ": clustering, keeping the zeros");
        ClusteredModel clustering = Clustering.cluster(pruned, config(clusters).withSparsityPreserved());
        fineTune(clustering.network(), clustering.listeners());
        return clustering.strip();
    }

    private Result measure(String step, Sweep.Point point, MultiLayerNetwork prunedClustered, DataSet test) {
        Path file = dir.resolve(point.fileName());
        if (point.quantization() == Quantization.PTQ) {
            progress.println(step + ": post-training quantization");
            // one scale per tensor, as PCQAT uses: a layer's K centroids stay K int8 values
            TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(prunedClustered),
                    mnist.trainSample(calibrationImages)).withPerTensorWeights()).writeTo(file);
        } else {
            progress.println(step + ": PCQAT");
            PreservingQat pcqat = PreservingQat.prepare(prunedClustered, PreservingQat.Keep.ZEROS_AND_CLUSTERS,
                    config(point.clusters()));
            fineTune(pcqat.network(), pcqat.listeners());
            TfliteExport.int8(pcqat.quantizedGraph()).writeTo(file);
        }
        progress.println(step + ": LiteRT and Vela");
        boolean[] hits = liteRt.evaluate(file, test).hits();
        WeightStatistics weights = TfliteModel.read(file).weightStatistics();
        int maxPerChannel = weights.tensors().stream().mapToInt(WeightStatistics.Tensor::maxDistinctPerChannel)
                .max().orElse(0);
        VelaReport npu = vela.compile(file, target, dir.resolve("vela"));
        return new Result(point, hits, FileSizes.raw(file), FileSizes.gzip(file),
                weights.overallSparsity(), maxPerChannel, npu.encodedWeightBytes(), npu.inferenceMillis(),
                npu.totalCycles());
    }

    private static ClusteringConfig config(int clusters) {
        return ClusteringConfig.of(clusters, CentroidInit.LINEAR);
    }

    private void fineTune(MultiLayerNetwork net, List<org.deeplearning4j.optimize.api.TrainingListener> listeners) {
        Training.of(net).printingTo(progress).withListeners(listeners)
                .fit(mnist.train(SeedCnn.BATCH_SIZE, trainImages), null, epochs);
    }

    /**
     * The results no other result beats on both counts: none is at least as accurate with a
     * smaller or equal {@code cost} and better on one of them. Ordered by cost.
     */
    public static List<Result> paretoFront(List<Result> results, ToDoubleFunction<Result> cost) {
        List<Result> front = new ArrayList<>();
        for (Result r : results) {
            boolean dominated = results.stream().anyMatch(o -> o != r
                    && cost.applyAsDouble(o) <= cost.applyAsDouble(r) && o.correct() >= r.correct()
                    && (cost.applyAsDouble(o) < cost.applyAsDouble(r) || o.correct() > r.correct()));
            if (!dominated) {
                front.add(r);
            }
        }
        front.sort(Comparator.comparingDouble(cost));
        return front;
    }

    /**
     * The result with the fewest NPU-encoded weight bytes among those whose accuracy is at most
     * {@code points} percentage points below {@code baselineAccuracy} (a fraction), if any.
     */
    public static Optional<Result> smallestWithin(List<Result> results, double baselineAccuracy, double points) {
        return results.stream()
                .filter(r -> r.accuracy().value() >= baselineAccuracy - points / 100)
                .min(Comparator.comparingLong(Result::encodedWeightBytes));
    }

    static String key(String settings, Point point) {
        return settings + "|" + String.format(Locale.ROOT, "%.4f|%d|%s", point.sparsity(), point.clusters(),
                point.quantization());
    }

    /** The cached results in {@code file} by {@link #key}; none if it does not exist or is of another format. */
    static Map<String, Result> readCache(Path file, PrintStream progress) {
        Map<String, Result> cached = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return cached;
        }
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                progress.println("Ignoring " + file + ": not a sweep cache of this version; measuring again");
                return cached;
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                Point point = new Point(Double.parseDouble(f[1]), Integer.parseInt(f[2]), Quantization.valueOf(f[3]));
                cached.put(key(f[0], point), new Result(point, bits(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                        Double.parseDouble(f[7]), Integer.parseInt(f[8]), Long.parseLong(f[9]),
                        Double.parseDouble(f[10]), Long.parseLong(f[11])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the sweep cache " + file + "; delete it to measure again", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("The sweep cache " + file + " is damaged (" + e.getMessage()
                    + "); delete it to measure again", e);
        }
        return cached;
    }

    /** Writes {@code results} (by {@link #key}) to {@code file}, atomically. */
    static void writeCache(Path file, Map<String, Result> results) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        results.forEach((key, r) -> text.append(key.substring(0, key.indexOf('|'))).append(',')
                .append(String.format(Locale.ROOT, "%s,%d,%s,%s,%d,%d,%s,%d,%d,%s,%d%n",
                        Double.toString(r.point().sparsity()), r.point().clusters(), r.point().quantization(),
                        bits(r.hits()), r.sizeBytes(), r.gzipBytes(), Double.toString(r.fileSparsity()),
                        r.maxDistinctPerChannel(), r.encodedWeightBytes(), Double.toString(r.inferenceMillis()),
                        r.cycles())));
        AtomicFiles.writeString(file, text.toString());
    }

    /** Hits as a string of 0 and 1, one character per test image. */
    private static String bits(boolean[] hits) {
        StringBuilder text = new StringBuilder(hits.length);
        for (boolean hit : hits) {
            text.append(hit ? '1' : '0');
        }
        return text.toString();
    }

    private static boolean[] bits(String text) {
        boolean[] hits = new boolean[text.length()];
        for (int i = 0; i < hits.length; i++) {
            char c = text.charAt(i);
            if (c != '0' && c != '1') {
                throw new IllegalArgumentException("hits hold '" + c + "'");
            }
            hits[i] = c == '1';
        }
        return hits;
    }

    private static void requireRange(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + "=" + value + " is invalid: it must be between " + min
                    + " and " + max);
        }
    }
}
