package org.condition4j.data;

import org.condition4j.workshop.Workshop;
import org.condition4j.workshop.ProjectDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistTest {

    @Test
    void missingFilesNameSetupScript(@TempDir Path empty) {
        var error = assertThrows(IllegalStateException.class, () -> Mnist.from(empty));
        assertTrue(error.getMessage().contains("missing"), error.getMessage());
        assertTrue(error.getMessage().contains("./setup.sh"), error.getMessage());
    }

    @Test
    void corruptFileIsDetectedByChecksum(@TempDir Path dir) throws IOException {
        for (String name : Mnist.expectedSums().keySet()) {
            Files.copy(ProjectDirs.mnist().resolve(name), dir.resolve(name));
        }
        byte[] labels = Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte"));
        labels[100] ^= 1; // one wrong label
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels);
        var error = assertThrows(IllegalStateException.class, () -> Mnist.from(dir));
        assertTrue(error.getMessage().contains("corrupt"), error.getMessage());
        assertTrue(error.getMessage().contains("t10k-labels-idx1-ubyte"), error.getMessage());
        assertTrue(error.getMessage().contains("./setup.sh"), error.getMessage());
    }

    @Test
    void readsTheOriginalImagesAndLabels() {
        Mnist mnist = Workshop.mnist();
        var sample = mnist.testSample(3);
        assertArrayEquals(new long[] {3, 784}, sample.getFeatures().shape());
        // The first three test digits of MNIST are 7, 2, 1.
        assertArrayEquals(new long[] {7, 2, 1}, sample.getLabels().argMax(1).toLongVector());
        assertTrue(sample.getFeatures().minNumber().doubleValue() >= 0);
        assertEquals(1.0, sample.getFeatures().maxNumber().doubleValue(), 1e-6);
        assertEquals(5, mnist.train(128, 600).batchesPerEpoch());
    }
}
