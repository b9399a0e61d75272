package org.condition4j.workshop;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.condition4j.io.AtomicFiles;
import org.condition4j.model.SeedCnn;
import org.condition4j.io.FileSizes;
import org.condition4j.report.Tables;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.Interval;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.nd4j.linalg.dataset.DataSet;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Writes a model card beside a {@code .tflite} file: {@code <model>.card.json} (for tools),
 * {@code <model>.card.md} (for people) and the golden vectors {@code <model>.golden_input.bin}
 * and {@code <model>.golden_output.bin}. The figures come from what is in the file (hash, sizes,
 * weights counted), from the notebook's metrics JSON (accuracies) and from Vela's reports; the
 * golden outputs from running the golden inputs through the TFLite interpreter.
 */
public final class ModelCards {
    /** How many test images the golden vectors hold: enough to catch a wrong kernel, small enough to paste. */
    public static final int GOLDEN_IMAGES = 5;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The notebook that writes each model of the series. */
    private static final Map<String, String> NOTEBOOKS = Map.of(
            "float_model", "01_post_training_quantization",
            "post_training_quant_model", "01_post_training_quantization",
            "qat_quant_model", "02_quantization_aware_training",
            "pruned_post_training_quant_model", "03_weight_pruning",
            "clustered_post_training_quant_model", "04_weight_clustering",
            "pcqat_quant_model", "05_collaborative_optimization");

    private ModelCards() {}

    /** The card file of {@code model}: same folder, {@code <model>.card.json}. */
    public static Path jsonFor(Path model) {
        return sibling(model, ".card.json");
    }

    public static Path markdownFor(Path model) {
        return sibling(model, ".card.md");
    }

    /** Writes the card of every {@code .tflite} in {@code dir}, with its Vela reports from {@code overview}. */
    public static List<ModelCard> writeAll(Path dir, RunParameters params, NpuOverview overview, DataSet testImages) {
        Map<String, Map<VelaTarget, VelaReport>> vela = new LinkedHashMap<>();
        overview.rows().forEach(row -> vela.put(row.model(), row.vela()));
        return writeAll(dir, params, vela, testImages);
    }

    /**
     * Writes the card of every {@code .tflite} in {@code dir}, with the Vela reports of each
     * model (by file name without extension; a model without reports gets none) and golden
     * vectors from the first images of {@code testImages}.
     */
    public static List<ModelCard> writeAll(Path dir, RunParameters params, Map<String, Map<VelaTarget, VelaReport>> vela,
                                           DataSet testImages) {
        List<ModelCard> cards = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path model : files.filter(f -> f.getFileName().toString().endsWith(".tflite")).sorted().toList()) {
                cards.add(write(model, params, vela.getOrDefault(baseName(model), Map.of()), testImages));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return cards;
    }

    /** Writes the card of {@code model} and its golden vectors (the first {@link #GOLDEN_IMAGES} of {@code testImages}). */
    public static ModelCard write(Path model, RunParameters params, Map<VelaTarget, VelaReport> vela, DataSet testImages) {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("No model file " + model + "; run the notebook that writes it first");
        }
        if (testImages.numExamples() < GOLDEN_IMAGES) {
            throw new IllegalArgumentException("Golden vectors need the first " + GOLDEN_IMAGES + " test images, got "
                    + testImages.numExamples());
        }
        String name = baseName(model);
        Metrics metrics = Metrics.readOrCreateFor(model);
        WeightStatistics weights = TfliteModel.read(model).weightStatistics();
        ModelCard card = new ModelCard(name, model.getFileName().toString(), sha256(model), FileSizes.raw(model),
                FileSizes.gzip(model),
                new ModelCard.Provenance(NOTEBOOKS.getOrDefault(name, "unknown"), gitCommit(), runParameters(params),
                        SeedCnn.SEED, libraries()),
                accuracies(metrics),
                new ModelCard.WeightFigures(weights.tensors().stream().mapToLong(WeightStatistics.Tensor::values).sum(),
                        weights.overallSparsity(), weights.maxDistinct()),
                vela.values().stream().map(ModelCards::velaFigures).toList(),
                golden(model, testImages));
        try {
            AtomicFiles.write(jsonFor(model), JSON.writeValueAsBytes(card));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeString(markdownFor(model), markdown(card));
        return card;
    }

