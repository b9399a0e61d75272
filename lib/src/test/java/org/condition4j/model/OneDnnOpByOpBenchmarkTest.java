package org.condition4j.model;

import org.condition4j.backend.Backend;
import org.condition4j.data.Mnist;
import org.condition4j.io.Subprocess;
import org.condition4j.workshop.ProjectDirs;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One training step of the seed CNN in DL4J and in TensorFlow/Keras, op by op, from oneDNN's
 * verbose log (both libraries run their convolutions and pools in oneDNN): for each primitive
 * kind the implementation, calls and milliseconds per step; the reorders; primitive creations
 * per step; and, for DL4J, ND4J's own ops (those that are not oneDNN, from ND4J's op profiler).
 * Each library runs in a child process, since the verbose switch is read when oneDNN loads:
 * warm-up steps, then {@code benchmark.steps} steps between two printed wall-clock instants.
 * {@code -Dbenchmark.threads=1} runs both single-threaded (the figure least disturbed by other
 * load); {@code -Dbenchmark.format=NHWC} gives DL4J's layers NHWC activations. TensorFlow comes from
 * the {@link TrainingSpeedBenchmarkTest}'s {@code lib/target/tf-venv}. Prints; asserts nothing.
 */
@Tag("benchmark")
class OneDnnOpByOpBenchmarkTest {
    private static final int WARMUP = Integer.getInteger("benchmark.warmup", 10);
    private static final int STEPS = Integer.getInteger("benchmark.steps", 3);
    private static final String THREADS = System.getProperty("benchmark.threads", "");
    private static final String FORMAT = System.getProperty("benchmark.format", "NCHW");
    private static final Duration TIME_OUT = Duration.ofMinutes(10);
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Test
    void oneTrainingStepOpByOp() throws IOException {
        String loadBefore = TrainingSpeedBenchmarkTest.load();
        Run dl4j = dl4j();
        Run tf = tensorFlow();
        System.out.printf(Locale.ROOT, "one training step of the seed CNN (batch %d, Adam %.0e), mean of %d steps after %d warm-up"
                        + " steps, oneDNN's verbose log on; threads: %s; load before %s, after %s%n", SeedCnn.BATCH_SIZE,
                SeedCnn.LEARNING_RATE, STEPS, WARMUP, THREADS.isEmpty() ? "each library's default" : THREADS, loadBefore,
                TrainingSpeedBenchmarkTest.load());
        System.out.print(table(dl4j, tf));
        System.out.println("DL4J's ND4J ops (each op's time includes the oneDNN calls inside it; calls over ND4J's"
                + " profiler threshold only), per step:");
        dl4j.output.lines().filter(l -> l.startsWith("ND4J ")).forEach(l -> System.out.println("  " + l.substring(5)));
    }

    /** A child's output, its oneDNN log within the timed steps, and its wall ms per step. */
    private record Run(String name, String output, OneDnnVerboseLog log, double millisPerStep, double cpuMillisPerStep) {
        static Run of(String name, Subprocess.Result result) {
            if (result.exitCode() != 0) {
                throw new IllegalStateException(name + " failed:\n" + Subprocess.lastLines(result.output(), 30));
            }
            Matcher window = Pattern.compile("(?m)^WINDOW (\\S+) (\\S+) (\\S+) (\\S+)$").matcher(result.output());
            if (!window.find()) {
                throw new IllegalStateException(name + " printed no WINDOW line:\n" + Subprocess.lastLines(result.output(), 30));
            }
            Matcher version = Pattern.compile("oneDNN v(\\S+)").matcher(result.output());
            String label = name + (version.find() ? " (oneDNN " + version.group(1) + ")" : "");
            OneDnnVerboseLog log = OneDnnVerboseLog.parse(result.output())
                    .between(Double.parseDouble(window.group(1)), Double.parseDouble(window.group(2)));
            return new Run(label, result.output(), log, Double.parseDouble(window.group(3)),
                    Double.parseDouble(window.group(4)));
        }
    }

