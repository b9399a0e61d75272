package org.condition4j.qat;

import org.condition4j.model.SeedCnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Arrays;
import java.util.Locale;

/**
 * Prints what a quantization-aware training step and inference cost next to plain ones on the
 * seed CNN (batch 128, MNIST): medians of interleaved rounds, so that load from other processes
 * hits both alike. Tagged "benchmark", so left out of the normal run:
 * {@code mvn -pl lib test -Dgroups=benchmark -DexcludedGroups= -Dtest=QatBenchmarkTest}.
 */
@Tag("benchmark")
class QatBenchmarkTest {
    private static final int ROUNDS = 7;
    private static final int STEPS = 5;

    @Test
    void quantizationAwareStepVersusPlainStep() {
        DataSet batch = QatFixtures.mnist().trainSample(SeedCnn.BATCH_SIZE);
        MultiLayerNetwork plain = SeedCnn.create();
        MultiLayerNetwork qat = QuantizationAwareTraining.prepare(SeedCnn.create()).network();
        for (int i = 0; i < 10; i++) { // warm-up: JIT, oneDNN primitives, workspaces
            plain.fit(batch);
            qat.fit(batch);
        }
        double[][] training = new double[2][ROUNDS];
        double[][] inference = new double[2][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            training[0][r] = millis(() -> plain.fit(batch));
            training[1][r] = millis(() -> qat.fit(batch));
            inference[0][r] = millis(() -> plain.output(batch.getFeatures()));
            inference[1][r] = millis(() -> qat.output(batch.getFeatures()));
        }
        print("training step", training);
        print("inference", inference);
    }

    private static double millis(Runnable step) {
        long start = System.nanoTime();
        for (int i = 0; i < STEPS; i++) {
            step.run();
        }
        return (System.nanoTime() - start) / 1e6 / STEPS;
    }

    private static void print(String what, double[][] rounds) {
        double plain = median(rounds[0]);
        double qat = median(rounds[1]);
        System.out.printf(Locale.ROOT, "%s, batch %d: plain %.1f ms, quantization-aware %.1f ms (x%.2f)%n",
                what, SeedCnn.BATCH_SIZE, plain, qat, qat / plain);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
