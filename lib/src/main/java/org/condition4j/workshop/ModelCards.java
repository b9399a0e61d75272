package org.condition4j.workshop;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.condition4j.data.Mnist;
import org.condition4j.io.AtomicFiles;
import org.condition4j.model.SeedCnn;
import org.condition4j.io.FileSizes;
import org.condition4j.report.Format;
import org.condition4j.report.Tables;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.Interval;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.MicroOperators;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.condition4j.vela.VelaConfigFile;
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
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Writes a model card beside a {@code .tflite} file: {@code <model>.card.json} (for tools),
 * {@code <model>.card.md} (for people) and the golden vectors {@code <model>.golden_input.bin},
 * {@code <model>.golden_output.bin} and, for an int8 model, {@code <model>.golden_logits.bin}.
 * The figures come from what is in the file (hash, sizes, weights counted), from the notebook's
 * metrics JSON (accuracies) and from Vela's reports; the golden images are those the model is
 * least sure of ({@link GoldenImages}), their outputs and logits computed by the TFLite interpreter.
 */
public final class ModelCards {
    /** How many test images the golden vectors hold: one per digit, small enough to paste. */
    public static final int GOLDEN_IMAGES = Mnist.CLASSES;

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
     * vectors chosen from {@code testImages}, the first test images in file order.
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

    /**
     * Writes the card of {@code model} and its golden vectors: the {@link #GOLDEN_IMAGES} images
     * of {@code testImages} (the first test images in file order, so that a position is an index
     * into the MNIST test set) the model is least sure of. The more images, the harder the chosen
     * ones: a pool of the first few hundred may hold no image the model gets wrong.
     */
    public static ModelCard write(Path model, RunParameters params, Map<VelaTarget, VelaReport> vela, DataSet testImages) {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("No model file " + model + "; run the notebook that writes it first");
        }
        if (testImages.numExamples() < GOLDEN_IMAGES) {
            throw new IllegalArgumentException("Golden vectors are chosen from the first test images; need at least "
                    + GOLDEN_IMAGES + ", got " + testImages.numExamples());
        }
        String name = baseName(model);
        Metrics metrics = Metrics.readOrCreateFor(model);
        TfliteModel file = TfliteModel.read(model);
        WeightStatistics weights = file.weightStatistics();
        Path dir = model.toAbsolutePath().getParent();
        VelaConfigFile config = vela.isEmpty() ? null : Workshop.velaConfig();
        ModelCard.GoldenVectors golden = golden(model, testImages);
        List<ModelCard.FileLink> files = new ArrayList<>();
        files.add(DeploymentFacts.link("model", model, dir));
        files.add(DeploymentFacts.link("golden input", dir.resolve(golden.inputFile()), dir));
        files.add(DeploymentFacts.link("golden output", dir.resolve(golden.outputFile()), dir));
        if (golden.logitsFile() != null) {
            files.add(DeploymentFacts.link("golden logits", dir.resolve(golden.logitsFile()), dir));
        }
        ModelCard card = new ModelCard(name, model.getFileName().toString(), sha256(model), FileSizes.raw(model),
                FileSizes.gzip(model),
                new ModelCard.Provenance(NOTEBOOKS.getOrDefault(name, "unknown"), gitCommit(), runParameters(params),
                        SeedCnn.SEED, libraries()),
                accuracies(metrics),
                new ModelCard.WeightFigures(weights.tensors().stream().mapToLong(WeightStatistics.Tensor::values).sum(),
                        weights.overallSparsity(), weights.maxDistinct()),
                DeploymentFacts.io(file),
                MicroOperators.of(file),
                vela.values().stream().map(r -> DeploymentFacts.vela(r, config, dir)).toList(),
                golden,
                files);
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
                .map(a -> Format.interval(new Interval(a.intervalLow(), a.intervalHigh(), Accuracy.CONFIDENCE)))
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

