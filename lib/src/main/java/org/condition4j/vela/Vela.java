package org.condition4j.vela;

import org.condition4j.io.Subprocess;
import org.condition4j.tflite.TfliteVerifier;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the Vela compiler (the {@code ethos-u-vela} package in the project's Python environment)
 * on a .tflite file and reads its summary. Vela writes the NPU-ready model
 * ({@code <name>_vela.tflite}), a summary CSV and a per-layer CSV ({@code --verbose-performance})
 * into the output folder; the operator counts come from its printed summary.
 */
public final class Vela {
    private static final Pattern OPERATORS = Pattern.compile("^(CPU|NPU) operators = (\\d+)", Pattern.MULTILINE);
    /** Vela names each operator it leaves on the CPU in a warning like this. */
    private static final Pattern CPU_OPERATOR = Pattern.compile(
            "^Warning \\(supported operators\\) operator: (\\w+), ofm: '([^']*)'", Pattern.MULTILINE);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern BATCH_EXIT = Pattern.compile("^exit (\\d+) (-?\\d+)$", Pattern.MULTILINE);
    /** The configuration file every compilation names: the one Vela's package ships. */
    public static final String CONFIG = "Arm/vela.ini";
    /** How Vela's {@code --list-configs} names the file it read. */
    private static final Pattern CONFIG_PATH = Pattern.compile("^Configurations defined in (.+):\\s*$", Pattern.MULTILINE);

    private final Path executable;
    private final Duration timeout;

    /** Vela as {@code executable}, given at most {@code timeout} per compilation. */
    Vela(Path executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
    }

    /** Vela installed at {@code executable} (the project's is {@code env/bin/vela}). */
    public static Vela at(Path executable) {
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("The Vela compiler is not installed at " + executable + "; run ./setup.sh");
        }
        return new Vela(executable, TIMEOUT);
    }

    /** One compilation: a model, the target, and the folder its outputs go to. */
    public record Job(Path tflite, VelaTarget target, Path outputDir) {
        public Job {
            Objects.requireNonNull(tflite, "tflite");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(outputDir, "outputDir");
        }
    }

    /**
     * Compiles {@code tflite} for {@code target}, writing Vela's outputs into {@code outputDir}.
     * Vela writes into a private folder first and each finished file then replaces its namesake in
     * one rename, so compilations of the same model running at the same time (notebooks run side
     * by side) never read each other's half-written files.
     */
    public VelaReport compile(Path tflite, VelaTarget target, Path outputDir) {
        Job job = new Job(tflite, target, outputDir);
        Path work = prepare(job);
        try {
            Subprocess.Result run = Subprocess.run(command(List.of(executable.toString()), job, work), timeout,
                    "Vela on " + tflite);
            VelaReport report = read(job, work, run.exitCode(), run.output());
            publish(work, outputDir);
            return report;
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * Where the configuration file of {@link #CONFIG} is, as Vela itself resolves it
     * ({@code vela --list-configs}): inside the installed package, so that what a card says of a
     * system configuration is what this Vela compiled for.
     */
    public Path configFile() {
        Subprocess.Result run = Subprocess.run(List.of(executable.toString(), "--list-configs", CONFIG),
                Duration.ofMinutes(1), "Vela --list-configs");
        Matcher m = CONFIG_PATH.matcher(run.output());
        if (run.exitCode() != 0 || !m.find()) {
            throw new IllegalStateException("Vela did not say where its " + CONFIG + " is (exit " + run.exitCode()
                    + "):\n" + Subprocess.lastLines(run.output(), 10));
        }
        return Path.of(m.group(1).strip());
    }

    /**
     * Compiles every job in one Python process, in order, each exactly as {@link #compile} would
     * (the same arguments, outputs and report: the tests compare the two), without paying Vela's
     * start-up, several times a small model's compilation, for each. A failed job fails the batch
     * with Vela's message; the jobs before it have published their outputs.
     */
    public List<VelaReport> compileAll(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return List.of();
        }
        Path batch;
        try {
            batch = Files.createTempDirectory("condition4j-vela-batch");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary folder for Vela: " + e.getMessage(), e);
        }
        List<Path> works = new ArrayList<>();
        try {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < jobs.size(); i++) {
                Path work = prepare(jobs.get(i));
                works.add(work);
                List<String> fields = new ArrayList<>(List.of(batch.resolve(i + ".log").toString()));
                fields.addAll(command(List.of(), jobs.get(i), work));
                for (String field : fields) {
                    if (field.contains("\t") || field.contains("\n")) {
                        throw new IllegalArgumentException("Vela's batch cannot pass a path with a tab or line break: "
                                + field + "; rename the file or folder");
                    }
                }
                lines.append(String.join("\t", fields)).append('\n');
            }
            Path jobsFile = Files.writeString(batch.resolve("jobs.txt"), lines);
            Path script = batch.resolve("vela_batch.py");
            try (InputStream in = Vela.class.getResourceAsStream("vela_batch.py")) {
                Files.copy(Objects.requireNonNull(in, "vela_batch.py is missing from the library jar"), script);
            }
            Subprocess.Result run = Subprocess.run(List.of(python().toString(), script.toString(), jobsFile.toString()),
                    timeout.multipliedBy(jobs.size()), "Vela on " + jobs.size() + " models and targets");
            Map<Integer, Integer> exits = new HashMap<>();
            Matcher m = BATCH_EXIT.matcher(run.output());
            while (m.find()) {
                exits.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
            List<VelaReport> reports = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                Job job = jobs.get(i);
                if (!exits.containsKey(i)) {
                    throw new IllegalStateException("Vela's batch process stopped (exit " + run.exitCode() + ") before "
                            + job.tflite().getFileName() + " for " + job.target() + ":\n"
                            + Subprocess.lastLines(run.output() + readIfPresent(batch.resolve(i + ".log")), 15));
                }
                reports.add(read(job, works.get(i), exits.get(i), Files.readString(batch.resolve(i + ".log"))));
                publish(works.get(i), job.outputDir());
            }
            return List.copyOf(reports);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare or read Vela's batch in " + batch + ": " + e.getMessage(), e);
        } finally {
            works.forEach(Vela::deleteQuietly);
            deleteQuietly(batch);
        }
    }

    /** Checks the model and creates the private folder Vela writes into. */
    private static Path prepare(Job job) {
        if (!Files.isRegularFile(job.tflite())) {
            throw new IllegalArgumentException("No .tflite file at " + job.tflite().toAbsolutePath());
        }
        try {
            TfliteVerifier.verify(Files.readAllBytes(job.tflite()), job.tflite().toAbsolutePath().toString());
            Files.createDirectories(job.outputDir());
            return Files.createTempDirectory(job.outputDir(), "." + baseName(job.tflite()) + "-vela");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + job.tflite() + " or create Vela's output folder "
                    + job.outputDir() + ": " + e.getMessage(), e);
        }
    }

    /** {@code prefix} followed by Vela's arguments for {@code job}, its outputs going to {@code work}. */
    private static List<String> command(List<String> prefix, Job job, Path work) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(job.tflite().toAbsolutePath().toString(),
                "--accelerator-config", job.target().accelerator(),
                "--config", CONFIG,
                "--system-config", job.target().systemConfig(),
                "--memory-mode", job.target().memoryMode(),
                "--optimise", job.target().optimise().name(),
                "--verbose-performance",
                "--output-dir", work.toAbsolutePath().toString()));
        return command;
    }

    /** The report of a finished compilation whose outputs are in {@code work}; names the compiled model in the job's folder. */
    private static VelaReport read(Job job, Path work, int exitCode, String output) {
        if (exitCode != 0) {
            throw new IllegalStateException("Vela failed on " + job.tflite().getFileName() + " for " + job.target()
                    + " (exit " + exitCode + "):\n" + Subprocess.lastLines(output, 15));
        }
        String network = baseName(job.tflite());
        Path summary = work.resolve(network + "_summary_" + job.target().systemConfig() + ".csv");
        try {
            Map<String, Integer> operators = operatorCounts(output);
            return report(network, job.target(), operators, output, readCsv(summary),
                    job.outputDir().resolve(network + "_vela.tflite"),
                    VelaLayer.read(work.resolve(network + "_per-layer.csv")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Vela's summary " + summary + ": " + e.getMessage(), e);
        }
    }

    /**
     * The Python that runs the Vela executable: its {@code #!} line, or, where pip wrote a shell
     * line instead (it does for a path too long for {@code #!}), the {@code python} beside it in
     * the same environment. The batch imports Vela there.
     */
    private Path python() {
        try (BufferedReader reader = Files.newBufferedReader(executable)) {
            String first = reader.readLine();
            if (first != null && first.startsWith("#!")) {
                Path interpreter = Path.of(first.substring(2).trim().split("\\s+")[0]);
                if (interpreter.getFileName().toString().startsWith("python") && Files.isExecutable(interpreter)) {
                    return interpreter;
                }
            }
            Path sibling = executable.resolveSibling("python");
            if (Files.isExecutable(sibling)) {
                return sibling;
            }
            throw new IllegalStateException("Cannot tell which Python runs Vela at " + executable
                    + " (its first line is " + first + " and there is no python beside it); reinstall it with ./setup.sh");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Vela executable " + executable + ": " + e.getMessage(), e);
        }
    }

    private static String readIfPresent(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Moves every file Vela wrote in {@code work} into {@code outputDir}, each in one rename. */
    private static void publish(Path work, Path outputDir) {
        try (Stream<Path> files = Files.list(work)) {
            for (Path file : files.toList()) {
                Files.move(file, outputDir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move Vela's outputs from " + work + " to " + outputDir + ": "
                    + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // the outputs are in place; a leftover private folder is only clutter
        }
    }

    /** The CPU and NPU operator counts of Vela's printed summary; an error unless both are there. */
    private static Map<String, Integer> operatorCounts(String printed) {
        Map<String, Integer> operators = new HashMap<>();
        Matcher m = OPERATORS.matcher(printed);
        while (m.find()) {
            operators.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        if (!operators.containsKey("NPU") || !operators.containsKey("CPU")) {
            // without both counts the NPU share cannot be told; reading a missing count as 0 would
            // claim everything runs on the NPU
            throw new IllegalStateException("Vela's summary lacks the " + (operators.containsKey("NPU") ? "CPU" : "NPU")
                    + " operator count (a different Vela version?); its output ends:\n"
                    + Subprocess.lastLines(printed, 30));
        }
        return operators;
    }

    private static VelaReport report(String network, VelaTarget target, Map<String, Integer> operators,
                                     String printed, Map<String, String> csv, Path compiled, List<VelaLayer> layers) {
        List<String> cpuOperations = new ArrayList<>();
        Matcher cpu = CPU_OPERATOR.matcher(printed);
        while (cpu.find()) {
            cpuOperations.add(cpu.group(1) + " → " + cpu.group(2));
        }
        return new VelaReport(network, target,
                operators.get("NPU"),
                operators.get("CPU"),
                cpuOperations,
                number(csv, "sram_memory_used"),
                number(csv, "off_chip_flash_memory_used"),
                number(csv, "dram_memory_used"),
                (long) number(csv, "total_original_weights"),
                (long) number(csv, "total_npu_encoded_weights"),
                (long) number(csv, "cycles_total"),
                (long) number(csv, "cycles_npu"),
                1000 * number(csv, "inference_time"),
                (long) number(csv, "nn_macs"),
                (long) Math.max(Math.max(number(csv, "cycles_sram_access"), number(csv, "cycles_dram_access")),
                        Math.max(number(csv, "cycles_on_chip_flash_access"), number(csv, "cycles_off_chip_flash_access"))),
                compiled,
                layers);
    }

    /** Vela's summary CSV: one header row, one data row. */
    private static Map<String, String> readCsv(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Vela wrote no summary " + file);
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new StringReader(Files.readString(file)))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        if (lines.size() < 2) {
            throw new IllegalStateException("Vela's summary " + file + " has no data row");
        }
        String[] header = lines.get(0).split(",", -1);
        String[] row = lines.get(1).split(",", -1);
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < Math.min(header.length, row.length); i++) {
            values.put(header[i].trim(), row[i].trim());
        }
        return values;
    }

    private static double number(Map<String, String> csv, String column) {
        String value = csv.get(column);
        if (value == null) {
            throw new IllegalStateException("Vela's summary has no column '" + column + "' (columns: " + csv.keySet() + ")");
        }
        return value.isEmpty() || value.equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(value);
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".tflite") ? name.substring(0, name.length() - ".tflite".length()) : name;
    }

}
