package org.condition4j.notebooks;

import org.condition4j.runtime.LiteRt;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.workshop.ModelCard;
import org.condition4j.workshop.ModelCards;
import org.condition4j.workshop.Workshop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every .tflite in the outputs has a card that names it by its hash, and its golden vectors
 * replay byte for byte in the TFLite interpreter; LiteRT computes the same outputs (int8
 * identical, float to rounding).
 */
final class ModelCardCheck {
    private ModelCardCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) throws Exception {
        List<Path> models;
        try (Stream<Path> files = Files.list(outputs)) {
            models = files.filter(f -> f.getFileName().toString().endsWith(".tflite")).sorted().toList();
        }
        assertFalse(models.isEmpty(), "no .tflite models in " + outputs);
        for (Path model : models) {
            Path json = ModelCards.jsonFor(model);
            assertTrue(Files.isRegularFile(json) && Files.isRegularFile(ModelCards.markdownFor(model)),
                    model.getFileName() + " has no model card (" + json.getFileName() + " and .card.md)");
            ModelCard card = ModelCards.read(json);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model))),
                    card.sha256(), model.getFileName() + ": the card's SHA-256 is not the file's");
            assertTrue(Files.readString(ModelCards.markdownFor(model)).contains(card.sha256()));
            replay(model, card);
        }
    }

    private static void replay(Path model, ModelCard card) {
        ModelCard.GoldenVectors golden = card.golden();
        byte[] inputs = read(model.resolveSibling(golden.inputFile()));
        byte[] outputs = read(model.resolveSibling(golden.outputFile()));
        int in = golden.input().bytes();
        int out = golden.output().bytes();
        assertEquals(golden.count() * in, inputs.length, golden.inputFile() + " size");
        assertEquals(golden.count() * out, outputs.length, golden.outputFile() + " size");
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(model)) {
            for (int i = 0; i < golden.count(); i++) {
                assertArrayEquals(Arrays.copyOfRange(outputs, i * out, (i + 1) * out),
                        interpreter.runRaw(Arrays.copyOfRange(inputs, i * in, (i + 1) * in)),
                        model.getFileName() + ": golden vector " + i + " does not replay identically");
            }
        }
        byte[] litert = Workshop.liteRt().run(model, inputs, LiteRt.Kernels.XNNPACK).bytes();
        if (golden.output().dtype().equals("int8")) {
            assertArrayEquals(outputs, litert, model.getFileName() + ": LiteRT computes other golden outputs");
        } else {
            float[] expected = floats(outputs);
            float[] actual = floats(litert);
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], actual[k], 1e-4, model.getFileName() + ": LiteRT float output " + k);
            }
        }
    }

    private static float[] floats(byte[] littleEndian) {
        float[] values = new float[littleEndian.length / 4];
        ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new AssertionError("Cannot read golden vectors " + file + ": " + e.getMessage(), e);
        }
    }
}
