package org.condition4j.workshop;

import org.condition4j.model.ModelStore;
import org.condition4j.model.SeedCnn;
import org.condition4j.model.Training;
import org.condition4j.model.TrainingHistory;
import org.condition4j.data.Mnist;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The trained seed CNN that every technique starts from, kept in
 * {@code conditioned_models/baseline.zip} so each notebook can run on its own.
 */
public final class Baseline {
    private Baseline() {}

    public static Path file() {
        return ProjectDirs.conditionedModels().resolve("baseline.zip");
    }

    /** Trains a fresh seed CNN for {@code params.epochs()} epochs and saves it. */
    public static TrainingHistory train(MultiLayerNetwork net, Mnist mnist, RunParameters params) {
        TrainingHistory history = Training.of(net).fit(
                mnist.train(SeedCnn.BATCH_SIZE, params.trainLimit()),
                mnist.test(1_000, params.testLimit()),
                params.epochs());
        ModelStore.save(net, file());
        return history;
    }

    /** The saved baseline, or a newly trained one (saved) when there is none yet. */
    public static MultiLayerNetwork loadOrTrain(Mnist mnist, RunParameters params) {
        if (Files.isRegularFile(file())) {
            return ModelStore.load(file());
        }
        System.out.println("No baseline at " + file() + " yet: training one (" + params.epochs() + " epochs)");
        MultiLayerNetwork net = SeedCnn.create();
        train(net, mnist, params);
        return net;
    }
}
