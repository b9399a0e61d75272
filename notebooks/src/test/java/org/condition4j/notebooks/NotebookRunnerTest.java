package org.condition4j.notebooks;

import org.condition4j.report.Format;
import org.condition4j.report.Tables;
import org.condition4j.workshop.ProjectDirs;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Executes every notebook in {@code notebooks/}, in name order, with the condition4j Java kernel
 * and small run parameters, then checks what the notebook must have produced. Executed copies go
 * to {@code notebooks/target/executed/}, models to {@code notebooks/target/conditioned_models/}
 * (never over the results of a full run).
 */
class NotebookRunnerTest {
    /** Small settings: enough to exercise every step, quick enough for CI. */
    static final Map<String, String> SMALL_RUN = Map.of(
            "EPOCHS", "1",
            "FINE_TUNE_EPOCHS", "1",
            "TRAIN_LIMIT", "10000",
            "TEST_LIMIT", "2000",
            "EVAL_LIMIT", "10000",
            "CALIBRATION_SAMPLES", "100",
            "VELA_CONFIGURATIONS", "small",
            "SWEEP", "small",
            "COLLAB_TRAIN_LIMIT", "2000",
            "SWEEP_TRAIN_LIMIT", "2000");

    /**
     * A hung kernel fails after this. Far above a notebook's small run: one to two minutes on a quiet
     * machine, but up to ten while two run side by side on a machine loaded fifteen times over.
     */
    static final long TIMEOUT_MINUTES = 30;

    /**
     * The technique notebooks, each ending with a "try it" exercise. Each starts from the baseline
     * that 00 trains and writes only its own models, so the next one runs beside the current one.
     * Much of a notebook's time is on one core (the kernel's start, JShell compiling cells, LiteRT
     * and Vela processes), so two side by side use the machine's second core.
     */
    static final Pattern TECHNIQUES = Pattern.compile("0[1-4]_.*");

    /** Training progress a cell may keep: one line per epoch, not one per redraw. */
    static final int MAX_PROGRESS_LINES = 10;

    private static final Path ROOT = ProjectDirs.root();
    private static final Path NOTEBOOKS = ROOT.resolve("notebooks");
    private static final Path EXECUTED = NOTEBOOKS.resolve("target/executed");
    static final Path OUTPUTS = NOTEBOOKS.resolve("target/conditioned_models");
    private static final Path SITE = NOTEBOOKS.resolve("target/site");

