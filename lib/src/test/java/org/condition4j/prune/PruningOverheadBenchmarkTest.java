package org.condition4j.prune;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.condition4j.workshop.Workshop;
import org.condition4j.model.SeedCnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints what pruning costs per training step of the seed CNN (batch 128): steps with no
 * listener, with a listener that does nothing (DL4J itself works differently once any listener
 * is attached, and {@code Training} always attaches one), with the pruning listener keeping the
 * masks, and with it recomputing every mask (frequency 1). Rounds alternate so that load from
 * other processes hits all alike. Run with the other benchmarks (README).
 */
@Tag("benchmark")
class PruningOverheadBenchmarkTest {
    private static final int ROUNDS = 5;
    private static final int STEPS = 10;

    @Test
    void pruningCostPerTrainingStep() {
        DataSet batch = Workshop.mnist().trainSample(SeedCnn.BATCH_SIZE);
        MultiLayerNetwork plain = SeedCnn.create();
        MultiLayerNetwork idle = SeedCnn.create();
        List<TrainingListener> nothing = List.of(new BaseTrainingListener() {});
        PrunedModel kept = Pruning.lowMagnitude(SeedCnn.create(), PruningSchedule.constant(0.75, 0, 1_000_000));
        PrunedModel everyStep = Pruning.lowMagnitude(SeedCnn.create(), PruningSchedule.constant(0.75, 0, 1));
        double[] totals = new double[4];
        for (int round = -1; round < ROUNDS; round++) { // round -1 warms up
            double[] ms = {
                    time(plain, List.of(), batch),
                    time(idle, nothing, batch),
                    time(kept.network(), kept.listeners(), batch),
                    time(everyStep.network(), everyStep.listeners(), batch)};
            for (int i = 0; round >= 0 && i < ms.length; i++) {
                totals[i] += ms[i] / ROUNDS;
            }
        }
        System.out.printf(Locale.ROOT, "no listener:                     %7.1f ms/step%n", totals[0]);
        System.out.printf(Locale.ROOT, "a listener that does nothing:    %7.1f ms/step%n", totals[1]);
        System.out.printf(Locale.ROOT, "pruning, keeping masks:          %7.1f ms/step (%+.1f %% over the idle listener)%n",
                totals[2], 100 * (totals[2] / totals[1] - 1));
        System.out.printf(Locale.ROOT, "pruning, recomputing all masks:  %7.1f ms/step (%+.1f %% over the idle listener)%n",
                totals[3], 100 * (totals[3] / totals[1] - 1));
    }

    /** Mean milliseconds per step over {@link #STEPS} steps. */
    private static double time(MultiLayerNetwork net, List<TrainingListener> listeners, DataSet batch) {
        net.setListeners(new ArrayList<>(listeners));
        long start = System.nanoTime();
        for (int i = 0; i < STEPS; i++) {
            net.fit(batch);
        }
        net.setListeners(new ArrayList<TrainingListener>());
        return (System.nanoTime() - start) / 1e6 / STEPS;
    }
}
