package org.condition4j.tflite;

import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.workshop.Workshop;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.Model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Truncated and bit-flipped variants of real model files fed to the reader, the interpreter
 * wrapper and Vela's wrapper: each must end in a clear error naming the file, or in a correct
 * read; never in an unexplained exception (or, for the native interpreter, a crash).
 */
class DamagedFileTest {
    private static final int TRUNCATIONS = 30;
    private static final int FLIPS = 70;

    @TempDir
    Path dir;

    @Test
    void truncatedAndBitFlippedFilesEndInAClearErrorOrACorrectRead() throws Exception {
        var seed = InferenceGraph.of(TestNetworks.seedCnn());
        var everyLayer = InferenceGraph.of(TestNetworks.everyLayer());
        var calibration = TestNetworks.mnist().trainSample(20);
        List<byte[]> models = List.of(
                TfliteExport.int8(PostTrainingQuantization.calibrate(seed, calibration)).toBytes(),
                TfliteExport.int8(PostTrainingQuantization.calibrate(everyLayer, calibration)).toBytes(),
                TfliteExport.float32(everyLayer).withFloatInputOutput().toBytes());
        float[] image = TestNetworks.mnist().testSample(1).getFeatures().toFloatVector();
        Random random = new Random(11);
        int refused = 0;
        int read = 0;
        int variants = 0;
        int velaRuns = 0;
        for (byte[] model : models) {
            int[] structure = structuralBytes(model);
            for (int v = 0; v < TRUNCATIONS + FLIPS; v++) {
                byte[] damaged;
                String how;
                if (v < TRUNCATIONS) {
                    int length = v < 4 ? new int[] {0, 7, 8, 64}[v] : random.nextInt(model.length);
                    damaged = Arrays.copyOf(model, length);
                    how = "truncated to " + length + " bytes";
                } else {
                    damaged = model.clone();
                    int flips = 1 + random.nextInt(3);
                    StringBuilder where = new StringBuilder();
                    for (int f = 0; f < flips; f++) {
                        // half the flips in the flatbuffer's tables and offsets, half anywhere
                        int at = random.nextBoolean() ? structure[random.nextInt(structure.length)]
                                : random.nextInt(model.length);
                        damaged[at] ^= (byte) (1 << random.nextInt(8));
                        where.append(' ').append(at);
                    }
                    how = "bits flipped at" + where;
                }
                variants++;
                Path file = Files.write(dir.resolve("damaged.tflite"), damaged);
                boolean readable = clearErrorOrCorrectRead(how, file, path -> TfliteModel.read(path).tensors());
                clearErrorOrCorrectRead(how, file, path -> {
                    try (TfliteInterpreter tflite = TfliteInterpreter.open(path)) {
                        try {
                            tflite.run(image);
                        } catch (IllegalArgumentException | IllegalStateException e) {
                            // a flip that leaves a sound model with, e.g., another input tensor: the
                            // interpreter says what does not fit
                            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), how + ": " + e);
                        }
                    }
                });
                if (readable) {
                    read++;
                } else {
                    refused++;
                }
                // Vela refuses an unreadable file before it starts; a few readable ones go through Vela itself
                if (!readable || velaRuns < 1) {
                    velaRuns += readable ? 1 : 0;
                    clearErrorOrCorrectRead(how, file, path -> Workshop.vela()
                            .compile(path, VelaTarget.ETHOS_U55_128, dir.resolve("vela")));
                }
            }
        }
        System.out.printf("%d damaged variants: %d refused with a clear error, %d read as sound models (values changed, or a flip the format allows); "
                + "%d readable ones compiled by Vela%n", variants, refused, read, velaRuns);
        assertEquals(3 * (TRUNCATIONS + FLIPS), variants);
        assertTrue(refused > variants / 2, "most variants must be refused: " + refused);
    }

    /** Runs {@code use}; true if it read the file, false if it refused it with a clear message naming the file. */
    private static boolean clearErrorOrCorrectRead(String how, Path file, ThrowingConsumer use) {
        try {
            use.accept(file);
            return true;
        } catch (IllegalArgumentException | IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains(file.getFileName().toString()),
                    "file " + how + ": the error does not name the file: " + message);
            assertTrue(!(e.getCause() instanceof IndexOutOfBoundsException),
                    "file " + how + ": an unexplained exception got through: " + e.getCause());
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError("file " + how + ": unexplained " + e, e);
        }
    }

    @FunctionalInterface
    private interface ThrowingConsumer {
        void accept(Path file);
    }

    /** Byte positions outside the buffers' data: the flatbuffer's tables, vtables, offsets and strings. */
    private static int[] structuralBytes(byte[] model) {
        Model m = Model.getRootAsModel(ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN));
        boolean[] data = new boolean[model.length];
        for (int b = 0; b < m.buffersLength(); b++) {
            ByteBuffer bytes = m.buffers(b).dataAsByteBuffer();
            if (bytes != null) {
                Arrays.fill(data, bytes.position(), bytes.limit(), true);
            }
        }
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < model.length; i++) {
            if (!data[i]) {
                positions.add(i);
            }
        }
        return positions.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void theReaderNamesTheFileAndTheProblem() throws Exception {
        byte[] model = TfliteExport.float32(InferenceGraph.of(TestNetworks.everyLayer())).toBytes();
        Path truncated = Files.write(dir.resolve("truncated.tflite"), Arrays.copyOf(model, model.length / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TfliteModel.read(truncated));
        assertTrue(e.getMessage().startsWith(truncated.toAbsolutePath() + " is not a valid TFLite model"),
                e.getMessage());
        assertTrue(e.getMessage().contains("past the end") || e.getMessage().contains("outside the file")
                || e.getMessage().contains("beyond the end"), e.getMessage());
    }
}