    @TestFactory
    Stream<DynamicTest> notebooks() throws IOException {
        Path python = ROOT.resolve("env/bin/python");
        if (!Files.isExecutable(python)) {
            fail("No Python environment at " + ROOT.resolve("env") + ": run ./setup.sh first");
        }
        // -Dnotebooks=05 runs only the notebooks whose names contain "05", on the outputs of an
        // earlier run (for working on one notebook); by default all run on fresh outputs.
        String only = System.getProperty("notebooks", "");
        if (only.isEmpty()) {
            deleteRecursively(OUTPUTS);
        }
        Files.createDirectories(OUTPUTS);
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            notebooks = files.filter(f -> f.getFileName().toString().endsWith(".ipynb"))
                    .filter(f -> f.getFileName().toString().contains(only))
                    .sorted().toList();
        }
        assertTrue(!notebooks.isEmpty(), "no notebooks found in " + NOTEBOOKS);
        Stream<DynamicTest> site = Stream.of(DynamicTest.dynamicTest("site", () -> {
            renderSite(python);
            SiteCheck.check(SITE, notebooks.stream().map(n -> EXECUTED.resolve(n.getFileName())).toList(), OUTPUTS);
            BrowserCheck.check(SITE, NOTEBOOKS.resolve("target"));
        }));
        Runs runs = new Runs(python, notebooks);
        return Stream.concat(notebooks.stream().map(notebook -> DynamicTest.dynamicTest(
                notebook.getFileName().toString(), () -> {
                    Path executed = runs.awaitStartingNext(notebook);
                    ExecutedNotebook result = ExecutedNotebook.read(executed);
                    assertTrue(result.count("image/png") > 0, notebook + " shows no chart (no image/png output)");
                    assertTrue(result.count("text/html") > 0, notebook + " shows no table (no text/html output)");
                    assertEquals(List.of(), result.overPreciseTableNumbers(), notebook + ": table numbers not "
                            + "written by Format (more than " + Format.DECIMALS + " decimals and "
                            + Format.SIGNIFICANT_DIGITS + " significant digits)");
                    assertTrue(result.maxProgressLinesPerCell() <= MAX_PROGRESS_LINES, notebook + " shows "
                            + result.maxProgressLinesPerCell() + " lines of training progress in one cell (at most "
                            + MAX_PROGRESS_LINES + ": the progress line is redrawn in place)");
                    if (TECHNIQUES.matcher(notebook.getFileName().toString()).matches()) {
                        assertFalse(result.exerciseVerdicts().isEmpty(), notebook + " ends without a \"try it\" check");
                    }
                    for (String verdict : result.exerciseVerdicts()) {
                        assertTrue(verdict.startsWith("✓ Plausible."), notebook + ": the exercise with its default "
                                + "setting must be plausible, got: " + verdict);
                    }
                    assertEquals(List.of(), accuraciesWithoutInterval(result), notebook
                            + ": accuracy columns not followed by their '" + Tables.INTERVAL_COLUMN + "' column");
                    assertEquals(List.of(), comparisonsWithoutSignificance(result), notebook
                            + ": tables comparing models' accuracies without a '" + Tables.SIGNIFICANCE_COLUMN + "' column");
                    NotebookChecks.forNotebook(notebook.getFileName().toString()).check(OUTPUTS, result);
                    // prose states no measured figure: those are built by code cells from this run's results
                    MeasuredFigures.check(notebook.getFileName().toString(), result.json());
                })), site);
    }

    /**
     * The notebooks' executions, started as their tests come up; while a technique notebook runs,
     * the next one (if it is a technique notebook too) runs beside it.
     */
    private static final class Runs {
        private final Path python;
        private final List<Path> notebooks;
        private final Map<Path, Future<Path>> started = new HashMap<>();
        private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "notebook");
            t.setDaemon(true);
            return t;
        });

        Runs(Path python, List<Path> notebooks) {
            this.python = python;
            this.notebooks = notebooks;
        }

        /** Starts {@code notebook} (if not yet), and the next one beside it, and waits for the former. */
        Path awaitStartingNext(Path notebook) throws Exception {
            Future<Path> run = start(notebook);
            int next = notebooks.indexOf(notebook) + 1;
            if (technique(notebook) && next < notebooks.size() && technique(notebooks.get(next))) {
                start(notebooks.get(next));
            }
            try {
                return run.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) { // a failed assertion in the notebook's run
                    throw error;
                }
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }

        private synchronized Future<Path> start(Path notebook) {
            return started.computeIfAbsent(notebook, n -> executor.submit(() -> execute(python, n)));
        }

        private static boolean technique(Path notebook) {
            return TECHNIQUES.matcher(notebook.getFileName().toString()).matches();
        }
    }

    /** The book of the executed notebooks, as ./run.sh builds it, into notebooks/target/site. */
    private static void renderSite(Path python) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(python.toString(), NOTEBOOKS.resolve("site.py").toString(),
                EXECUTED.toString(), OUTPUTS.toString(), SITE.toString())
                .redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            fail("site.py failed:\n" + printed);
        }
    }

    /**
     * Accuracy columns measured on test images (every header with "accuracy" except the running
     * accuracy on training batches) whose next column is not their 95 % interval.
     */
    static List<String> accuraciesWithoutInterval(ExecutedNotebook notebook) {
        List<String> missing = new ArrayList<>();
        for (ExecutedNotebook.HtmlTable table : notebook.tables()) {
            List<String> h = table.headers();
            for (int i = 0; i < h.size(); i++) {
                if (isTestAccuracy(h.get(i)) && (i + 1 == h.size() || !h.get(i + 1).startsWith(Tables.INTERVAL_COLUMN))) {
                    missing.add(h.get(i) + " in " + h);
                }
            }
        }
        return missing;
    }

    /**
     * Tables with an accuracy column and several rows that are models (not epochs of one
     * training) but no column saying whether each differs significantly from the first.
     */
    static List<String> comparisonsWithoutSignificance(ExecutedNotebook notebook) {
        List<String> missing = new ArrayList<>();
        for (ExecutedNotebook.HtmlTable table : notebook.tables()) {
            List<String> h = table.headers();
            // a training history (rows are epochs) and the catalogue of model cards (05 compares the
            // same models with significance in its NPU overview) are not comparisons
            boolean comparesModels = table.rows() > 1 && h.stream().anyMatch(NotebookRunnerTest::isTestAccuracy)
                    && !h.contains("epoch") && !h.contains("golden labels → predictions");
            if (comparesModels && h.stream().noneMatch(x -> x.startsWith(Tables.SIGNIFICANCE_COLUMN))) {
                missing.add(h.toString());
            }
        }
        return missing;
    }

    private static boolean isTestAccuracy(String header) {
        // a significance column may name the accuracy it compares; it is not an accuracy itself
        return header.contains("accuracy") && !header.startsWith("train")
                && !header.startsWith(Tables.SIGNIFICANCE_COLUMN);
    }

    private static Path execute(Path python, Path notebook) throws IOException, InterruptedException {
        Path executed = EXECUTED.resolve(notebook.getFileName());
        Path log = EXECUTED.resolve(notebook.getFileName() + ".log");
        Files.createDirectories(EXECUTED);
        ProcessBuilder builder = new ProcessBuilder(python.toString(), NOTEBOOKS.resolve("execute.py").toString(),
                notebook.toString(), executed.toString(), Long.toString(TIMEOUT_MINUTES * 60))
                .directory(NOTEBOOKS.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(SMALL_RUN);
        // two kernels side by side: OpenMP threads that spin while idle would take the cores from each other
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        builder.environment().put("CONDITIONED_MODELS_DIR", OUTPUTS.toString());
        builder.environment().put("CONDITION4J_HOME", ROOT.toString());
        Process process = builder.start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail(notebook.getFileName() + " did not finish within " + TIMEOUT_MINUTES + " minutes; log: " + log
                    + "\n" + tail(log));
        }
        if (process.exitValue() != 0) {
            fail(notebook.getFileName() + " failed (executed copy: " + executed + "):\n" + tail(log));
        }
        return executed;
    }

    /** The end of the runner's log: the failing cell's source and the kernel's error. */
    private static String tail(Path log) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        String[] lines = text.lines().filter(l -> !l.startsWith("[I ")).toArray(String[]::new);
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
