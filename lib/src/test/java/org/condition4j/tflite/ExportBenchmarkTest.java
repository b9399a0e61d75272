package org.condition4j.tflite;

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
 * one second), and the interpreter's throughput on 1000 test images. Prints figures, asserts
 * nothing. Run with {@code mvn -pl lib test -Dgroups=benchmark -DexcludedGroups=}.
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
        DataSet test = TestNetworks.mnist().testSample(1000);
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
        for (Path file : new Path[] {floatFile, int8File}) {
            try (TfliteInterpreter tflite = TfliteInterpreter.open(file)) {
                tflite.evaluate(test); // warm-up
                TfliteInterpreter.Evaluation e = tflite.evaluate(test);
                System.out.printf("  interpreter %-18s %7.0f images/s (1 thread, %d images, accuracy %.2f %%)%n",
                        file.getFileName(), e.imagesPerSecond(), e.images(), 100 * e.accuracy());
            }
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
