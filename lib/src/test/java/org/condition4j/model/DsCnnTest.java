package org.condition4j.model;

import org.condition4j.data.Mnist;
import org.condition4j.fold.BatchNormFolding;
import org.condition4j.graph.TestNetworks;
import org.condition4j.npu.Advice;
import org.condition4j.npu.NpuFamily;
import org.condition4j.npu.TargetCheck;
import org.condition4j.stats.Accuracy;
import org.condition4j.testing.TestSeed;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DS-CNN reference network: its shape, NPU fit before training, and that it learns digits quickly. */
class DsCnnTest {
    /** Steps of 32 images: a few hundred steps on a few thousand images. */
    private static final int TRAIN_IMAGES = 4_096;
    private static final int TEST_IMAGES = 1_000;

    @Test
    void everyOpOfTheFoldedDsCnnRunsOnTheNpuAndChannelsFillTheBricks() {
        MultiLayerNetwork folded = BatchNormFolding.fold(DsCnn.create());
        for (NpuFamily family : NpuFamily.values()) {
            TargetCheck check = TargetCheck.of(folded, family);
            assertTrue(check.allOnNpu(), family + ": " + check.layers());
            for (Advice advice : check.advice()) {
                assertTrue(advice.kind() != Advice.Kind.CHANNELS, family + ": " + advice);
            }
        }
        for (int i = 0; i < folded.getnLayers(); i++) {
            Layer layer = folded.getLayerWiseConfigurations().getConf(i).getLayer();
            if (layer instanceof FeedForwardLayer f && !(layer instanceof OutputLayer)) {
                assertEquals(0, f.getNOut() % TargetCheck.BRICK_CHANNELS, layer.getLayerName() + " has " + f.getNOut());
            }
        }
    }

    @Test
    void aFewHundredStepsLearnTheDigits() {
        Mnist mnist = TestNetworks.mnist();
        MultiLayerNetwork net = DsCnn.create(TestSeed.of(DsCnn.SEED));
        Training.of(net).printingTo(new PrintStream(OutputStream.nullOutputStream()))
                .fit(mnist.train(32, TRAIN_IMAGES), null, 1);
        Accuracy accuracy = Training.measure(net, mnist.test(500, TEST_IMAGES));
        // a requirement, not a measurement: after so few steps a network that learns digits is right on four in
        // five (a full epoch goes much further; chance is one in ten)
        assertTrue(accuracy.interval().lower() > 0.8, "after " + TRAIN_IMAGES / 32 + " steps: " + accuracy);
        // folding changes outputs by float rounding only (BatchNormFoldingTest: within 1e-5), so it may flip
        // no decision whose two largest probabilities lie further apart than that
        var images = mnist.testSample(TEST_IMAGES).getFeatures();
        var original = net.output(images);
        var folded = BatchNormFolding.fold(net).output(images);
        for (int i = 0; i < TEST_IMAGES; i++) {
            double[] p = original.getRow(i).toDoubleVector();
            double[] sorted = p.clone();
            java.util.Arrays.sort(sorted);
            if (sorted[sorted.length - 1] - sorted[sorted.length - 2] > 2e-5) {
                assertEquals(original.getRow(i).argMax().getInt(0), folded.getRow(i).argMax().getInt(0),
                        "folding changed the decision on test image " + i);
            }
        }
    }
}
