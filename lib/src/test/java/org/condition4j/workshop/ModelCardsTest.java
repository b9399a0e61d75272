package org.condition4j.workshop;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.report.Format;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.IntegerReference;
import org.condition4j.tflite.MicroOperators;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cards written for real exported models, checked against tools and arithmetic of their own. */
class ModelCardsTest {
    /** The golden images are chosen from the first 1,000 test images: every digit, about 100 of each. */
    static final int POOL = 1000;

    @TempDir
    static Path dir;
    static QuantizedGraph quantized;
    static Path int8Model;
    static Path floatModel;
    static DataSet pool;
    static ModelCard int8Card;

    @BeforeAll
    static void export() {
        var graph = InferenceGraph.of(TestNetworks.seedCnn());
        quantized = PostTrainingQuantization.calibrate(graph, TestNetworks.mnist().trainSample(50));
        int8Model = TfliteExport.int8(quantized).writeTo(dir.resolve("post_training_quant_model.tflite"));
        floatModel = TfliteExport.float32(graph).writeTo(dir.resolve("float_model.tflite"));
        pool = TestNetworks.mnist().testSample(POOL);
        Metrics.create().put(MetricKey.FLOAT_ACCURACY, 0.981).put(MetricKey.INT8_ACCURACY, 0.979).put(MetricKey.EVAL_IMAGES, 1000)
                .writeFor(int8Model);
        int8Card = ModelCards.write(int8Model, RunParameters.DEFAULTS, Map.of(), pool);
        // a copy of the int8 model in a folder of its own, compiled for targets that cover the
        // memory modes: arena in SRAM (Shared_Sram, Sram_Only), arena in DRAM with the SRAM as its
        // cache (Dedicated_Sram, unlimited and 256 KB), on the three NPU generations
        deployed = dir.resolve("deployed").resolve(int8Model.getFileName());
        try {
            Files.createDirectories(deployed.getParent());
            Files.copy(int8Model, deployed);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (VelaTarget target : TARGETS) {
            compiled.put(target, Workshop.vela().compile(deployed, target,
                    deployed.resolveSibling("vela").resolve(target.folderName())));
        }
        deployedCard = ModelCards.write(deployed, RunParameters.DEFAULTS, compiled, pool);
    }

    static final List<VelaTarget> TARGETS = List.of(VelaTarget.ETHOS_U55_128, VelaTarget.ETHOS_U65_256,
            new VelaTarget("ethos-u85-256", "Ethos_U85_SYS_DRAM_Low", "Dedicated_Sram_256KB", VelaTarget.Optimise.Size),
            new VelaTarget("ethos-u55-64", "Ethos_U55_Deep_Embedded", "Sram_Only"));
    static Path deployed;
    static final Map<VelaTarget, VelaReport> compiled = new LinkedHashMap<>();
    static ModelCard deployedCard;

    @Test
    void cardIdentifiesTheFileAndRecordsTheMetrics() throws Exception {
        // sha256sum is the independent oracle for the hash
        Process sum = new ProcessBuilder("sha256sum", int8Model.toString()).start();
        String expected = new String(sum.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
        ModelCard card = int8Card;
        assertEquals(expected, card.sha256());
        assertEquals(Files.size(int8Model), card.sizeBytes());
        assertEquals("01_post_training_quantization", card.provenance().notebook());
        assertEquals(42L, card.provenance().seed());
        assertEquals(5, card.provenance().runParameters().get("EPOCHS"));
        assertTrue(card.provenance().gitCommit().matches("[0-9a-f]{40}(-dirty)?|unknown"), card.provenance().gitCommit());
        assertEquals("1.0.0-M2.1", card.provenance().libraries().get("deeplearning4j"));
        assertTrue(card.provenance().libraries().get("tflite interpreter").startsWith("2.6.2"));
        assertEquals(List.of("float", "int8"), card.accuracy().stream().map(ModelCard.AccuracyFigure::kind).toList());
        assertEquals(0.979, card.accuracy().get(1).value());
        assertEquals(1000, card.accuracy().get(1).images());
        // Wilson 95 % interval of 979/1000, from the closed form with z = 1.959964:
        // (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n) = [0.96811, 0.98622]
        assertEquals(0.96811, card.accuracy().get(1).intervalLow(), 5e-5);
        assertEquals(0.98622, card.accuracy().get(1).intervalHigh(), 5e-5);
        assertEquals(card, ModelCards.read(ModelCards.jsonFor(int8Model)), "JSON round trip");
        String markdown = Files.readString(ModelCards.markdownFor(int8Model));
        assertTrue(markdown.contains(expected) && markdown.contains("| int8 | 97.90 | 96.81 – 98.62 | 1,000 |"), markdown);
    }

    @Test
    void goldenImagesAreOnePerDigitFromThePoolAndTheCardSaysWhich() throws IOException {
        ModelCard.GoldenVectors g = int8Card.golden();
        assertEquals(10, g.count());
        assertEquals(POOL, g.pool());
        assertEquals(IntStream.range(0, 10).boxed().toList(), g.labels(), "one image of each digit, in order");
        int[] labels = pool.getLabels().argMax(1).toIntVector();
        for (int i = 0; i < g.count(); i++) {
            int index = g.testImageIndices().get(i);
            assertTrue(index >= 0 && index < POOL, "test image " + index);
            assertEquals(labels[index], g.labels().get(i), "label of test image " + index);
        }
        String markdown = Files.readString(ModelCards.markdownFor(int8Model));
        assertTrue(markdown.contains("among the first 1,000 MNIST test images"), markdown);
        for (int i = 0; i < g.count(); i++) {
            String row = "| " + i + " | " + g.testImageIndices().get(i) + " | " + g.labels().get(i) + " | "
                    + g.predictions().get(i) + " |";
            assertTrue(markdown.contains(row), row + " missing from\n" + markdown);
        }
        assertTrue(markdown.contains("`post_training_quant_model.golden_logits.bin`"), markdown);
    }

    @Test
    void goldenInputsAreThePixelsQuantizedAsTheCardDocuments() throws IOException {
        ModelCard.GoldenVectors g = int8Card.golden();
        ModelCard.TensorFormat input = g.input();
        assertEquals("int8", input.dtype());
        assertEquals(List.of(1, 28, 28, 1), input.shape());
        byte[] raw = Files.readAllBytes(dir.resolve(g.inputFile()));
        assertEquals(g.count() * 784, raw.length);
        float[][] pixels = pool.getFeatures().toFloatMatrix();
        for (int i = 0; i < g.count(); i++) {
            float[] image = pixels[g.testImageIndices().get(i)];
            for (int p = 0; p < 784; p++) { // one channel: DL4J's row of pixels is already NHWC order
                long q = Math.round(Math.abs(image[p] / input.scale())) * (long) Math.signum(image[p])
                        + input.zeroPoint();
                assertEquals((byte) Math.max(-128, Math.min(127, q)), raw[i * 784 + p], "image " + i + " pixel " + p);
            }
        }
    }

    /**
     * The golden logits are the int8 tensor that feeds the SOFTMAX, as the integer reference (an
     * independent implementation of the TFLite int8 arithmetic) computes it from the quantized
     * graph, with the scale and zero point the exporter gave that tensor.
     */
    @Test
    void goldenLogitsAreTheIntegerReferencesLogits() throws IOException {
        ModelCard.GoldenVectors g = int8Card.golden();
        int logitsIndex = quantized.graph().ops().size() - 1; // the tensor before the softmax
        assertEquals(quantized.graph().tensorNames().get(logitsIndex), g.logitsTensor());
        assertEquals(quantized.params(logitsIndex).scale(), g.logits().scale(), 1e-7 * g.logits().scale());
        assertEquals((long) quantized.params(logitsIndex).zeroPoint(), g.logits().zeroPoint());
        assertEquals(List.of(1, 10), g.logits().shape());
        byte[] logits = Files.readAllBytes(dir.resolve(g.logitsFile()));
        int[][] reference = referenceLogits(new IntegerReference(quantized), g);
        for (int i = 0; i < g.count(); i++) {
            byte[] want = new byte[10];
            for (int c = 0; c < 10; c++) {
                want[c] = (byte) reference[i][c];
            }
            assertArrayEquals(want, Arrays.copyOfRange(logits, i * 10, i * 10 + 10), "logits of golden vector " + i);
        }
    }

    @Test
    void goldenVectorsReplayIdenticallyAndLiteRtAgreesWithinTheSpec() {
        for (Path model : List.of(int8Model, floatModel)) {
            ModelCard card = model.equals(int8Model) ? int8Card : ModelCards.write(model, RunParameters.DEFAULTS, Map.of(), pool);
            assertEquals(model.equals(int8Model), card.golden().logitsFile() != null, "logits only for int8");
            Path json = ModelCards.jsonFor(model);
            assertEquals(List.of(), GoldenReplay.interpreter(model, json), model.getFileName() + " in TFLite 2.6");
            assertEquals(List.of(), GoldenReplay.liteRt(model, json, Workshop.liteRt()), model.getFileName() + " in LiteRT");
        }
    }

    /**
     * A file with one int8 weight one step off must fail the replay. Which weight: the first
     * convolution's, each of whose weights multiplies the pixel under it at every position of the
     * image, so that one step moves its channel's accumulator at every inked position (about 150
     * per digit) by up to pixel x w_scale / out_scale output steps, a sizeable fraction of a step;
     * dozens of that channel's outputs change on each golden image and spread through every later
     * layer. Candidates are taken largest weight first (the largest w_scale), each moved one step
     * towards zero (never out of range), and the first whose change the integer reference shows
     * moving a golden logit is the one changed: that change must then show in the replay, since the
     * reference is bit-exact with the 2.6 interpreter (Int8ExportTest). The argument makes the
     * first candidate the one almost always (measured: 10 of 10 first-convolution weights showed;
     * on four weight sets, trained and untrained, the change made altered 7 to 10 golden vectors).
     */
    @Test
    void aWeightOneStepOffFailsTheReplay() throws IOException {
        int op = 0; // the first convolution
        String tensor = quantized.graph().ops().get(op).name() + "/weights";
        TfliteModel file = TfliteModel.read(int8Model);
        byte[] weights = file.int8Values(tensor);
        double[] scales = quantized.weights(op).scales();
        int perChannel = weights.length / scales.length;
        List<Integer> candidates = IntStream.range(0, weights.length).boxed()
                .sorted((a, b) -> Double.compare(Math.abs(weights[b] * scales[b / perChannel]),
                        Math.abs(weights[a] * scales[a / perChannel])))
                .limit(32).toList();
        IntegerReference reference = new IntegerReference(quantized);
        int[][] golden = referenceLogits(reference, int8Card.golden());
        for (int index : candidates) {
            int delta = weights[index] > 0 ? -1 : 1;
            if (!Arrays.deepEquals(golden, referenceLogits(reference.withWeightChanged(op, index, delta), int8Card.golden()))) {
                byte[] changed = weights.clone();
                changed[index] += (byte) delta;
                assertReplayFails(file.withInt8Values(tensor, changed), tensor + " value " + index + " " + weights[index]
                        + " -> " + changed[index]);
                return;
            }
        }
        throw new AssertionError("None of the first convolution's 32 largest weights, one step off, moves a golden logit");
    }

    /**
     * A file with one int32 bias one unit off must fail the replay. One unit moves its channel's
     * accumulator by in_scale x w_scale / out_scale output steps, about 1/1000 here, so it changes
     * an output only where an accumulator lies within one unit of a rounding boundary: no bias can
     * be named in advance whose change must show (measured once: 7 of the 64 one-unit changes of
     * the first convolution's biases showed in the golden vectors, 3 of 64 of the second's, none of
     * the third's or the dense layer's). So the test searches with an independent computation: the
     * integer reference computes the golden logits for each one-unit change of a convolution bias,
     * the first convolution's first (most positions per channel), and the first change that moves
     * a golden logit is made in the file. The reference being bit-exact with the 2.6 interpreter
     * (Int8ExportTest), that file must fail the replay. That such a change exists among the 192 is
     * overwhelmingly likely: each shows with a chance of a few percent (the share of its
     * accumulators within one unit of a boundary), nearly independently of the others, so that
     * none shows has a chance of about 0.95^192, below 1e-4. (On four weight sets, trained and
     * untrained, one of the first convolution's first three channels sufficed.)
     */
    @Test
    void aBiasOneUnitOffFailsTheReplay() throws IOException {
        TfliteModel file = TfliteModel.read(int8Model);
        IntegerReference reference = new IntegerReference(quantized);
        int[][] golden = referenceLogits(reference, int8Card.golden());
        var ops = quantized.graph().ops();
        for (int op = 0; op < ops.size(); op++) {
            if (!(ops.get(op) instanceof org.condition4j.graph.Conv2D)) {
                continue;
            }
            String tensor = ops.get(op).name() + "/bias";
            int[] bias = file.int32Values(tensor);
            for (int channel = 0; channel < bias.length; channel++) {
                for (int delta : new int[] {1, -1}) {
                    if (!Arrays.deepEquals(golden, referenceLogits(reference.withBiasChanged(op, channel, delta),
                            int8Card.golden()))) {
                        int[] changed = bias.clone();
                        changed[channel] += delta;
                        assertReplayFails(file.withInt32Values(tensor, changed),
                                tensor + " channel " + channel + " " + bias[channel] + " -> " + changed[channel]);
                        return;
                    }
                }
            }
        }
        throw new AssertionError("No one-unit change of a convolution bias moves a golden logit");
    }

    private static void assertReplayFails(TfliteModel changed, String what) throws IOException {
        Path copy = changed.writeTo(Files.createTempDirectory(dir, "changed").resolve(int8Model.getFileName()));
        List<String> differences = GoldenReplay.interpreter(copy, ModelCards.jsonFor(int8Model));
        System.out.println(what + ": " + differences.size() + " golden vectors differ");
        assertFalse(differences.isEmpty(), what + " passes the replay");
        assertTrue(differences.stream().anyMatch(d -> d.startsWith(int8Card.golden().logitsFile())), differences.toString());
    }

    /** The integer reference's int8 logits of every golden image. */
    private static int[][] referenceLogits(IntegerReference reference, ModelCard.GoldenVectors g) {
        float[][] nhwc = quantized.graph().inputs(pool.getFeatures());
        int logitsIndex = quantized.graph().ops().size() - 1;
        return g.testImageIndices().stream().map(i -> reference.run(nhwc[i])[logitsIndex]).toArray(int[][]::new);
    }

    /**
     * Two different models (the same network with per-channel and with per-tensor weight scales)
     * have different golden outputs and logits: each is computed on the images its model is least
     * sure of, where the softmax does not saturate, so the outputs are the model's own.
     */
    @Test
    void twoModelsHaveDifferentGoldenOutputs() throws IOException {
        Path other = TfliteExport.int8(quantized.withPerTensorWeights())
                .writeTo(dir.resolve("other").resolve("clustered_post_training_quant_model.tflite"));
        ModelCard card = ModelCards.write(other, RunParameters.DEFAULTS, Map.of(), pool);
        assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve(int8Card.golden().outputFile())),
                Files.readAllBytes(other.resolveSibling(card.golden().outputFile()))), "golden outputs");
        assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve(int8Card.golden().logitsFile())),
                Files.readAllBytes(other.resolveSibling(card.golden().logitsFile()))), "golden logits");
    }

    @Test
    void velaFiguresAreBlankWhenNothingRanOnTheNpu() {
        VelaReport onCpu = Workshop.vela().compile(floatModel, VelaTarget.ETHOS_U55_128, dir.resolve("vela"));
        ModelCard card = ModelCards.write(floatModel, RunParameters.DEFAULTS, Map.of(VelaTarget.ETHOS_U55_128, onCpu), pool);
        ModelCard.VelaFigures v = card.vela().get(0);
        assertEquals(0, v.npuOperators());
        assertNull(v.cycles());
        assertNull(v.sramKiB());
        assertNull(v.inferenceMillis());
    }

    @Test
    void aMissingModelIsReportedClearly() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> ModelCards.write(dir.resolve("nothing.tflite"), RunParameters.DEFAULTS, Map.of(), pool));
        assertTrue(error.getMessage().contains("run the notebook"), error.getMessage());
    }

    // ---- what an engineer deploys from ----

    /** The card's input and output are the file's, as the TFLite 2.6 interpreter reads them. */
    @Test
    void inputAndOutputAreTheFilesAndSayHowToReadThem() throws IOException {
        ModelCard.Io io = deployedCard.io();
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(deployed)) {
            assertEquals(Arrays.stream(interpreter.inputShape()).boxed().toList(), io.input().shape());
            assertEquals("int8", io.input().dtype());
            assertEquals(interpreter.inputParams().scale(), io.input().scale(), 0.0);
            assertEquals(interpreter.inputParams().zeroPoint(), io.input().zeroPoint().intValue());
            var out = interpreter.outputs().get(0);
            assertEquals(Arrays.stream(out.shape()).boxed().toList(), io.output().shape());
            assertEquals(out.params().scale(), io.output().scale(), 0.0);
            assertEquals(out.params().zeroPoint(), io.output().zeroPoint().intValue());
            // the softmax's int8 output, as the specification fixes it
            assertEquals(1.0 / 256, io.output().scale(), 0.0);
            assertEquals(-128L, io.output().zeroPoint());
        }
        assertEquals(IntStream.range(0, 10).mapToObj(Integer::toString).toList(), io.classes());
        // the card claims q = g + zero point for every gray value exactly when quantizing g / 255
        // with the file's scale gives that: checked here with our own rounding (halves away from 0)
        double scale = io.input().scale();
        long zero = io.input().zeroPoint();
        boolean shifted = IntStream.range(0, 256).allMatch(g -> {
            double x = (g / 255f) / scale;
            long q = (long) (Math.signum(x) * Math.floor(Math.abs(x) + 0.5)) + zero;
            return Math.max(-128, Math.min(127, q)) == g + zero;
        });
        assertEquals(shifted, io.pixelEncoding().contains("exactly q = g + (" + zero + ")"), io.pixelEncoding());
        assertTrue(io.outputDecoding().contains("(q + 128) / 256"), io.outputDecoding());
        String md = Files.readString(ModelCards.markdownFor(deployed));
        assertTrue(md.contains("| input | `" + io.inputTensor() + "` | int8 " + io.input().shape()), md);
        assertTrue(md.contains("| output | `" + io.outputTensor() + "` | int8 " + io.output().shape()), md);

        ModelCard.Io floatIo = ModelCards.write(floatModel, RunParameters.DEFAULTS, Map.of(), pool).io();
        assertEquals("float32", floatIo.input().dtype());
        assertNull(floatIo.input().scale());
        assertEquals("p = g / 255 as float32", floatIo.pixelEncoding());
    }

    /**
     * The operators to register are those of the file, counted by Vela's schema in Python, with
     * TensorFlow Lite Micro's method names (micro_mutable_op_resolver.h) for the operators the
     * exporter writes; each compiled file's likewise, Vela's NPU operator as AddEthosU.
     */
    @Test
    void operatorsToRegisterAreCountedInEachFile() throws IOException {
        Map<String, String> tflm = Map.of("CONV_2D", "AddConv2D", "DEPTHWISE_CONV_2D", "AddDepthwiseConv2D",
                "FULLY_CONNECTED", "AddFullyConnected", "MAX_POOL_2D", "AddMaxPool2D", "AVERAGE_POOL_2D",
                "AddAveragePool2D", "RESHAPE", "AddReshape", "SOFTMAX", "AddSoftmax", "QUANTIZE", "AddQuantize",
                "DEQUANTIZE", "AddDequantize", "ethos-u", "AddEthosU");
        assertRegistrations(VelaOracle.counts(VelaOracle.read(deployed).operators()), deployedCard.operators(), tflm);
        for (ModelCard.VelaFigures v : deployedCard.vela()) {
            Path file = deployed.resolveSibling(v.compiledModel().path());
            Map<String, Integer> counts = VelaOracle.counts(VelaOracle.read(file).operators());
            assertEquals(1, counts.getOrDefault("ethos-u", 0), v.accelerator() + ": the whole network is one NPU operator");
            assertRegistrations(counts, v.operators(), tflm);
        }
        String md = Files.readString(ModelCards.markdownFor(deployed));
        assertTrue(md.contains("static tflite::MicroMutableOpResolver<" + deployedCard.operators().size() + "> resolver;\n"
                + deployedCard.operators().stream().map(r -> "resolver." + r.resolverMethod() + "();\n")
                .collect(Collectors.joining())), md);
        assertTrue(md.contains("static tflite::MicroMutableOpResolver<1> resolver;\nresolver.AddEthosU();\n"), md);
    }

    private static void assertRegistrations(Map<String, Integer> expected, List<MicroOperators.Registration> card,
                                            Map<String, String> tflm) {
        Map<String, Integer> counted = new LinkedHashMap<>();
        card.forEach(r -> counted.put(r.operator(), r.count()));
        assertEquals(expected, counted, "operators and counts, in order of first use");
        for (MicroOperators.Registration r : card) {
            assertEquals(tflm.get(r.operator()), r.resolverMethod(), r.operator());
        }
    }

    /**
     * Each Vela row names its target, and its system is what Vela says it compiled for
     * ({@code --verbose-config}, and the summary CSV's clock and storage areas).
     */
    @Test
    void velaRowsNameTheTargetAndTheSystemVelaCompiledFor() throws IOException {
        assertEquals(TARGETS.size(), deployedCard.vela().size());
        String md = Files.readString(ModelCards.markdownFor(deployed));
        for (int i = 0; i < TARGETS.size(); i++) {
            VelaTarget target = TARGETS.get(i);
            ModelCard.VelaFigures v = deployedCard.vela().get(i);
            String what = target.toString();
            assertEquals(List.of(target.accelerator(), target.systemConfig(), target.memoryMode(), target.optimise().name()),
                    List.of(v.accelerator(), v.systemConfig(), v.memoryMode(), v.optimise()), what);
            Map<String, String> vela = VelaOracle.verboseConfig(deployed, target,
                    Files.createTempDirectory(dir, "verbose"));
            Map<String, String> csv = summary(target);
            assertEquals("ethosu/config_files/Arm/vela.ini", v.system().configFile(), what);
            assertTrue(vela.get("used").contains("/" + v.system().configFile() + "'"), vela.get("used"));
            double clock = Double.parseDouble(vela.get("core_clock"));
            assertEquals(clock, v.system().coreClockHz(), 0.0, what);
            assertEquals(Double.parseDouble(csv.get("core_clock")), v.system().coreClockHz(), 0.0, what);
            Map<String, String> holds = new HashMap<>();
            for (ModelCard.MemoryPort p : v.system().memories()) {
                String kind = vela.get(p.port().toLowerCase() + "_port");
                assertEquals(kind, p.kind(), what + " " + p.port());
                assertEquals(clock * Double.parseDouble(vela.get(kind + "_clock_scales")), p.clockHz(), 1e-6, what);
                assertEquals(Integer.parseInt(vela.get(kind + "_ports_used")), p.portsUsed(), what);
                p.holds().forEach(h -> holds.put(h, p.port()));
            }
            assertEquals(vela.get("arena_mem_area"), holds.get("arena"), what);
            assertEquals(vela.get("const_mem_area"), holds.get("constants"), what);
            boolean separate = target.memoryMode().startsWith("Dedicated_Sram");
            assertEquals(separate ? vela.get("cache_mem_area") : null, holds.get("fast scratch"), what);
            assertTrue(md.contains("| " + target.accelerator() + " | " + target.systemConfig() + " | "
                    + target.memoryMode() + " | " + target.optimise() + " | "
                    + Format.megahertz(Double.parseDouble(csv.get("core_clock"))) + " |"), what + "\n" + md);
            ModelCard.NpuMemory m = v.memory();
            assertEquals(vela.get("permanent_storage_mem_area"), m.constantsIn(), what);
            assertEquals(vela.get("feature_map_storage_mem_area"), m.arenaIn(), what);
            assertEquals(separate ? vela.get("fast_storage_mem_area") : null, m.fastScratchIn(), what);
            assertEquals(csv.get("weights_storage_area").replace("-", "").replace(" ", "").toLowerCase(),
                    m.constantsIn().toLowerCase(), what);
            assertEquals(csv.get("feature_map_storage_area").toLowerCase(), m.arenaIn().toLowerCase(), what);
            // Vela's limit on the cache (the 256 KB mode), in KiB in its CSV and in bytes in its printout
            assertEquals(target.memoryMode().endsWith("256KB") ? 262_144L : null, m.fastScratchLimitBytes(), what);
            if (m.fastScratchLimitBytes() != null) {
                assertEquals(Double.parseDouble(csv.get("arena_cache_size")) * 1024, m.fastScratchLimitBytes(), 0.0);
                assertEquals(vela.get("arena_cache_size"), Long.toString(m.fastScratchLimitBytes()), what);
            }
        }
    }

    /**
     * The memory the NPU part needs is the sizes of the Ethos-U operator's inputs in the compiled
     * file (Python and Vela's schema) and Vela's offline plan; and it is what Vela's summary
     * reports: SRAM = the arena (Shared_Sram) or the fast scratch (Dedicated_Sram), the second
     * memory = the read-only data (plus the arena where that lives there).
     */
    @Test
    void npuMemoryIsTheCompiledFilesAndVelasSummarys() throws IOException {
        for (int i = 0; i < TARGETS.size(); i++) {
            VelaTarget target = TARGETS.get(i);
            ModelCard.VelaFigures v = deployedCard.vela().get(i);
            String what = target.toString();
            VelaOracle.FileView file = VelaOracle.read(deployed.resolveSibling(v.compiledModel().path()));
            List<Long> in = file.ethosUInputBytes(); // command stream, read-only, scratch, fast scratch, input
            ModelCard.NpuMemory m = v.memory();
            assertEquals(in.get(0), m.commandStreamBytes(), what);
            assertEquals(in.get(1), m.constantsBytes(), what);
            assertEquals(in.get(2), m.arenaBytes(), what);
            boolean separate = target.memoryMode().startsWith("Dedicated_Sram");
            assertEquals(separate ? in.get(3) : null, m.fastScratchBytes(), what);
            assertEquals(file.plannedArenaEnd(), m.plannedArenaBytes(), what);
            Map<String, String> csv = summary(target);
            long sram = Math.round(Double.parseDouble(csv.get("sram_memory_used")) * 1024);
            long dram = Math.round(Double.parseDouble(csv.get("dram_memory_used")) * 1024);
            long flash = Math.round(Double.parseDouble(csv.get("off_chip_flash_memory_used")) * 1024);
            switch (target.memoryMode()) {
                case "Shared_Sram" -> {
                    assertEquals(sram, m.arenaBytes(), what);
                    assertEquals(flash, m.constantsBytes(), what);
                }
                case "Sram_Only" -> assertEquals(sram, m.arenaBytes(), what);
                default -> {
                    assertEquals(sram, m.fastScratchBytes(), what);
                    assertEquals(dram, m.arenaBytes() + m.constantsBytes(), what);
                }
            }
        }
        String md = Files.readString(ModelCards.markdownFor(deployed));
        assertTrue(md.contains("`interpreter.arena_used_bytes()`"), md);
        ModelCard.NpuMemory u65 = deployedCard.vela().get(1).memory();
        assertTrue(md.contains("- **fast scratch**: " + Format.bytes(u65.fastScratchBytes())), md);
    }

    /** Every file the card names is linked relative to the card, with the SHA-256 sha256sum computes. */
    @Test
    void filesAreLinkedWithTheirHashes() throws Exception {
        List<ModelCard.FileLink> links = new java.util.ArrayList<>(deployedCard.files());
        deployedCard.vela().forEach(v -> links.add(v.compiledModel()));
        assertEquals(List.of("model", "golden input", "golden output", "golden logits"),
                deployedCard.files().stream().map(ModelCard.FileLink::role).toList());
        String md = Files.readString(ModelCards.markdownFor(deployed));
        for (ModelCard.FileLink link : links) {
            Path file = deployed.resolveSibling(link.path());
            assertTrue(Files.isRegularFile(file), link.path());
            Process sum = new ProcessBuilder("sha256sum", file.toString()).start();
            String expected = new String(sum.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
            assertEquals(expected, link.sha256(), link.path());
            assertEquals(Files.size(file), link.bytes(), link.path());
            assertTrue(md.contains("| [" + link.path() + "](" + link.path() + ") | " + link.role() + " | `" + expected
                    + "` |"), link.path() + "\n" + md);
        }
        for (int i = 0; i < TARGETS.size(); i++) {
            assertEquals(deployed.resolveSibling(deployedCard.vela().get(i).compiledModel().path()).normalize(),
                    compiled.get(TARGETS.get(i)).compiledModel().toAbsolutePath().normalize());
        }
        assertEquals(deployedCard, ModelCards.read(ModelCards.jsonFor(deployed)), "JSON round trip");
    }

    /** A compiled file that is not there is said to be missing, never left out. */
    @Test
    void aMissingCompiledModelIsSaidToBeMissing() throws IOException {
        Path copy = dir.resolve("missing").resolve(int8Model.getFileName());
        Files.createDirectories(copy.getParent());
        Files.copy(int8Model, copy);
        VelaReport report = Workshop.vela().compile(copy, VelaTarget.ETHOS_U55_128, copy.resolveSibling("vela"));
        Files.delete(report.compiledModel());
        ModelCard card = ModelCards.write(copy, RunParameters.DEFAULTS, Map.of(VelaTarget.ETHOS_U55_128, report), pool);
        ModelCard.VelaFigures v = card.vela().get(0);
        assertFalse(v.compiledModel().present());
        assertEquals("vela/" + report.compiledModel().getFileName(), v.compiledModel().path());
        assertNull(v.memory());
        assertEquals(List.of(), v.operators());
        assertNotNull(v.system());
        String md = Files.readString(ModelCards.markdownFor(copy));
        assertTrue(md.contains("| `" + v.compiledModel().path() + "` | " + v.compiledModel().role()
                + " | missing when this card was written |"), md);
        assertTrue(md.contains("The compiled model `" + v.compiledModel().path() + "` was missing"), md);
    }

    /** Vela's summary CSV of the deployed copy's compilation for {@code target}. */
    private static Map<String, String> summary(VelaTarget target) throws IOException {
        return VelaOracle.summary(compiled.get(target).compiledModel().resolveSibling(
                "post_training_quant_model_summary_" + target.systemConfig() + ".csv"));
    }
}
