package org.condition4j.model;

import org.condition4j.data.Mnist;
import org.condition4j.workshop.ProjectDirs;
import org.condition4j.workshop.Workshop;
import org.condition4j.io.Subprocess;
import org.junit.jupiter.api.Tag;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DL4J against TensorFlow on the same machine at the same time: epochs of the seed CNN (Adam 1e-3,
 * batch 128, the first {@code benchmark.images} training images, default all 60,000), alternating
 * DL4J and Keras so that load from other processes hits both alike, and the ratio of the median
 * epoch times. TensorFlow comes from a throwaway environment {@code lib/target/tf-venv}
 * ({@code pip install tensorflow-cpu}, created on the first run); it is never part of the project.
 * Prints figures and the machine's load; asserts nothing.
 */
@Tag("benchmark")
class TrainingSpeedBenchmarkTest {
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 3);
    private static final int IMAGES = Integer.getInteger("benchmark.images", 60_000);

    @Test
    void dl4jEpochAgainstTensorFlow() throws IOException {
        Path python = tensorFlowPython();
        Path script = kerasScript("keras_epoch.py");
        Mnist mnist = Workshop.mnist();
        Dl4jTraining dl4j = new Dl4jTraining();
        double[] dl4jSeconds = new double[ROUNDS];
        double[] tfSeconds = new double[ROUNDS];
        System.out.printf(Locale.ROOT, "seed CNN, %d images per epoch, batch %d, Adam %.0e; load before: %s%n", IMAGES,
                SeedCnn.BATCH_SIZE, SeedCnn.LEARNING_RATE, load());
        for (int round = 0; round < ROUNDS; round++) {
            dl4jSeconds[round] = dl4j.epoch(mnist);
            // a fresh Keras process per round; the first epoch in it includes tracing, so two are run
            Subprocess.Result tf = Subprocess.run(List.of(python.toString(), script.toString(),
                    ProjectDirs.mnist().toString(), Integer.toString(IMAGES), "2"),
                    Duration.ofHours(1), "Keras epochs");
            if (tf.exitCode() != 0) {
                throw new IllegalStateException("Keras failed:\n" + tf.output());
            }
            List<Double> epochs = new ArrayList<>();
            tf.output().lines().filter(l -> l.startsWith("epoch ")).forEach(l -> epochs.add(Double.parseDouble(l.substring(6))));
            tfSeconds[round] = epochs.get(epochs.size() - 1);
            System.out.printf(Locale.ROOT, "  round %d: DL4J %6.1f s   TensorFlow %6.1f s (first epoch in its process %.1f s)   load %s%n",
                    round + 1, dl4jSeconds[round], tfSeconds[round], epochs.get(0), load());
        }
        double dl4jMedian = median(dl4jSeconds);
        double tfMedian = median(tfSeconds);
        System.out.printf(Locale.ROOT, "median epoch: DL4J %.1f s, TensorFlow %.1f s, ratio DL4J/TF %.2f (goal <= 1.5)%n",
                dl4jMedian, tfMedian, dl4jMedian / tfMedian);
    }

    /**
     * The training step alone, side by side: DL4J's seed CNN as {@code SeedCnn} builds it and the same
     * network in Keras ({@code keras_step.py}), each fitting the first {@code WARM_UP + STEPS} MNIST
     * training batches (128 images, held in memory), the last {@code STEPS} timed (ms per step, wall
     * clock); DL4J and a fresh Keras process take turns round after round. An epoch (above) adds each
     * library's input pipeline to this.
     */
    @Test
    void dl4jStepAgainstTensorFlow() throws IOException {
        Path python = tensorFlowPython();
        Path script = kerasScript("keras_step.py");
        int warmUp = 20;
        int steps = 40;
        List<DataSet> batches = new ArrayList<>();
        Workshop.mnist().train(SeedCnn.BATCH_SIZE, (warmUp + steps) * SeedCnn.BATCH_SIZE).forEachRemaining(batches::add);
        double[] dl4j = new double[ROUNDS];
        double[] tf = new double[ROUNDS];
        System.out.printf(Locale.ROOT, "seed CNN, batch %d, %d warm-up steps, %d timed; load before: %s%n",
                SeedCnn.BATCH_SIZE, warmUp, steps, load());
        for (int round = 0; round < ROUNDS; round++) {
            MultiLayerNetwork net = SeedCnn.create();
            for (int i = 0; i < warmUp; i++) {
                net.fit(batches.get(i));
            }
            long start = System.nanoTime();
            for (int i = warmUp; i < warmUp + steps; i++) {
                net.fit(batches.get(i));
            }
            dl4j[round] = (System.nanoTime() - start) / 1e6 / steps;
            Subprocess.Result keras = Subprocess.run(List.of(python.toString(), script.toString(),
                    ProjectDirs.mnist().toString(), Integer.toString(warmUp), Integer.toString(steps)),
                    Duration.ofMinutes(10), "Keras steps");
            String window = keras.output().lines().filter(l -> l.startsWith("WINDOW ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Keras failed:\n" + keras.output()));
            tf[round] = Double.parseDouble(window.split(" ")[3]);
            System.out.printf(Locale.ROOT, "  round %d: DL4J %6.1f ms   TensorFlow %6.1f ms   load %s%n",
                    round + 1, dl4j[round], tf[round], load());
        }
        System.out.printf(Locale.ROOT, "median step: DL4J %.1f ms, TensorFlow %.1f ms, ratio DL4J/TF %.2f%n",
                median(dl4j), median(tf), median(dl4j) / median(tf));
    }

    /**
     * Where a DL4J training step of the seed CNN goes, and what each lever buys: milliseconds per
     * {@code fit} of one fixed 128-image batch for each variant, the variants taking turns round
     * after round so that load from other processes hits all alike (median of the rounds); the
     * time to draw an epoch's batches from the MNIST iterator; and ND4J's op profile of the
     * default variant (time per op, native and Java-side).
     */
    @Test
    void profileOfOneTrainingStep() {
        Mnist mnist = Workshop.mnist();
        DataSet batch = mnist.train(SeedCnn.BATCH_SIZE, SeedCnn.BATCH_SIZE).next();
        DataSet nhwcBatch = new DataSet(batch.getFeatures().reshape(SeedCnn.BATCH_SIZE, Mnist.HEIGHT, Mnist.WIDTH, 1),
                batch.getLabels());
        Environment environment = Nd4j.getEnvironment();
        int threads = environment.maxThreads();
        Map<String, Step> variants = new LinkedHashMap<>();
        variants.put("as trained (NCHW, workspaces, oneDNN, Adam, " + threads + " threads)",
                new Step(SeedCnn.create(), batch, () -> { }, STEPS_PER_ROUND));
        MultiLayerNetwork nhwc = new MultiLayerNetwork(SeedCnn.configuration(SeedCnn.SEED, CNN2DFormat.NHWC));
        nhwc.init();
        variants.put("NHWC layers", new Step(nhwc, nhwcBatch, () -> { }, STEPS_PER_ROUND));
        MultiLayerNetwork noWorkspaces = SeedCnn.create();
        noWorkspaces.getLayerWiseConfigurations().setTrainingWorkspaceMode(WorkspaceMode.NONE);
        variants.put("workspaces NONE", new Step(noWorkspaces, batch, () -> { }, STEPS_PER_ROUND));
        variants.put("SGD instead of Adam", new Step(new TransferLearning.Builder(SeedCnn.create())
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Sgd(SeedCnn.LEARNING_RATE)).build())
                .build(), batch, () -> { }, STEPS_PER_ROUND));
        variants.put("1 thread", new Step(SeedCnn.create(), batch, () -> environment.setMaxThreads(1), STEPS_PER_ROUND));
        variants.put("oneDNN helpers off", new Step(SeedCnn.create(), batch, () -> environment.allowHelpers(false), 2)); // ten times slower
        System.out.printf(Locale.ROOT, "one fit() of a %d-image batch, ms (median of %d rounds); load before: %s%n",
                SeedCnn.BATCH_SIZE, PROFILE_ROUNDS, load());
        Map<String, double[]> millis = new LinkedHashMap<>();
        variants.keySet().forEach(name -> millis.put(name, new double[PROFILE_ROUNDS]));
        for (int round = 0; round < PROFILE_ROUNDS; round++) {
            for (Map.Entry<String, Step> v : variants.entrySet()) {
                try {
                    millis.get(v.getKey())[round] = v.getValue().millisPerFit(round == 0 ? 2 : 0);
                } finally {
                    environment.setMaxThreads(threads);
                    environment.allowHelpers(true);
                }
            }
        }
        double base = median(millis.values().iterator().next());
        millis.forEach((name, ms) -> System.out.printf(Locale.ROOT, "  %-60s %7.1f ms  (%.2fx)%n", name, median(ms),
                median(ms) / base));
        long start = System.nanoTime();
        int batches = 0;
        for (var it = mnist.train(SeedCnn.BATCH_SIZE, IMAGES); it.hasNext(); it.next()) {
            batches++;
        }
        System.out.printf(Locale.ROOT, "  drawing the %d batches of an epoch from the MNIST iterator: %.1f s (%.2f ms per batch); load %s%n",
                batches, (System.nanoTime() - start) / 1e9, (System.nanoTime() - start) / 1e6 / batches, load());
        OpExecutioner executioner = Nd4j.getExecutioner();
        executioner.setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
        OpProfiler.getInstance().reset();
        variants.values().iterator().next().millisPerFit(0);
        executioner.setProfilingConfig(ProfilerConfig.builder().build());
        System.out.println("ND4J's op profile of " + STEPS_PER_ROUND + " steps as trained:");
        OpProfiler.getInstance().printOutDashboard();
    }

    private static final int PROFILE_ROUNDS = Integer.getInteger("benchmark.rounds", 3);
    private static final int STEPS_PER_ROUND = 10;

    /** {@code fit} of one batch on one network, with a setting applied just before. */
    private record Step(MultiLayerNetwork net, DataSet batch, Runnable setting, int steps) {
        double millisPerFit(int warmUp) {
            setting.run();
            for (int i = 0; i < warmUp; i++) {
                net.fit(batch);
            }
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                net.fit(batch);
            }
            return (System.nanoTime() - start) / 1e6 / steps;
        }
    }

    /** One seed CNN trained on, epoch after epoch, as the notebooks train it. */
    private static final class Dl4jTraining {
        private final MultiLayerNetwork net = SeedCnn.create();

        double epoch(Mnist mnist) {
            return Training.of(net).fit(mnist.train(SeedCnn.BATCH_SIZE, IMAGES), null, 1).last().seconds();
        }
    }

    /** The Keras script {@code resource} (beside this class) as a file, deleted when the JVM exits. */
    static Path kerasScript(String resource) throws IOException {
        Path script = Files.createTempFile(resource.replace(".py", ""), ".py");
        script.toFile().deleteOnExit();
        try (InputStream in = TrainingSpeedBenchmarkTest.class.getResourceAsStream(resource)) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    /** The Python of {@code lib/target/tf-venv}, created with tensorflow-cpu if missing. */
    static Path tensorFlowPython() {
        Path venv = ProjectDirs.root().resolve("lib/target/tf-venv");
        Path python = venv.resolve("bin/python");
        if (!Files.isExecutable(python.resolveSibling("pip")) || !hasTensorFlow(python)) {
            run(List.of("python3", "-m", "venv", venv.toString()), "creating " + venv);
            run(List.of(python.toString(), "-m", "pip", "install", "-q", "tensorflow-cpu"), "pip install tensorflow-cpu");
        }
        return python;
    }

    private static boolean hasTensorFlow(Path python) {
        return Files.isExecutable(python)
                && Subprocess.run(List.of(python.toString(), "-c", "import tensorflow"), Duration.ofMinutes(2),
                "import tensorflow").exitCode() == 0;
    }

    private static void run(List<String> command, String what) {
        Subprocess.Result r = Subprocess.run(command, Duration.ofMinutes(30), what);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + " failed:\n" + r.output());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
