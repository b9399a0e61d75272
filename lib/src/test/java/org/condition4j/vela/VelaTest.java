package org.condition4j.vela;

import org.condition4j.report.Tables;
import org.condition4j.workshop.Workshop;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.workshop.MetricKey;
import org.condition4j.workshop.Metrics;
import org.condition4j.tflite.TfliteExport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Vela compiler on int8 models written by the exporter. */
class VelaTest {
    @TempDir
    static Path dir;
    static Path seedInt8;
    static Path seedFloatIo;
    static Path everyLayerInt8;

    @BeforeAll
    static void export() {
        QuantizedGraph seed = quantized(TestNetworks.seedCnn());
        seedInt8 = TfliteExport.int8(seed).writeTo(dir.resolve("seed_int8.tflite"));
        seedFloatIo = TfliteExport.int8(seed).withFloatInputOutput().writeTo(dir.resolve("seed_float_io.tflite"));
        everyLayerInt8 = TfliteExport.int8(quantized(TestNetworks.everyLayer())).writeTo(dir.resolve("every_layer.tflite"));
    }

    private static QuantizedGraph quantized(org.deeplearning4j.nn.multilayer.MultiLayerNetwork net) {
        return PostTrainingQuantization.calibrate(InferenceGraph.of(net), TestNetworks.mnist().trainSample(100));
    }

    static Stream<VelaTarget> targets() {
        return Stream.of(VelaTarget.ETHOS_U55_128, VelaTarget.ETHOS_U65_256, VelaTarget.ETHOS_U85_256);
    }

    @ParameterizedTest
    @MethodSource("targets")
    void int8ModelsRunEntirelyOnTheNpu(VelaTarget target) {
        for (Path model : List.of(seedInt8, everyLayerInt8)) {
            VelaReport report = Workshop.vela().compile(model, target, dir.resolve("out-" + target.accelerator()));
            assertEquals(0, report.cpuOperators(), model.getFileName() + " on " + target + ": " + report.cpuOperations());
            assertTrue(report.npuOperators() > 0);
            assertEquals(100.0, report.npuOperatorPercent());
            assertTrue(Files.isRegularFile(report.compiledModel()), "no compiled model " + report.compiledModel());
            assertTrue(report.encodedWeightBytes() > 0 && report.totalCycles() > 0 && report.inferenceMillis() > 0,
                    report.toString());
            assertTrue(report.sramKiB() > 0, report.toString());
        }
    }