    /** Reads a card written by {@link #write}. */
    public static ModelCard read(Path cardJson) {
        try {
            return JSON.readValue(cardJson.toFile(), ModelCard.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model card " + cardJson + ": " + e.getMessage(), e);
        }
    }

    /** One row per card: model, notebook, accuracies, sparsity, distinct values, golden predictions. */
    public static Table table(List<ModelCard> cards) {
        Table table = Table.create("Model cards",
                StringColumn.create("model"), StringColumn.create("made by"), StringColumn.create("SHA-256 (start)"),
                DoubleColumn.create("float accuracy %"), StringColumn.create(Tables.INTERVAL_COLUMN + " (float)"),
                DoubleColumn.create("int8 accuracy %"), StringColumn.create(Tables.INTERVAL_COLUMN + " (int8)"),
                DoubleColumn.create("sparsity %"), IntColumn.create("distinct weights (max per tensor)"),
                StringColumn.create("golden labels → predictions"));
        for (ModelCard card : cards) {
            table.stringColumn(0).append(card.model());
            table.stringColumn(1).append(card.provenance().notebook());
            table.stringColumn(2).append(card.sha256().substring(0, 12));
            table.doubleColumn(3).append(percent(card, "float"));
            table.stringColumn(4).append(interval(card, "float"));
            table.doubleColumn(5).append(percent(card, "int8"));
            table.stringColumn(6).append(interval(card, "int8"));
            table.doubleColumn(7).append(100 * card.weights().sparsity());
            table.intColumn(8).append(card.weights().maxDistinctPerTensor());
            table.stringColumn(9).append(card.golden().labels() + " → " + card.golden().predictions());
        }
        return table;
    }

    private static String interval(ModelCard card, String kind) {
        return card.accuracy().stream().filter(a -> a.kind().equals(kind) && a.intervalLow() != null)
                .map(a -> Tables.percentInterval(new Interval(a.intervalLow(), a.intervalHigh(), Accuracy.CONFIDENCE)))
                .findFirst().orElse("");
    }

    private static double percent(ModelCard card, String kind) {
        return card.accuracy().stream().filter(a -> a.kind().equals(kind)).mapToDouble(a -> 100 * a.value())
                .findFirst().orElse(Double.NaN);
    }

    private static List<ModelCard.AccuracyFigure> accuracies(Metrics metrics) {
        List<ModelCard.AccuracyFigure> figures = new ArrayList<>();
        int evalImages = metrics.number(MetricKey.EVAL_IMAGES).orElse(Double.NaN).intValue();
        metrics.number(MetricKey.FLOAT_ACCURACY).ifPresent(value ->
                figures.add(figure("float", value, evalImages)));
        metrics.number(MetricKey.INT8_ACCURACY).ifPresent(value -> figures.add(figure("int8", value, evalImages)));
        return figures;
    }

    /** An accuracy from the metrics, with its 95 % Wilson interval when the number of images is known. */
    private static ModelCard.AccuracyFigure figure(String kind, double value, int images) {
        if (images <= 0) {
            return new ModelCard.AccuracyFigure(kind, value, images, null, null);
        }
        Interval interval = new Accuracy((int) Math.round(value * images), images).interval();
        return new ModelCard.AccuracyFigure(kind, value, images, interval.lower(), interval.upper());
    }

    private static ModelCard.VelaFigures velaFigures(VelaReport r) {
        boolean ran = r.npuOperators() > 0;
        return new ModelCard.VelaFigures(r.target().accelerator(), r.npuOperators(), r.cpuOperators(),
                ran ? r.sramKiB() : null, ran ? r.offChipFlashKiB() + r.dramKiB() : null,
                ran ? r.encodedWeightBytes() : null, ran ? r.totalCycles() : null, ran ? r.inferenceMillis() : null);
    }

    private static ModelCard.GoldenVectors golden(Path model, DataSet testImages) {
        float[][] features = testImages.getFeatures().toFloatMatrix();
        int[] labels = testImages.getLabels().argMax(1).toIntVector();
        ByteArrayOutputStream inputs = new ByteArrayOutputStream();
        ByteArrayOutputStream outputs = new ByteArrayOutputStream();
        List<Integer> predictions = new ArrayList<>();
        ModelCard.TensorFormat inputFormat;
        ModelCard.TensorFormat outputFormat;
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(model)) {
            inputFormat = format(interpreter.int8Input(), interpreter.inputShape(),
                    interpreter.int8Input() ? interpreter.inputParams() : null);
            outputFormat = format(interpreter.int8Output(), interpreter.outputShape(),
                    interpreter.int8Output() ? interpreter.outputParams() : null);
            for (int i = 0; i < GOLDEN_IMAGES; i++) {
                byte[] in = interpreter.encodeInput(features[i]);
                inputs.writeBytes(in);
                outputs.writeBytes(interpreter.runRaw(in));
                predictions.add(interpreter.predict(features[i]));
            }
        }
        Path inputFile = sibling(model, ".golden_input.bin");
        Path outputFile = sibling(model, ".golden_output.bin");
        AtomicFiles.write(inputFile, inputs.toByteArray());
        AtomicFiles.write(outputFile, outputs.toByteArray());
        return new ModelCard.GoldenVectors(GOLDEN_IMAGES, inputFile.getFileName().toString(),
                outputFile.getFileName().toString(), inputFormat, outputFormat,
                IntStream.range(0, GOLDEN_IMAGES).boxed().toList(),
                Arrays.stream(labels, 0, GOLDEN_IMAGES).boxed().toList(), predictions);
    }

