package org.condition4j.workshop;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.runtime.LiteRt;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cards written for real exported models, checked against tools and arithmetic of their own. */
class ModelCardsTest {
    @TempDir
    static Path dir;
    static Path int8Model;
    static Path floatModel;
    static DataSet images;

    @BeforeAll
    static void export() {
        var net = TestNetworks.seedCnn();
        var graph = InferenceGraph.of(net);
        int8Model = TfliteExport.int8(PostTrainingQuantization.calibrate(graph, TestNetworks.mnist().trainSample(50)))
                .writeTo(dir.resolve("post_training_quant_model.tflite"));
        floatModel = TfliteExport.float32(graph).writeTo(dir.resolve("float_model.tflite"));
        images = TestNetworks.mnist().testSample(ModelCards.GOLDEN_IMAGES);
        Metrics.create().put(MetricKey.FLOAT_ACCURACY, 0.981).put(MetricKey.INT8_ACCURACY, 0.979).put(MetricKey.EVAL_IMAGES, 1000)
                .writeFor(int8Model);
    }

    @Test
    void cardIdentifiesTheFileAndRecordsTheMetrics() throws Exception {
        ModelCard card = ModelCards.write(int8Model, RunParameters.DEFAULTS, Map.of(), images);
        // sha256sum is the independent oracle for the hash
        Process sum = new ProcessBuilder("sha256sum", int8Model.toString()).start();
        String expected = new String(sum.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
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
        assertTrue(markdown.contains(expected) && markdown.contains("| int8 | 97.90 | [96.81, 98.62] | 1000 |"), markdown);
    }

    @Test
    void goldenInputsAreThePixelsQuantizedAsTheCardDocuments() throws IOException {
        ModelCard card = ModelCards.write(int8Model, RunParameters.DEFAULTS, Map.of(), images);
        ModelCard.TensorFormat input = card.golden().input();
        assertEquals("int8", input.dtype());
        assertEquals(List.of(1, 28, 28, 1), input.shape());
        byte[] raw = Files.readAllBytes(dir.resolve(card.golden().inputFile()));
        assertEquals(ModelCards.GOLDEN_IMAGES * 784, raw.length);
        float[][] pixels = images.getFeatures().toFloatMatrix();
        for (int i = 0; i < ModelCards.GOLDEN_IMAGES; i++) {
            for (int p = 0; p < 784; p++) { // one channel: DL4J's row of pixels is already NHWC order
                long q = Math.round(Math.abs(pixels[i][p] / input.scale())) * (long) Math.signum(pixels[i][p])
                        + input.zeroPoint();
                assertEquals((byte) Math.max(-128, Math.min(127, q)), raw[i * 784 + p], "image " + i + " pixel " + p);
            }
        }
        assertEquals(Arrays.stream(images.getLabels().argMax(1).toIntVector()).boxed().toList(), card.golden().labels());
    }

    @Test
    void goldenOutputsReplayIdenticallyAndLiteRtAgrees() throws Exception {
        for (Path model : List.of(int8Model, floatModel)) {
            ModelCard card = ModelCards.write(model, RunParameters.DEFAULTS, Map.of(), images);
            byte[] inputs = Files.readAllBytes(dir.resolve(card.golden().inputFile()));
            byte[] outputs = Files.readAllBytes(dir.resolve(card.golden().outputFile()));
            int in = card.golden().input().bytes();
            int out = card.golden().output().bytes();
            assertEquals(card.golden().count() * out, outputs.length);
            try (TfliteInterpreter interpreter = TfliteInterpreter.open(model)) {
                for (int i = 0; i < card.golden().count(); i++) {
                    assertArrayEquals(Arrays.copyOfRange(outputs, i * out, (i + 1) * out),
                            interpreter.runRaw(Arrays.copyOfRange(inputs, i * in, (i + 1) * in)), model + " image " + i);
                }
            }
            byte[] litert = Workshop.liteRt().run(model, inputs, LiteRt.Kernels.XNNPACK).bytes();
            if (card.golden().output().dtype().equals("int8")) {
                assertArrayEquals(outputs, litert, "LiteRT (XNNPACK) computes the golden int8 outputs");
            } else {
                float[] expected = floats(outputs);
                float[] actual = floats(litert);
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], actual[k], 1e-4, "float output " + k);
                }
            }
        }
    }

    private static float[] floats(byte[] littleEndian) {
        float[] values = new float[littleEndian.length / 4];
        ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    @Test
    void velaFiguresAreBlankWhenNothingRanOnTheNpu() {
        VelaReport onCpu = Workshop.vela().compile(floatModel, VelaTarget.ETHOS_U55_128, dir.resolve("vela"));
        ModelCard card = ModelCards.write(floatModel, RunParameters.DEFAULTS, Map.of(VelaTarget.ETHOS_U55_128, onCpu), images);
        ModelCard.VelaFigures v = card.vela().get(0);
        assertEquals(0, v.npuOperators());
        assertNull(v.cycles());
        assertNull(v.sramKiB());
        assertNull(v.inferenceMillis());
    }

    @Test
    void aMissingModelIsReportedClearly() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> ModelCards.write(dir.resolve("nothing.tflite"), RunParameters.DEFAULTS, Map.of(), images));
        assertTrue(error.getMessage().contains("run the notebook"), error.getMessage());
    }
}
