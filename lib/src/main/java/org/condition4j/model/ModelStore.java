package org.condition4j.model;

import org.condition4j.backend.Backend;
import org.condition4j.io.AtomicFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Saves and loads trained networks (DL4J's zip format, updater state included). */
public final class ModelStore {
    private ModelStore() {}

    /** Writes {@code net} to {@code file} atomically: an earlier file stays intact if this fails. */
    public static void save(MultiLayerNetwork net, Path file) {
        AtomicFiles.write(file, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
    }

    public static MultiLayerNetwork load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No saved model at " + file.toAbsolutePath()
                    + "; train and save a network there first (the baseline notebook does, or ./run.sh)");
        }
        Backend.start();
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the model " + file.toAbsolutePath()
                    + " (" + e.getMessage() + "); delete it and train again", e);
        }
    }
}