    /**
     * The batch runs Vela in one Python process for many jobs: every job's report and files must be
     * what the {@code vela} command writes for it alone, also after jobs for other accelerators,
     * memory modes and strategies ran in the same process before it.
     */
    @Test
    void aBatchCompilesEveryJobExactlyAsTheCommandDoes() throws IOException {
        List<VelaTarget> targets = List.of(VelaTarget.ETHOS_U85_256,
                VelaTarget.ETHOS_U55_128.optimisedFor(VelaTarget.Optimise.Size), VelaTarget.ETHOS_U65_256,
                VelaTarget.ETHOS_U55_128, new VelaTarget("ethos-u55-64", "Ethos_U55_High_End_Embedded", "Sram_Only"));
        List<Vela.Job> jobs = new java.util.ArrayList<>();
        for (VelaTarget target : targets) {
            for (Path model : List.of(everyLayerInt8, seedInt8)) {
                jobs.add(new Vela.Job(model, target, dir.resolve("batch").resolve(target.folderName())));
            }
        }
        List<VelaReport> batch = Workshop.vela().compileAll(jobs);
        assertEquals(jobs.size(), batch.size());
        for (int i = 0; i < jobs.size(); i++) {
            Vela.Job job = jobs.get(i);
            Path alone = dir.resolve("alone").resolve(job.target().folderName());
            VelaReport expected = Workshop.vela().compile(job.tflite(), job.target(), alone);
            VelaReport actual = batch.get(i);
            String what = job.tflite().getFileName() + " for " + job.target();
            // the same report, but for the folder the compiled model went to
            assertEquals(comparable(expected, expected.compiledModel()), comparable(actual, expected.compiledModel()), what);
            assertEquals(job.outputDir().resolve(expected.compiledModel().getFileName()), actual.compiledModel(), what);
            try (Stream<Path> files = Files.list(alone)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(expected.network() + "_")).toList()) {
                    Path batchFile = job.outputDir().resolve(file.getFileName());
                    if (file.getFileName().toString().endsWith(".csv")) {
                        assertEquals(Files.readString(file).replaceAll("#\\d+", "#"),
                                Files.readString(batchFile).replaceAll("#\\d+", "#"), what + ": " + file.getFileName());
                    } else {
                        assertEquals(-1L, Files.mismatch(file, batchFile),
                                what + ": " + file.getFileName() + " differs between the batch and the command");
                    }
                }
            }
        }
    }

    /**
     * {@code report} naming {@code compiled} as its compiled model, and without the numbers Vela gives
     * the tensors it makes itself ("#141"): its counter runs on across the compilations of one
     * process, so a batch's numbers are larger than a lone compilation's.
     */
    private static VelaReport comparable(VelaReport report, Path compiled) {
        return new VelaReport(report.network(), report.target(), report.npuOperators(), report.cpuOperators(),
                report.cpuOperations(), report.sramKiB(), report.offChipFlashKiB(), report.dramKiB(),
                report.originalWeightBytes(), report.encodedWeightBytes(), report.totalCycles(), report.npuCycles(),
                report.inferenceMillis(), report.macs(), report.memoryAccessCycles(), compiled,
                report.layers().stream().map(l -> new VelaLayer(l.sourceOperator(), l.npuOperator(), l.placement(),
                        l.tensor().replaceAll("#\\d+", "#"), l.sramBytes(), l.cycles(), l.npuCycles(), l.macs())).toList());
    }

    @Test
    void aFailingJobInABatchFailsWithVelasMessage() {
        var unknownAccelerator = new VelaTarget("ethos-u55-999", "Ethos_U55_High_End_Embedded", "Shared_Sram");
        var error = assertThrows(IllegalStateException.class, () -> Workshop.vela().compileAll(List.of(
                new Vela.Job(seedInt8, VelaTarget.ETHOS_U55_128, dir.resolve("ok")),
                new Vela.Job(seedInt8, unknownAccelerator, dir.resolve("bad")))));
        assertTrue(error.getMessage().contains("Vela failed on seed_int8.tflite for"), error.getMessage());
        assertTrue(error.getMessage().contains("invalid choice"), "Vela's own message is missing: " + error.getMessage());
    }

    @Test
    void floatInputOutputLeavesOnlyQuantizeAndDequantizeOnTheCpu() {
        VelaReport report = Workshop.vela().compile(seedFloatIo, VelaTarget.ETHOS_U55_128, dir.resolve("fio"));
        assertEquals(2, report.cpuOperators(), report.cpuOperations().toString());
        assertEquals(List.of("DEQUANTIZE", "QUANTIZE"),
                report.cpuOperations().stream().map(op -> op.split(" ")[0]).sorted().toList());
    }

    @Test
    void aModelWithNothingOnTheNpuShowsItsUnmeasuredFiguresBlankNotZero() {
        Path floatModel = TfliteExport.float32(InferenceGraph.of(TestNetworks.seedCnn())).writeTo(dir.resolve("float.tflite"));
        VelaReport report = Workshop.vela().compile(floatModel, VelaTarget.ETHOS_U55_128, dir.resolve("float"));
        assertEquals(0, report.npuOperators(), report.toString());
        var table = Tables.vela(List.of(report));
        for (String column : List.of("SRAM kB", "off-chip flash kB", "DRAM kB", "NPU encoded weights kB", "cycles",
                "inference ms")) {
            assertTrue(table.column(column).isMissing(0), column + " should be blank: " + table.print());
        }
        assertEquals(0.0, table.doubleColumn("NPU ops %").get(0));
    }

    @Test
    void originalWeightsAreTheExportedWeightCount() {
        VelaReport report = Workshop.vela().compile(seedInt8, VelaTarget.ETHOS_U55_128, dir.resolve("w"));
        long kernels = TestNetworks.seedCnn().paramTable().entrySet().stream()
                .filter(e -> e.getKey().endsWith("_W")).mapToLong(e -> e.getValue().length()).sum();
        assertEquals(kernels, report.originalWeightBytes(), "Vela's original weight count");
    }

    @Test
    void compileAndRecordAddsTheFiguresToTheModelsMetrics(@TempDir Path models) throws IOException {
        Path model = Files.copy(seedInt8, models.resolve("m.tflite"));
        Metrics.create().put(MetricKey.INT8_ACCURACY, 0.97).writeFor(model);
        VelaReport report = Workshop.compileAndRecord(model, VelaTarget.ETHOS_U55_128);
        Metrics metrics = Metrics.read(Metrics.fileFor(model));
        assertEquals(0.97, metrics.number(MetricKey.INT8_ACCURACY).orElseThrow());
        assertEquals((double) report.encodedWeightBytes(),
                metrics.number("vela.ethos-u55-128.encoded_weights_bytes").orElseThrow());
    }

    @Test
    void velaFailureIsSurfacedWithItsMessage() {
        // A sound model and a well-formed name that this Vela does not know: Vela itself refuses.
        var unknownAccelerator = new VelaTarget("ethos-u55-999", "Ethos_U55_High_End_Embedded", "Shared_Sram");
        var error = assertThrows(IllegalStateException.class,
                () -> Workshop.vela().compile(seedInt8, unknownAccelerator, dir.resolve("bad")));
        assertTrue(error.getMessage().contains("Vela failed on seed_int8.tflite"), error.getMessage());
        assertTrue(error.getMessage().contains("invalid choice"), "Vela's own message is missing: " + error.getMessage());
    }

    @Test
    void aFileThatIsNotAModelIsRefusedBeforeVelaRuns() throws IOException {
        Path notAModel = Files.writeString(dir.resolve("broken.tflite"), "this is not a flatbuffer");
        var error = assertThrows(IllegalArgumentException.class,
                () -> Workshop.vela().compile(notAModel, VelaTarget.ETHOS_U55_128, dir.resolve("bad")));
        assertTrue(error.getMessage().contains("broken.tflite") && error.getMessage().contains("not a valid TFLite model"),
                error.getMessage());
    }

    @Test
    void invalidTargetNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new VelaTarget("ethos-u55-128; rm -rf /", "a", "b"));
    }
}