    private static Run dl4j() {
        List<String> command = new ArrayList<>(List.of("env", "DNNL_VERBOSE=2", "DNNL_VERBOSE_TIMESTAMP=1"));
        if (!THREADS.isEmpty()) {
            command.add("OMP_NUM_THREADS=" + THREADS);
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx2g", OneDnnOpByOpBenchmarkTest.class.getName(),
                FORMAT, Integer.toString(WARMUP), Integer.toString(STEPS)));
        return Run.of("DL4J " + FORMAT, Subprocess.run(command, TIME_OUT, "DL4J training steps"));
    }

    private static Run tensorFlow() throws IOException {
        Path script = TrainingSpeedBenchmarkTest.kerasScript("keras_step.py");
        List<String> command = new ArrayList<>(List.of("env", "ONEDNN_VERBOSE=2", "ONEDNN_VERBOSE_TIMESTAMP=1",
                "TF_ENABLE_ONEDNN_OPTS=1"));
        if (!THREADS.isEmpty()) {
            command.add("TF_NUM_THREADS=" + THREADS);
        }
        command.addAll(List.of(TrainingSpeedBenchmarkTest.tensorFlowPython().toString(), script.toString(),
                ProjectDirs.mnist().toString(), Integer.toString(WARMUP), Integer.toString(STEPS)));
        try {
            return Run.of("TensorFlow", Subprocess.run(command, TIME_OUT, "Keras training steps"));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** The side-by-side table: per kind, calls, ms per step and implementations for both libraries. */
    static String table(Run left, Run right) {
        Map<String, OneDnnVerboseLog.Kind> l = left.log.executionsByKind(SeedCnn.BATCH_SIZE);
        Map<String, OneDnnVerboseLog.Kind> r = right.log.executionsByKind(SeedCnn.BATCH_SIZE);
        Set<String> kinds = new LinkedHashSet<>(l.keySet());
        kinds.addAll(r.keySet());
        StringBuilder sb = new StringBuilder();
        String row = "%-30s | %6s %8s  %-46s | %6s %8s  %-46s%n";
        sb.append(String.format(Locale.ROOT, row, "per step", "calls", "ms", left.name, "calls", "ms", right.name));
        for (String kind : kinds) {
            sb.append(String.format(Locale.ROOT, row, kind, calls(l.get(kind)), millis(l.get(kind)),
                    implementations(l.get(kind)), calls(r.get(kind)), millis(r.get(kind)), implementations(r.get(kind))));
        }
        sb.append(String.format(Locale.ROOT, row, "all oneDNN executions", count(left.log.calls().stream()
                        .filter(c -> !c.create()).count()), perStep(left.log.executionMillis()), "",
                count(right.log.calls().stream().filter(c -> !c.create()).count()), perStep(right.log.executionMillis()), ""));
        sb.append(String.format(Locale.ROOT, row, "primitive creations", calls(left.log.creations()),
                millis(left.log.creations()), "cache misses per step: " + count(left.log.cacheMisses()),
                calls(right.log.creations()), millis(right.log.creations()), "cache misses per step: "
                        + count(right.log.cacheMisses())));
        sb.append(String.format(Locale.ROOT, row, "step (wall, verbose on)", "", String.format(Locale.ROOT, "%.1f",
                left.millisPerStep), "", "", String.format(Locale.ROOT, "%.1f", right.millisPerStep), ""));
        sb.append(String.format(Locale.ROOT, row, "step (process CPU)", "", String.format(Locale.ROOT, "%.1f",
                left.cpuMillisPerStep), "", "", String.format(Locale.ROOT, "%.1f", right.cpuMillisPerStep), ""));
        sb.append(String.format(Locale.ROOT, row, "outside oneDNN (wall - sum)", "", String.format(Locale.ROOT, "%.1f",
                        left.millisPerStep - left.log.executionMillis() / STEPS), "", "",
                String.format(Locale.ROOT, "%.1f", right.millisPerStep - right.log.executionMillis() / STEPS), ""));
        sb.append("(a negative remainder: primitives ran at the same time on several threads, as TensorFlow's inter-op"
                + " threads do)\n");
        return sb.toString();
    }

    private static String calls(OneDnnVerboseLog.Kind k) {
        return k == null ? "-" : count(k.count);
    }

    private static String count(long n) {
        return n % STEPS == 0 ? Long.toString(n / STEPS) : String.format(Locale.ROOT, "%.1f", (double) n / STEPS);
    }

    private static String millis(OneDnnVerboseLog.Kind k) {
        return k == null ? "-" : perStep(k.millis);
    }

    private static String perStep(double millis) {
        return String.format(Locale.ROOT, "%.2f", millis / STEPS);
    }

    private static String implementations(OneDnnVerboseLog.Kind k) {
        return k == null ? "" : String.join(" ", k.implementations);
    }

    /**
     * The DL4J child: {@code FORMAT WARMUP STEPS}. Trains the seed CNN on one batch, prints the
     * WINDOW of the timed steps, then profiles as many steps with ND4J's op profiler.
     */
    public static void main(String[] args) throws InterruptedException {
        Backend.start();
        CNN2DFormat format = CNN2DFormat.valueOf(args[0]);
        int warmUp = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        DataSet batch = Mnist.from(ProjectDirs.mnist()).train(SeedCnn.BATCH_SIZE, SeedCnn.BATCH_SIZE).next();
        if (format == CNN2DFormat.NHWC) {
            batch = new DataSet(batch.getFeatures().reshape(SeedCnn.BATCH_SIZE, Mnist.HEIGHT, Mnist.WIDTH, 1), batch.getLabels());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(SeedCnn.configuration(SeedCnn.SEED, format));
        net.init();
        for (int i = 0; i < warmUp; i++) {
            net.fit(batch);
        }
        Thread.sleep(20); // keeps the warm-up's last log lines out of the window
        double start = System.currentTimeMillis();
        long clock = System.nanoTime();
        long cpu = PROCESS.getProcessCpuTime();
        for (int i = 0; i < steps; i++) {
            net.fit(batch);
        }
        double perStep = (System.nanoTime() - clock) / 1e6 / steps;
        double cpuPerStep = (PROCESS.getProcessCpuTime() - cpu) / 1e6 / steps;
        System.out.printf(Locale.ROOT, "WINDOW %.0f %.0f %.3f %.3f%n", start, (double) System.currentTimeMillis(), perStep,
                cpuPerStep);
        Thread.sleep(20);
        OpExecutioner executioner = Nd4j.getExecutioner();
        executioner.setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
        OpProfiler.getInstance().reset();
        for (int i = 0; i < steps; i++) {
            net.fit(batch);
        }
        executioner.setProfilingConfig(ProfilerConfig.builder().build());
        // lines like "CustomOp conv2d_bp (hash)  >>>  9 calls; Min: ... ns; ...; Average: 45997487 ns; ..."
        Matcher op = Pattern.compile("(?m)^\\w+ (\\S+) \\(.*?>>>\\s+(\\d+) calls;.*?Average: (\\d+) ns")
                .matcher(OpProfiler.getInstance().getLongAggergator().asString());
        while (op.find()) {
            long calls = Long.parseLong(op.group(2));
            System.out.printf(Locale.ROOT, "ND4J %-14s %4.1f calls %7.2f ms%n", op.group(1), (double) calls / steps,
                    calls * Long.parseLong(op.group(3)) / 1e6 / steps);
        }
    }
}
