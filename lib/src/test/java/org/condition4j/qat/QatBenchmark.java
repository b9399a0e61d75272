package org.condition4j.qat;

import org.condition4j.model.SeedCnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Locale;

/**
 * Prints how much a quantization-aware training step costs next to a plain one on the seed CNN
 * (batch 128, MNIST). Run with {@code mvn -q -o -pl lib test-compile exec:java}-style classpaths
 * or from an IDE; not part of the test suite.
 */
public final class QatBenchmark {
    private static final int WARM_UP = 5;
    private static final int STEPS = 20;

    private QatBenchmark() {}

    public static void main(String[] args) {
        DataSet batch = QatFixtures.mnist().trainSample(SeedCnn.BATCH_SIZE);
        MultiLayerNetwork plain = SeedCnn.create();
        MultiLayerNetwork qat = QuantizationAwareTraining.prepare(SeedCnn.create()).network();
        for (int round = 0; round < 2; round++) {
            double plainMs = millisPerStep(plain, batch);
            double qatMs = millisPerStep(qat, batch);
            System.out.printf(Locale.ROOT, "training step, batch %d: plain %.1f ms, QAT %.1f ms (x%.2f)%n",
                    SeedCnn.BATCH_SIZE, plainMs, qatMs, qatMs / plainMs);
            double plainInference = millisPerInference(plain, batch);
            double qatInference = millisPerInference(qat, batch);
            System.out.printf(Locale.ROOT, "inference, batch %d: plain %.1f ms, QAT %.1f ms (x%.2f)%n",
                    SeedCnn.BATCH_SIZE, plainInference, qatInference, qatInference / plainInference);
        }
    }

    private static double millisPerStep(MultiLayerNetwork net, DataSet batch) {
        for (int i = 0; i < WARM_UP; i++) {
            net.fit(batch);
        }
        long start = System.nanoTime();
        for (int i = 0; i < STEPS; i++) {
            net.fit(batch);
        }
        return (System.nanoTime() - start) / 1e6 / STEPS;
    }

    private static double millisPerInference(MultiLayerNetwork net, DataSet batch) {
        for (int i = 0; i < WARM_UP; i++) {
            net.output(batch.getFeatures());
        }
        long start = System.nanoTime();
        for (int i = 0; i < STEPS; i++) {
            net.output(batch.getFeatures());
        }
        return (System.nanoTime() - start) / 1e6 / STEPS;
    }
}
