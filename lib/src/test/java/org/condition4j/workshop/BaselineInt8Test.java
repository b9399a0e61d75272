package org.condition4j.workshop;

import org.condition4j.tflite.TfliteExport;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The plain int8 model of the baseline: exported when missing, left alone when present. */
class BaselineInt8Test {

    @Test
    void aMissingFileIsExportedAsNotebook01WouldWriteItAndAnExistingOneIsKept(@TempDir Path dir) throws Exception {
        DataSet representative = TestNetworks.mnist().trainSample(100);
        Path file = dir.resolve(BaselineInt8.FILE_NAME);

        assertEquals(file, BaselineInt8.fileOrExport(file, TestNetworks.seedCnn(), representative));
        byte[] expected = TfliteExport.int8(PostTrainingQuantization.calibrate(
                InferenceGraph.of(TestNetworks.seedCnn()), representative)).toBytes();
        assertArrayEquals(expected, Files.readAllBytes(file), "the same bytes as the PTQ steps of 01");

        byte[] existing = {1, 2, 3};
        Files.write(file, existing);
        BaselineInt8.fileOrExport(file, TestNetworks.seedCnn(), representative);
        assertArrayEquals(existing, Files.readAllBytes(file), "an existing file is not rewritten");
    }

    @Test
    void theDefaultFileIsTheOneNotebook01Writes() {
        assertEquals("post_training_quant_model.tflite", BaselineInt8.file().getFileName().toString());
    }
}