    /**
     * The golden vectors of {@code model}, chosen from {@code pool}. Neither interpreter returns a
     * tensor that is not a graph output, so the logits come from a copy of the file whose graph
     * outputs also hold the SOFTMAX's input: same operators, tensors and constants, so it computes
     * the model's tensors exactly (its first output is checked against the model's). LiteRT runs
     * that copy on the whole pool to choose (fast; a one-step rounding difference from 2.6 only
     * moves a margin by a step); the 2.6 interpreter, the bit-exact reference, computes the vectors.
     */
    private static ModelCard.GoldenVectors golden(Path model, DataSet pool) {
        TfliteModel file = TfliteModel.read(model);
        Optional<String> logitsTensor = file.logitsTensorName();
        Optional<TfliteModel> withLogits = logitsTensor.map(file::withOutputAdded);
        int[] labels = pool.getLabels().argMax(1).toIntVector();
        float[][] features = pool.getFeatures().toFloatMatrix();
        List<Integer> chosen = GoldenImages.choose(labels, scores(model, withLogits, pool), GOLDEN_IMAGES);
        // golden logits for int8 models only: a float model has no requantization to get wrong
        Optional<TfliteModel> goldenLogits = withLogits.filter(m -> file.output().type().equals("INT8"));
        ByteArrayOutputStream inputs = new ByteArrayOutputStream();
        ByteArrayOutputStream outputs = new ByteArrayOutputStream();
        ByteArrayOutputStream logits = new ByteArrayOutputStream();
        List<Integer> predictions = new ArrayList<>();
        ModelCard.TensorFormat inputFormat;
        ModelCard.TensorFormat outputFormat;
        ModelCard.TensorFormat logitsFormat = null;
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(model);
             TfliteInterpreter copy = goldenLogits.map(m -> TfliteInterpreter.of(m.toBytes(), 1)).orElse(null)) {
            inputFormat = format(interpreter.int8Input(), interpreter.inputShape(), interpreter.inputParams());
            outputFormat = format(interpreter.outputs().get(0));
            if (copy != null) {
                logitsFormat = format(copy.outputs().get(1));
            }
            for (int i : chosen) {
                byte[] in = interpreter.encodeInput(features[i]);
                byte[] out = interpreter.runRaw(in);
                inputs.writeBytes(in);
                outputs.writeBytes(out);
                predictions.add(GoldenImages.argMax(interpreter.outputs().get(0).decode(out)));
                if (copy != null) {
                    byte[][] both = copy.runRawOutputs(in);
                    if (!Arrays.equals(out, both[0])) {
                        throw new IllegalStateException("The copy of " + model.getFileName() + " with its logits as an "
                                + "output computes another output for test image " + i + "; its logits would not "
                                + "be the model's");
                    }
                    logits.writeBytes(both[1]);
                }
            }
        }
        Path inputFile = sibling(model, ".golden_input.bin");
        Path outputFile = sibling(model, ".golden_output.bin");
        AtomicFiles.write(inputFile, inputs.toByteArray());
        AtomicFiles.write(outputFile, outputs.toByteArray());
        Path logitsFile = sibling(model, ".golden_logits.bin");
        if (logitsFormat != null) {
            AtomicFiles.write(logitsFile, logits.toByteArray());
        }
        return new ModelCard.GoldenVectors(GOLDEN_IMAGES, labels.length, chosen,
                chosen.stream().map(i -> labels[i]).toList(), predictions, inputFile.getFileName().toString(),
                inputFormat, outputFile.getFileName().toString(), outputFormat,
                logitsFormat == null ? null : logitsTensor.get(),
                logitsFormat == null ? null : logitsFile.getFileName().toString(), logitsFormat);
    }

    /**
     * What the choice ranks the pool's images by, computed by LiteRT: the logits where the model
     * ends in a SOFTMAX (its int8 output saturates, so that most images tie at 127), else its output.
     */
    private static float[][] scores(Path model, Optional<TfliteModel> withLogits, DataSet pool) {
        if (withLogits.isEmpty()) {
            return Workshop.liteRt().outputs(model, pool);
        }
        float[][][] all = onDisk(withLogits.get(), model.getFileName().toString(),
                copy -> Workshop.liteRt().allOutputs(copy, pool));
        return Arrays.stream(all).map(outputs -> outputs[outputs.length - 1]).toArray(float[][]::new);
    }

    /** What {@code use} makes of {@code model} written to a temporary file (LiteRT reads models from files). */
    static <T> T onDisk(TfliteModel model, String fileName, Function<Path, T> use) {
        Path dir;
        try {
            dir = Files.createTempDirectory("condition4j-copy");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a temporary folder for " + fileName + ": " + e.getMessage(), e);
        }
        Path file = dir.resolve(fileName);
        try {
            return use.apply(model.writeTo(file));
        } finally {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // only a temporary copy
            }
        }
    }

    private static ModelCard.TensorFormat format(TfliteInterpreter.OutputTensor tensor) {
        return format(tensor.int8(), tensor.shape(), tensor.params());
    }

    private static ModelCard.TensorFormat format(boolean int8, int[] shape,
                                                 org.condition4j.quantize.Int8Scheme.ActivationParams params) {
        int elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return new ModelCard.TensorFormat(int8 ? "int8" : "float32", Arrays.stream(shape).boxed().toList(),
                int8 ? elements : 4 * elements, int8 ? params.scale() : null,
                int8 ? (long) params.zeroPoint() : null);
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
        row(md, "size", Format.bytes(c.sizeBytes()) + " (gzip " + Format.bytes(c.gzipBytes()) + ")");
        row(md, "made by notebook", "`" + c.provenance().notebook() + "`");
        row(md, "git commit", "`" + c.provenance().gitCommit() + "`");
        row(md, "run parameters", c.provenance().runParameters().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse(""));
        row(md, "seed", Long.toString(c.provenance().seed()));
        row(md, "libraries", c.provenance().libraries().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse(""));
        md.append(DeploymentFacts.ioMarkdown(c.io()));
        md.append("\n## Operators to register in TensorFlow Lite Micro\n\nFor `").append(c.file())
                .append("` as it is (on a CPU), read from the file:\n\n").append(DeploymentFacts.operatorsMarkdown(c.operators()));
        md.append("\n## Accuracy\n\n| kind | accuracy % | 95 % interval | test images |\n|---|---|---|---|\n");
        for (ModelCard.AccuracyFigure a : c.accuracy()) {
            String interval = a.intervalLow() == null ? ""
                    : Format.interval(new Interval(a.intervalLow(), a.intervalHigh(), Accuracy.CONFIDENCE));
            md.append("| ").append(a.kind()).append(" | ").append(Format.percentValue(a.value())).append(" | ")
                    .append(interval).append(" | ").append(a.images() > 0 ? Format.count(a.images()) : "")
                    .append(" |\n");
        }
        md.append("\n## Weights, counted in the file\n\n");
        md.append(Format.count(c.weights().values())).append(" weight values, ")
                .append(Format.percent(c.weights().sparsity())).append(" zeros, at most ")
                .append(Format.count(c.weights().maxDistinctPerTensor())).append(" distinct values in one tensor.\n");
        md.append(DeploymentFacts.velaMarkdown(c.vela()));
        md.append(golden(c.golden()));
        md.append(DeploymentFacts.filesMarkdown(c.files(), c.vela()));
        return md.toString();
    }

    /** The card's golden-vector section: which images, what each file holds, how to replay it. */
    private static String golden(ModelCard.GoldenVectors g) {
        StringBuilder md = new StringBuilder("\n## Golden vectors\n\n");
        long wrong = IntStream.range(0, g.count()).filter(i -> !g.labels().get(i).equals(g.predictions().get(i)))
                .count();
        md.append("The ").append(Format.count(g.count())).append(" test images this model is least sure of, one per "
                + "digit, among the first ").append(Format.count(g.pool())).append(" MNIST test images: for each "
                + "digit the image with the smallest margin between its two largest logits, images the model gets "
                + "wrong taken first. It gets ").append(Format.count(wrong)).append(" of the ")
                .append(Format.count(g.count())).append(" wrong.\n\n");
        md.append("| vector | MNIST test image | label | prediction |\n|---|---|---|---|\n");
        for (int i = 0; i < g.count(); i++) {
            md.append("| ").append(i).append(" | ").append(g.testImageIndices().get(i)).append(" | ")
                    .append(g.labels().get(i)).append(" | ").append(g.predictions().get(i)).append(" |\n");
        }
        md.append("\nTo replay on the device and compare byte for byte:\n\n");
        md.append("- `").append(g.inputFile()).append("`: the ").append(Format.count(g.count()))
                .append(" input tensors back to back, ").append(describe(g.input())).append("\n");
        md.append("- `").append(g.outputFile()).append("`: the ").append(Format.count(g.count()))
                .append(" output tensors the TFLite interpreter computed, back to back, ").append(describe(g.output()))
                .append("\n");
        if (g.logitsFile() != null) {
            md.append("- `").append(g.logitsFile()).append("`: the ").append(Format.count(g.count()))
                    .append(" logit tensors (tensor `").append(g.logitsTensor()).append("`, the input of the final "
                    + "SOFTMAX) the TFLite interpreter computed, back to back, ").append(describe(g.logits()))
                    .append("\n");
        }
        md.append("\nEach tensor is stored exactly as the model's tensor holds it: NHWC, row-major (last index "
                + "fastest), one signed byte per int8 value or four little-endian bytes per float32 value. Load "
                + "tensor i of the input file into the model's input, invoke, and compare the output tensor with "
                + "tensor i of the output file.");
        if (g.logitsFile() != null) {
            md.append(" The logits are not a graph output: compare them where the runtime lets you read tensor `")
                    .append(g.logitsTensor()).append("` after invoke, or run a copy of the model with that tensor "
                    + "added to its graph outputs (`TfliteModel.withOutputAdded`). The saturated outputs can agree "
                    + "while the logits, and so the arithmetic, differ.");
        }
        if (g.input().scale() != null) {
            md.append(" The int8 input of a pixel p in [0, 1] is q = clamp(round(p / scale) + zero point, -128, 127), "
                    + "rounding halves away from zero.");
        }
        md.append("\n");
        return md.toString();
    }

    private static String describe(ModelCard.TensorFormat f) {
        return f.dtype() + " " + f.shape() + ", " + Format.bytes(f.bytes()) + " each"
                + (f.scale() == null ? "" : ", scale " + f.scale() + ", zero point " + f.zeroPoint());
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static Path sibling(Path model, String suffix) {
        return model.resolveSibling(baseName(model) + suffix);
    }

    private static String baseName(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".tflite") ? name.substring(0, name.length() - ".tflite".length()) : name;
    }
}
