package org.condition4j.collab;

import org.condition4j.cluster.CentroidInit;
import org.condition4j.cluster.Clustering;
import org.condition4j.cluster.ClusteringConfig;
import org.condition4j.model.SeedCnn;
import org.condition4j.prune.Pruning;
import org.condition4j.prune.PruningSchedule;
import org.condition4j.qat.QuantizationAwareTraining;
import org.condition4j.workshop.Workshop;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What DL4J's forward cache ({@code CacheMode.DEVICE}, which {@code SeedCnn} trains with: backprop
 * reuses each convolution's forward pre-activation instead of computing it again) buys each
 * technique's training step: ms per {@code fit} of one 128-image MNIST batch with the cache and
 * without it ({@code CacheMode.NONE}), for the plain seed CNN, QAT, pruning, clustering and PCQAT
 * with their listeners, the variants taking turns round after round so that load hits all alike
 * (median of the rounds); and the largest difference of any parameter after the same steps from
 * the same weights with and without the cache (the gradients are the same, so it should be 0).
 * Prints figures and the machine's load; asserts nothing.
 */
@Tag("benchmark")
class ForwardCacheBenchmarkTest {
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 5);
    private static final int STEPS = 5;

    /** A network to train and the listeners its technique trains it with. */
    private record Technique(MultiLayerNetwork net, List<TrainingListener> listeners) {
        Technique {
            net.setListeners(listeners);
        }
    }

    @Test
    void eachTechniqueWithAndWithoutTheForwardCache() {
        DataSet batch = Workshop.mnist().trainSample(SeedCnn.BATCH_SIZE);
        Map<String, Supplier<Technique>> techniques = new LinkedHashMap<>();
        techniques.put("plain", () -> new Technique(SeedCnn.create(), List.of()));
        techniques.put("QAT", () -> {
            var qat = QuantizationAwareTraining.prepare(SeedCnn.create());
            return new Technique(qat.network(), qat.listeners());
        });
        techniques.put("pruning 75 %", () -> {
            var pruned = Pruning.lowMagnitude(SeedCnn.create(), PruningSchedule.constant(0.75));
            return new Technique(pruned.network(), pruned.listeners());
        });
        ClusteringConfig sixteen = ClusteringConfig.of(16, CentroidInit.LINEAR);
        techniques.put("clustering 16", () -> {
            var clustered = Clustering.cluster(SeedCnn.create(), sixteen);
            return new Technique(clustered.network(), clustered.listeners());
        });
        techniques.put("PCQAT 75 % / 16", () -> {
            var pruned = Pruning.lowMagnitude(SeedCnn.create(), PruningSchedule.constant(0.75));
            pruned.network().fit(batch); // the schedule prunes at the first step
            var clustered = Clustering.cluster(pruned.strip(), sixteen.withSparsityPreserved());
            var pcqat = PreservingQat.prepare(clustered.strip(), PreservingQat.Keep.ZEROS_AND_CLUSTERS,
                    sixteen.withSparsityPreserved());
            return new Technique(pcqat.network(), pcqat.listeners());
        });

        Map<String, double[][]> millis = new LinkedHashMap<>(); // [with cache, without][round]
        Map<String, Technique[]> nets = new LinkedHashMap<>();
        techniques.forEach((name, make) -> {
            Technique cached = make.get();
            Technique uncached = make.get();
            uncached.net().setCacheMode(CacheMode.NONE);
            nets.put(name, new Technique[] {cached, uncached});
            millis.put(name, new double[2][ROUNDS]);
        });
        System.out.printf(Locale.ROOT, "one fit() of a %d-image batch, ms, median of %d rounds of %d steps; load before: %s%n",
                SeedCnn.BATCH_SIZE, ROUNDS, STEPS, load());
        nets.forEach((name, pair) -> { // the same steps from the same weights: the parameters must agree
            for (int i = 0; i < 3; i++) {
                pair[0].net().fit(batch);
                pair[1].net().fit(batch);
            }
            double diff = pair[0].net().params().sub(pair[1].net().params()).amaxNumber().doubleValue();
            System.out.printf(Locale.ROOT, "  %-16s largest parameter difference after 3 steps with and without the cache: %s%n",
                    name, diff);
        });
        for (int r = 0; r < ROUNDS; r++) {
            for (Map.Entry<String, Technique[]> e : nets.entrySet()) {
                for (int cache = 0; cache < 2; cache++) {
                    MultiLayerNetwork net = e.getValue()[cache].net();
                    long start = System.nanoTime();
                    for (int i = 0; i < STEPS; i++) {
                        net.fit(batch);
                    }
                    millis.get(e.getKey())[cache][r] = (System.nanoTime() - start) / 1e6 / STEPS;
                }
            }
        }
        double plainCached = median(millis.get("plain")[0]);
        System.out.printf(Locale.ROOT, "  %-16s %10s %10s %8s %12s%n", "technique", "DEVICE", "NONE", "ratio", "vs plain");
        millis.forEach((name, ms) -> System.out.printf(Locale.ROOT, "  %-16s %10.1f %10.1f %8.2f %12.2f%n", name,
                median(ms[0]), median(ms[1]), median(ms[0]) / median(ms[1]), median(ms[0]) / plainCached));
        System.out.println("load after: " + load());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
