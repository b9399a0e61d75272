package org.condition4j.workshop;

import org.condition4j.collab.Sweep;
import org.condition4j.data.Mnist;
import org.condition4j.data.MnistBatches;
import org.condition4j.model.SeedCnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;
import java.util.Map;

/**
 * How much of notebook 05 a run does, from environment variables: {@code SWEEP} ({@code full}:
 * sparsity 50/75/90/95 % x 32/16/8/4 clusters x PTQ and PCQAT, 32 points; {@code small}: 90 % with
 * 4 clusters, PTQ and PCQAT), {@code SWEEP_EPOCHS} (fine-tuning epochs of each sweep stage, default
 * 1), {@code SWEEP_TRAIN_LIMIT} (training images of each sweep stage, default
 * {@value #SWEEP_TRAIN_DEFAULT} or {@code TRAIN_LIMIT} if smaller) and {@code COLLAB_TRAIN_LIMIT}
 * (training images of each of the pipeline's three stages, default {@code TRAIN_LIMIT}).
 *
 * <p>The sweep's stages see fewer images than the pipeline's: its 32 points fine-tune 36 times
 * (4 prunings, 16 clusterings, 16 PCQAT runs), which on all 60,000 images would take about 40
 * minutes on a 2-core machine.
 */
public record SweepRun(List<Sweep.Point> points, int epochs, int trainImages, int sweepTrainImages) {
    /** Training images of each sweep stage unless {@code SWEEP_TRAIN_LIMIT} says otherwise. */
    public static final int SWEEP_TRAIN_DEFAULT = 5_000;
    public static final double[] SPARSITIES = {0.50, 0.75, 0.90, 0.95};
    public static final int[] CLUSTERS = {32, 16, 8, 4};

    public SweepRun {
        points = List.copyOf(points);
        RunParameters.requireInRange("SWEEP_EPOCHS", epochs, 1, 100);
        RunParameters.requireInRange("COLLAB_TRAIN_LIMIT", trainImages, 1, Mnist.TRAIN_SIZE);
        RunParameters.requireInRange("SWEEP_TRAIN_LIMIT", sweepTrainImages, 1, Mnist.TRAIN_SIZE);
    }

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
        int sweepTrain = RunParameters.read(variables, "SWEEP_TRAIN_LIMIT", Math.min(SWEEP_TRAIN_DEFAULT, params.trainLimit()));
        return new SweepRun(points, epochs, train, sweepTrain);
    }

    /** Training batches of {@code trainImages} images, for each fine-tuning stage of notebook 05's pipeline. */
    public MnistBatches train(Session session) {
        return session.mnist().train(SeedCnn.BATCH_SIZE, trainImages);
    }

    /** The sweep of {@code baseline} in the session's {@code sweep/} folder, evaluated as the session's models are. */
    public Sweep sweep(Session session, MultiLayerNetwork baseline) {
        return Sweep.of(baseline, session.mnist(), session.liteRt(), session.vela(), session.models().resolve("sweep"))
                .withTraining(sweepTrainImages, epochs)
                .withEvaluation(session.params().evalLimit(), session.params().calibrationSamples());
    }

    /** Runs it: cached points are read back, the others measured with progress on standard output. */
    public List<Sweep.Result> run(Session session, MultiLayerNetwork baseline) {
        return sweep(session, baseline).run(points);
    }
}
