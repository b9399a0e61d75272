package org.condition4j.model;

import org.condition4j.workshop.Workshop;
import org.condition4j.backend.Backend;
import org.condition4j.data.Mnist;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.condition4j.testing.Chance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedCnnTrainingTest {
    private static final int IMAGES = 1_024;

    private static TrainingHistory trainBriefly(MultiLayerNetwork net) {
        Mnist mnist = Workshop.mnist();
        return Training.of(net).printingTo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .fit(mnist.train(SeedCnn.BATCH_SIZE, IMAGES), mnist.test(500, 500), 1);
    }

    @Test
    void convolutionsRunOnOneDnn() {
        assertTrue(Backend.oneDnnEnabled(), "ND4J reports oneDNN off");
        MultiLayerNetwork net = SeedCnn.create();
        net.output(Workshop.mnist().testSample(2).getFeatures());
        for (int i : new int[] {0, 1, 3}) {
            ConvolutionLayer conv = (ConvolutionLayer) net.getLayer(i);
            assertInstanceOf(MKLDNNConvHelper.class, conv.getHelper(), "layer " + i + " does not use oneDNN");
        }
    }

    @Test
    void trainingIsDeterministicForAFixedSeed() {
        MultiLayerNetwork first = SeedCnn.create();
        MultiLayerNetwork second = SeedCnn.create();
        assertEquals(first.params(), second.params(), "same seed, different initial weights");
        TrainingHistory history = trainBriefly(first);
        trainBriefly(second);
        assertEquals(first.params(), second.params(), "same seed and data, different trained weights");
        assertNotEquals(SeedCnn.create().params(), first.params(), "training changed nothing");
        assertTrue(history.last().testAccuracy() > Chance.floor(Mnist.CLASSES, 500),
                "8 batches should already beat guessing (10 % + 3 standard errors on 500 images): " + history.last());
    }

    @Test
    void historyRecordsEachEpochAndProgressIsPrinted() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Mnist mnist = Workshop.mnist();
        TrainingHistory history = Training.of(SeedCnn.create())
                .printingTo(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .fit(mnist.train(SeedCnn.BATCH_SIZE, 512), null, 2);
        assertEquals(2, history.epochs().size());
        assertEquals(2, history.last().epoch());
        assertTrue(Double.isNaN(history.last().testAccuracy()));
        assertTrue(history.last().loss() < history.epochs().get(0).loss(), "loss did not fall: " + history.epochs());
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("epoch 1/2 [========================] 4 batches"), text);
        assertTrue(text.contains("epoch 2/2"), text);
    }

    @Test
    void savedModelLoadsWithIdenticalOutputs(@TempDir Path dir) {
        MultiLayerNetwork net = SeedCnn.create();
        trainBriefly(net);
        Path file = dir.resolve("model.zip");
        ModelStore.save(net, file);
        MultiLayerNetwork loaded = ModelStore.load(file);
        var x = Workshop.mnist().testSample(20).getFeatures();
        assertEquals(net.output(x), loaded.output(x));
    }

    @Test
    void loadingAMissingModelSaysHowToMakeOne(@TempDir Path dir) {
        var error = assertThrows(IllegalArgumentException.class, () -> ModelStore.load(dir.resolve("none.zip")));
        assertTrue(error.getMessage().contains("train and save a network there first"), error.getMessage());
    }
}
