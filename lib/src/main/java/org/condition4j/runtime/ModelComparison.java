package org.condition4j.runtime;

import org.condition4j.io.FileSizes;
import org.condition4j.stats.PairedComparison;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * .tflite files side by side, each run by LiteRT on the same test images: every prediction
 * (for accuracy, its interval and paired significance), raw and gzip size, LiteRT's speed. The
 * closing table and chart of each technique notebook ({@code Tables.comparison} and
 * {@code Charts.comparison} show it).
 *
 * <pre>{@code
 * var comparison = ModelComparison.on(mnist.testSample(10_000), liteRt)
 *         .add("int8", ptqFile)
 *         .add("pruned int8", prunedFile);
 * Tables.comparison(comparison)
 * }</pre>
 */
public final class ModelComparison {

    /** One measured model. */
    public record Entry(String name, Path file, TfliteInterpreter.Evaluation evaluation, long sizeBytes,
                        long gzipBytes) {
        public double accuracy() {
            return evaluation.accuracy();
        }
    }

    private final DataSet testImages;
    private final LiteRt liteRt;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private ModelComparison(DataSet testImages, LiteRt liteRt) {
        this.testImages = testImages;
        this.liteRt = liteRt;
    }

    /** A comparison of models that {@code liteRt} runs on {@code testImages}. */
    public static ModelComparison on(DataSet testImages, LiteRt liteRt) {
        if (testImages == null || testImages.numExamples() == 0) {
            throw new IllegalArgumentException("A comparison needs at least one test image");
        }
        if (liteRt == null) {
            throw new IllegalArgumentException("A comparison needs the LiteRT that runs the models");
        }
        return new ModelComparison(testImages, liteRt);
    }

    /** Runs {@code file} in LiteRT on the test images (one call) and measures its size. */
    public ModelComparison add(String name, Path file) {
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("A model named '" + name + "' is already in the comparison");
        }
        TfliteInterpreter.Evaluation evaluation = liteRt.evaluate(file, testImages);
        entries.put(name, new Entry(name, file, evaluation, FileSizes.raw(file), FileSizes.gzip(file)));
        return this;
    }

    public Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("No model '" + name + "' in the comparison; it has " + entries.keySet());
        }
        return entry;
    }

    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Whether the models named {@code first} and {@code second} differ on these images (exact McNemar). */
    public PairedComparison versus(String first, String second) {
        return PairedComparison.of(entry(first).evaluation().hits(), entry(second).evaluation().hits());
    }

    /** How many test images each model ran on. */
    public int images() {
        return testImages.numExamples();
    }
}
