package org.condition4j.tflite;

import org.condition4j.workshop.Workshop;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.Calibration;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Speed of the post-training quantization path on the seed CNN, after warm-up: reading the
 * network, calibrating on 100 images, writing the int8 file (target: calibration + export under
 * one second), the throughput of TFLite 2.6 in-process and of LiteRT on the 10,000 test images,
 * and where the 2.6 interpreter spends its int8 time, op by op. Prints figures, asserts nothing. Run with {@code mvn -pl lib test -Dgroups=benchmark -DexcludedGroups=}.
 */
@Tag("benchmark")
class ExportBenchmarkTest {
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void seedCnnQuantizationAndInterpreterSpeed() {
        MultiLayerNetwork net = TestNetworks.seedCnn();
        DataSet calibration = TestNetworks.mnist().trainSample(Calibration.DEFAULT_SAMPLES);
        DataSet full = TestNetworks.mnist().testSample(10_000);
        Path int8File = dir.resolve("seed_int8.tflite");
        Path floatFile = dir.resolve("seed_float.tflite");
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            QuantizedGraph q = PostTrainingQuantization.calibrate(InferenceGraph.of(net), calibration);
            TfliteExport.int8(q).writeTo(int8File);
        }
        double read = median(() -> InferenceGraph.of(net));
        InferenceGraph graph = InferenceGraph.of(net);
        double calibrate = median(() -> PostTrainingQuantization.calibrate(graph, calibration));
        QuantizedGraph q = PostTrainingQuantization.calibrate(graph, calibration);
        double exportInt8 = median(() -> TfliteExport.int8(q).writeTo(int8File));
        double exportFloat = median(() -> TfliteExport.float32(graph).writeTo(floatFile));
        System.out.printf("seed CNN, median of %d after warm-up:%n", ROUNDS);
        System.out.printf("  read DL4J network into graph  %7.1f ms%n", read);
        System.out.printf("  calibrate on %d images        %7.1f ms%n", Calibration.DEFAULT_SAMPLES, calibrate);
        System.out.printf("  write int8 .tflite            %7.1f ms%n", exportInt8);
        System.out.printf("  calibration + int8 export     %7.1f ms (target < 1000 ms)%n", calibrate + exportInt8);
        System.out.printf("  write float .tflite           %7.1f ms%n", exportFloat);
        System.out.printf("  machine load (uptime)         %s%n", load());
        for (Path file : new Path[] {floatFile, int8File}) {
            try (TfliteInterpreter tflite = TfliteInterpreter.open(file)) {
                DataSet few = TestNetworks.mnist().testSample(200);
                tflite.evaluate(few); // warm-up
                TfliteInterpreter.Evaluation e = tflite.evaluate(few);
                System.out.printf("  TFLite 2.6 in-process %-22s %7.0f images/s (1 thread, one image per call, %d images)%n",
                        file.getFileName(), e.imagesPerSecond(), e.images());
            }
            TfliteInterpreter.Evaluation e = Workshop.liteRt().evaluate(file, full);
            System.out.printf("  LiteRT (XNNPACK), one call   %-22s %7.0f images/s (%d images, process start included, accuracy %s)%n",
                    file.getFileName(), e.imagesPerSecond(), e.images(), e.accuracyWithInterval());
        }
        System.out.println("  TFLite 2.6 int8, per op (model cut after each op; float model for comparison):");
        for (int k = 1; k <= graph.ops().size(); k++) {
            double int8 = perImageMs(TfliteExport.int8(q.prefix(k)).toBytes());
            double float32 = perImageMs(TfliteExport.float32(graph.prefix(k)).toBytes());
            System.out.printf("    up to %-14s int8 %7.2f ms/image   float %6.2f ms/image%n", graph.op(k - 1).name(), int8,
                    float32);
        }
        System.out.printf("  machine load (uptime)         %s%n", load());
    }

    /** Milliseconds per image in the TFLite 2.6 interpreter, one thread, after warm-up. */
    private static double perImageMs(byte[] model) {
        float[][] rows = TestNetworks.mnist().testSample(100).getFeatures().toFloatMatrix();
        try (TfliteInterpreter tflite = TfliteInterpreter.of(model, 1)) {
            for (int i = 0; i < 10; i++) {
                tflite.runRaw(rows[i]);
            }
            long start = System.nanoTime();
            for (float[] row : rows) {
                tflite.runRaw(row);
            }
            return (System.nanoTime() - start) / 1e6 / rows.length;
        }
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static double median(Supplier<?> work) {
        double[] ms = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            work.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ROUNDS / 2];
    }
}
