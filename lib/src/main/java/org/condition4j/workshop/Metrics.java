package org.condition4j.workshop;

import org.condition4j.runtime.ModelComparison;
import org.condition4j.stats.Accuracy;
import org.condition4j.vela.VelaReport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.condition4j.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The figures a notebook measured (accuracies with their intervals, sizes, sparsity, Vela
 * figures), kept as a JSON object beside the model it describes ({@code <model>.metrics.json}),
 * so that the comparison notebook and the test runner can read them. Keys are {@link MetricKey}s.
 */
public final class Metrics {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> values;

    private Metrics(Map<String, Object> values) {
        this.values = values;
    }

    public static Metrics create() {
        return new Metrics(new LinkedHashMap<>());
    }

    /** Records {@code value} under {@code key}. */
    public Metrics put(MetricKey key, Object value) {
        values.put(key.json(), value);
        return this;
    }

    /** Records an accuracy and, beside it, the ends of its 95 % interval. */
    public Metrics putAccuracy(MetricKey key, Accuracy accuracy) {
        values.put(key.json(), accuracy.value());
        values.put(key.intervalLow(), accuracy.interval().lower());
        values.put(key.intervalHigh(), accuracy.interval().upper());
        return this;
    }

    /**
     * Records what a comparison measured of one file: its accuracy under {@code accuracyKey}
     * with the interval, the number of test images, and its raw and gzip sizes.
     */
    public Metrics putMeasured(MetricKey accuracyKey, ModelComparison.Entry file) {
        putAccuracy(accuracyKey, file.evaluation().accuracyWithInterval());
        put(MetricKey.EVAL_IMAGES, file.evaluation().images());
        put(MetricKey.SIZE_BYTES, file.sizeBytes());
        return put(MetricKey.GZIP_BYTES, file.gzipBytes());
    }

    /** Records Vela's figures for one target, under the keys {@link VelaReport#metrics()} names. */
    public Metrics putVela(VelaReport report) {
        values.putAll(report.metrics());
        return this;
    }

    /** Records where the NPU-ready file Vela compiled for one target is, relative to {@code modelsDir}. */
    public Metrics putVelaDeployment(VelaReport report, Path modelsDir) {
        values.put(VelaReport.metricKey(report.target().accelerator(), "compiled_model"),
                modelsDir.toAbsolutePath().relativize(report.compiledModel().toAbsolutePath()).toString());
        return this;
    }

    /** Everything recorded, by name in the JSON. */
    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    public Optional<Double> number(MetricKey key) {
        return number(key.json());
    }

    /** A number by its name in the JSON: Vela's figures, whose names {@link VelaReport#metrics()} makes. */
    public Optional<Double> number(String key) {
        return values.get(key) instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }

    /** The metrics file that belongs to {@code model}: same folder, same base name. */
    public static Path fileFor(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".metrics.json");
    }

    /** Writes these metrics beside {@code model} (atomically), returning the file written. */
    public Path writeFor(Path model) {
        Path file = fileFor(model);
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(values));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public static Metrics read(Path file) {
        try {
            return new Metrics(JSON.readValue(Files.readAllBytes(file), new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read metrics " + file + ": " + e.getMessage(), e);
        }
    }

    /** The metrics of {@code model}, merged over what an earlier step already wrote for it. */
    public static Metrics readOrCreateFor(Path model) {
        Path file = fileFor(model);
        return Files.isRegularFile(file) ? read(file) : create();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