    private static ModelCard.TensorFormat format(boolean int8, int[] shape,
                                                 org.condition4j.quantize.Int8Scheme.ActivationParams params) {
        int elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return new ModelCard.TensorFormat(int8 ? "int8" : "float32", Arrays.stream(shape).boxed().toList(),
                int8 ? elements : 4 * elements, params == null ? null : params.scale(),
                params == null ? null : (long) params.zeroPoint());
    }

    private static Map<String, Object> runParameters(RunParameters p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("EPOCHS", p.epochs());
        m.put("FINE_TUNE_EPOCHS", p.fineTuneEpochs());
        m.put("TRAIN_LIMIT", p.trainLimit());
        m.put("TEST_LIMIT", p.testLimit());
        m.put("EVAL_LIMIT", p.evalLimit());
        m.put("CALIBRATION_SAMPLES", p.calibrationSamples());
        return m;
    }

    /** Versions of the JVM, Deeplearning4j, the TFLite interpreter and the pinned Python tools. */
    static Map<String, String> libraries() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("java", System.getProperty("java.version"));
        versions.put("deeplearning4j", properties("META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")
                .getProperty("version", "unknown"));
        versions.put("tflite interpreter", properties("native/lib/tflite.properties").getProperty("version", "unknown"));
        Path requirements = ProjectDirs.root().resolve("requirements.txt");
        try {
            for (String line : Files.readAllLines(requirements)) {
                for (String tool : List.of("ethos-u-vela", "ai-edge-litert")) {
                    if (line.startsWith(tool + "==")) {
                        versions.put(tool, line.substring(tool.length() + 2).trim());
                    }
                }
            }
        } catch (IOException e) {
            versions.put("python tools", "unknown (" + requirements + " unreadable)");
        }
        return versions;
    }

    private static Properties properties(String resource) {
        Properties properties = new Properties();
        try (InputStream in = ModelCards.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // an unreadable version file leaves the version unknown
        }
        return properties;
    }

    /** The project's git commit, "-dirty" if the work tree has changes; "unknown" outside a git checkout. */
    static String gitCommit() {
        String head = git("rev-parse", "HEAD");
        if (head == null || head.isBlank()) {
            return "unknown";
        }
        String status = git("status", "--porcelain", "--untracked-files=no");
        return head.trim() + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    private static String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", ProjectDirs.root().toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return out;
        } catch (IOException e) {
            return null; // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }

    /** The card for people. */
    static String markdown(ModelCard c) {
        StringBuilder md = new StringBuilder();
        md.append("# Model card: ").append(c.model()).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "file", "`" + c.file() + "`");
        row(md, "SHA-256", "`" + c.sha256() + "`");
        row(md, "size", c.sizeBytes() + " bytes (gzip " + c.gzipBytes() + " bytes)");
        row(md, "made by notebook", "`" + c.provenance().notebook() + "`");
        row(md, "git commit", "`" + c.provenance().gitCommit() + "`");
        row(md, "run parameters", c.provenance().runParameters().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse(""));
        row(md, "seed", Long.toString(c.provenance().seed()));
        row(md, "libraries", c.provenance().libraries().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse(""));
        md.append("\n## Accuracy\n\n| kind | accuracy % | 95 % interval | test images |\n|---|---|---|---|\n");
        for (ModelCard.AccuracyFigure a : c.accuracy()) {
            String interval = a.intervalLow() == null ? "" : "[" + Tables.number(100 * a.intervalLow()) + ", "
                    + Tables.number(100 * a.intervalHigh()) + "]";
            md.append("| ").append(a.kind()).append(" | ").append(Tables.number(100 * a.value())).append(" | ")
                    .append(interval).append(" | ").append(a.images()).append(" |\n");
        }
        md.append("\n## Weights, counted in the file\n\n");
        md.append(c.weights().values()).append(" weight values, ").append(Tables.number(100 * c.weights().sparsity()))
                .append(" % zeros, at most ").append(c.weights().maxDistinctPerTensor())
                .append(" distinct values in one tensor.\n");
        if (!c.vela().isEmpty()) {
            md.append("\n## Ethos-U (Vela estimates)\n\n| accelerator | NPU ops | CPU ops | SRAM KiB | off-chip KiB "
                    + "| encoded weights bytes | cycles | inference ms |\n|---|---|---|---|---|---|---|---|\n");
            for (ModelCard.VelaFigures v : c.vela()) {
                md.append("| ").append(v.accelerator()).append(" | ").append(v.npuOperators()).append(" | ")
                        .append(v.cpuOperators()).append(" | ").append(blank(v.sramKiB())).append(" | ")
                        .append(blank(v.offChipFlashKiB())).append(" | ")
                        .append(v.encodedWeightBytes() == null ? "" : v.encodedWeightBytes()).append(" | ")
                        .append(v.cycles() == null ? "" : v.cycles()).append(" | ").append(blank(v.inferenceMillis()))
                        .append(" |\n");
            }
        }
        ModelCard.GoldenVectors g = c.golden();
        md.append("\n## Golden vectors\n\n");
        md.append("The first ").append(g.count()).append(" MNIST test images (indices ").append(g.testImageIndices())
                .append(", labels ").append(g.labels()).append("; this model predicts ").append(g.predictions())
                .append("), to replay on the device and compare byte for byte:\n\n");
        md.append("- `").append(g.inputFile()).append("`: ").append(g.count()).append(" input tensors back to back, ")
                .append(describe(g.input())).append("\n");
        md.append("- `").append(g.outputFile()).append("`: the ").append(g.count())
                .append(" output tensors the TFLite interpreter computed, back to back, ").append(describe(g.output()))
                .append("\n\n");
        md.append("Each tensor is stored exactly as the model's tensor holds it: NHWC, row-major (last index "
                + "fastest), one signed byte per int8 value or four little-endian bytes per float32 value. Load "
                + "tensor i of the input file into the model's input, invoke, and compare the output tensor with "
                + "tensor i of the output file.");
        if (g.input().scale() != null) {
            md.append(" The int8 input of a pixel p in [0, 1] is q = clamp(round(p / scale) + zero point, -128, 127), "
                    + "rounding halves away from zero.");
        }
        md.append("\n");
        return md.toString();
    }

    private static String describe(ModelCard.TensorFormat f) {
        return f.dtype() + " " + f.shape() + ", " + f.bytes() + " bytes each"
                + (f.scale() == null ? "" : ", scale " + f.scale() + ", zero point " + f.zeroPoint());
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static String blank(Double value) {
        return value == null ? "" : Tables.number(value);
    }

    private static Path sibling(Path model, String suffix) {
        return model.resolveSibling(baseName(model) + suffix);
    }

    private static String baseName(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".tflite") ? name.substring(0, name.length() - ".tflite".length()) : name;
    }
}
