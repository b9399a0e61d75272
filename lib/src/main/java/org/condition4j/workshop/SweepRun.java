package org.condition4j.workshop;

import org.condition4j.collab.Sweep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;
import java.util.Map;

/**
 * How much of the collaborative sweep a run does, from environment variables: {@code SWEEP}
 * ({@code full}: sparsity 50/75/90/95 % x 32/16/8/4 clusters x PTQ and PCQAT, 32 points; {@code small}:
 * 90 % with 4 clusters, PTQ and PCQAT), {@code SWEEP_EPOCHS} (fine-tuning epochs of each stage,
 * default 1) and {@code COLLAB_TRAIN_LIMIT} (training images of each fine-tuning stage of
 * notebook 07, its pipeline and every sweep point; default {@code TRAIN_LIMIT}).
 */
public record SweepRun(List<Sweep.Point> points, int epochs, int trainImages) {
    public static final double[] SPARSITIES = {0.50, 0.75, 0.90, 0.95};
    public static final int[] CLUSTERS = {32, 16, 8, 4};

    /** The sweep of this process's environment. */
    public static SweepRun fromEnvironment(RunParameters params) {
        return from(System.getenv(), params);
    }

    static SweepRun from(Map<String, String> variables, RunParameters params) {
        String size = variables.getOrDefault("SWEEP", "full").trim();
        List<Sweep.Point> points = switch (size) {
            case "full", "" -> Sweep.grid(SPARSITIES, CLUSTERS);
            case "small" -> Sweep.grid(new double[] {0.90}, new int[] {4});
            default -> throw new IllegalArgumentException("SWEEP='" + size + "' is invalid: give full (32 points) or "
                    + "small (2 points)");
        };
        int epochs = RunParameters.read(variables, "SWEEP_EPOCHS", 1);
        int train = RunParameters.read(variables, "COLLAB_TRAIN_LIMIT", params.trainLimit());
        return new SweepRun(points, epochs, train);
    }

    /** Training batches of {@code trainImages} images, for each fine-tuning stage of notebook 07. */
    public org.condition4j.data.MnistBatches train(Session session) {
        return session.mnist().train(org.condition4j.model.SeedCnn.BATCH_SIZE, trainImages);
    }

    /** The sweep of {@code baseline} in the session's {@code sweep/} folder, evaluated as the session's models are. */
    public Sweep sweep(Session session, MultiLayerNetwork baseline) {
        return Sweep.of(baseline, session.mnist(), session.liteRt(), session.vela(), session.models().resolve("sweep"))
                .withTraining(trainImages, epochs)
                .withEvaluation(session.params().evalLimit(), session.params().calibrationSamples());
    }

    /** Runs it: cached points are read back, the others measured with progress on standard output. */
    public List<Sweep.Result> run(Session session, MultiLayerNetwork baseline) {
        return sweep(session, baseline).run(points);
    }
}
