package org.condition4j.workshop;

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
 * The figures a notebook measured (accuracies, sizes, sparsity, Vela figures), kept as a JSON
 * object beside the model it describes ({@code <model>.metrics.json}), so that the comparison
 * notebook and the test runner can read them.
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

    public Metrics put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    public Metrics putAll(Map<String, ?> entries) {
        values.putAll(entries);
        return this;
    }

    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

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
