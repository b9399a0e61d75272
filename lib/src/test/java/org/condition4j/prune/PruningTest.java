package org.condition4j.prune;

import org.condition4j.testing.TestSeed;
import org.condition4j.workshop.Workshop;
import org.condition4j.data.Mnist;
import org.condition4j.model.SeedCnn;
import org.condition4j.model.Training;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Magnitude pruning of the seed CNN on small MNIST subsets (batches of 64, a few steps each). */
class PruningTest {
    private static final int BATCH = 64;
    /** The seed CNN's prunable layers: conv1, conv2, conv3, dense. */
    private static final int[] PRUNABLE = {0, 1, 3, 5};

    private static Mnist mnist;
    private static MultiLayerNetwork trained;
    private static DataSet testImages;

    @BeforeAll
    static void trainASmallBaseline() {
        mnist = Workshop.mnist();
        trained = SeedCnn.create(TestSeed.of(SeedCnn.SEED));
        // one short epoch, so that Adam carries momentum into pruning as a real baseline does
        train(trained, mnist.train(BATCH, 512), List.of());
        testImages = mnist.testSample(200);
    }

    @Test
    void pruningAtStepZeroReachesTheTargetInEveryLayerWithinOneWeight() {
        INDArray before = trained.params().dup();
        PrunedModel pruned = Pruning.lowMagnitude(trained, PruningSchedule.constant(0.75, 0, 100));
        for (int layer : PRUNABLE) {
            INDArray w = weights(pruned.network(), layer);
            assertEquals(0.75 * w.length(), zeros(w), 1.0, "layer " + layer);
        }
        assertEquals(before, trained.params(), "the original network is left as it was");
        assertEquals(0, pruned.step());
    }

    @Test
    void polynomialDecayReachesTheSparsityOfTheLastPruningStepTrained() {
        // prunes at steps 0, 2, 4, 6, 8 towards 0.8
        PolynomialDecay schedule = PruningSchedule.polynomialDecay(0.2, 0.8, 0, 8, 3, 2);
        PrunedModel pruned = Pruning.lowMagnitude(trained, schedule);
        train(pruned.network(), mnist.train(BATCH, 5 * BATCH), pruned.listeners());
        assertEquals(5, pruned.step());
        double atStep4 = 0.8 + (0.2 - 0.8) * Math.pow(1 - 4 / 8.0, 3);
        for (int layer : PRUNABLE) {
            INDArray w = weights(pruned.network(), layer);
            assertEquals(atStep4 * w.length(), zeros(w), 1.0, "layer " + layer + " after 5 steps");
        }
        train(pruned.network(), mnist.train(BATCH, 3 * BATCH), pruned.listeners());
        assertEquals(8, pruned.step());
        for (int layer : PRUNABLE) {
            INDArray w = weights(pruned.network(), layer);
            assertEquals(0.8 * w.length(), zeros(w), 1.0, "layer " + layer + " after 8 steps");
        }
    }

    @Test
    void prunedWeightsStayExactlyZeroWhileAdamTrainsTheRest() {
        // prunes once, at step 0; training then runs 16 steps with Adam's momentum from the baseline
        PrunedModel pruned = Pruning.lowMagnitude(trained, PruningSchedule.constant(0.5, 0, 1000));
        List<INDArray> before = new ArrayList<>();
        for (int layer : PRUNABLE) {
            before.add(weights(pruned.network(), layer).dup());
        }
        ZeroWatcher watcher = new ZeroWatcher(pruned.network(), before);
        List<TrainingListener> listeners = new ArrayList<>(pruned.listeners());
        listeners.add(watcher); // after the pruning listener: sees the weights as the next step will
        train(pruned.network(), mnist.train(BATCH, 1024), listeners);

        assertEquals(16, watcher.iterations);
        assertEquals(0, watcher.resurrected, "pruned weights that were non-zero after some training step");
        for (int i = 0; i < PRUNABLE.length; i++) {
            INDArray now = weights(pruned.network(), PRUNABLE[i]);
            INDArray was = before.get(i);
            assertEquals(zeros(was), zeros(now), "layer " + PRUNABLE[i]);
            assertTrue(now.sub(was).norm1Number().doubleValue() > 0, "the kept weights were trained");
        }

        // The control: the same network trained one more step without the listener. Adam's
        // momentum moves pruned weights off zero, which is what the listener prevents.
        long zerosWithListener = zeros(weights(pruned.network(), 1));
        pruned.network().fit(mnist.trainSample(BATCH));
        // any masked weight with a non-zero first moment moves; how many have one depends on the weights
        assertTrue(zeros(weights(pruned.network(), 1)) < zerosWithListener,
                "without the listener Adam revives pruned weights");

        // strip() puts the mask back without another training step
        MultiLayerNetwork stripped = pruned.strip();
        for (int i = 0; i < PRUNABLE.length; i++) {
            assertEquals(zeros(before.get(i)), zeros(weights(stripped, PRUNABLE[i])), "layer " + PRUNABLE[i]);
        }
    }

    @Test
    void stripGivesAPlainNetworkWithTheSameOutputs() {
        PrunedModel pruned = Pruning.lowMagnitude(trained, PruningSchedule.constant(0.75, 0, 3));
        train(pruned.network(), mnist.train(BATCH, 512), pruned.listeners());
        MultiLayerNetwork stripped = pruned.strip();

        assertNotSame(pruned.network(), stripped);
        assertTrue(stripped.getListeners() == null || stripped.getListeners().isEmpty());
        assertEquals(pruned.network().getLayerWiseConfigurations().toJson(),
                stripped.getLayerWiseConfigurations().toJson());
        for (int i = 0; i < trained.getnLayers(); i++) {
            assertEquals(trained.getLayerWiseConfigurations().getConf(i).toJson(),
                    stripped.getLayerWiseConfigurations().getConf(i).toJson(), "layer " + i);
        }
        float[] expected = pruned.network().output(testImages.getFeatures()).ravel().toFloatVector();
        assertArrayEquals(expected, stripped.output(testImages.getFeatures()).ravel().toFloatVector(), 0f);
        for (int layer : PRUNABLE) {
            assertEquals(0.75 * weights(stripped, layer).length(), zeros(weights(stripped, layer)), 1.0);
        }

        // the stripped copy is independent: training the pruned network on does not touch it
        train(pruned.network(), mnist.train(BATCH, 128), pruned.listeners());
        assertArrayEquals(expected, stripped.output(testImages.getFeatures()).ravel().toFloatVector(), 0f);
    }

    @Test
    void chosenLayersArePrunedAndTheOthersLeftDense() {
        PruningSchedule schedule = PruningSchedule.constant(0.75);
        PrunedModel exceptFirst = Pruning.of(trained).except("conv1").lowMagnitude(schedule);
        assertSparsities(exceptFirst.network(), 0, 0.75, 0.75, 0.75);
        assertEquals(List.of(1, 3, 5), List.copyOf(exceptFirst.schedules().keySet()));

        assertSparsities(Pruning.of(trained).except(0).lowMagnitude(schedule).network(), 0, 0.75, 0.75, 0.75);
        assertSparsities(Pruning.of(trained).only("dense").lowMagnitude(schedule).network(), 0, 0, 0, 0.75);
        assertSparsities(Pruning.of(trained).only(1, 3).lowMagnitude(schedule).network(), 0, 0.75, 0.75, 0);
        assertSparsities(Pruning.of(trained).withSchedule("dense", PruningSchedule.constant(0.5))
                .withSchedule(0, PruningSchedule.constant(0.25)).lowMagnitude(schedule).network(),
                0.25, 0.75, 0.75, 0.5);
    }

    @Test
    void choosingALayerWithoutWeightsOrThatDoesNotExistIsAClearError() {
        String pool = assertThrows(IllegalArgumentException.class, () -> Pruning.of(trained).except("pool1"))
                .getMessage();
        assertTrue(pool.startsWith("layer 2 (SubsamplingLayer 'pool1') has no weights to prune"), pool);
        assertTrue(pool.contains("layer 0 (ConvolutionLayer 'conv1')") && pool.contains("layer 5 (OutputLayer 'dense')"), pool);

        String byIndex = assertThrows(IllegalArgumentException.class, () -> Pruning.of(trained).only(4)).getMessage();
        assertTrue(byIndex.startsWith("layer 4 (SubsamplingLayer 'pool2') has no weights to prune"), byIndex);

        String outside = assertThrows(IllegalArgumentException.class, () -> Pruning.of(trained).except(6)).getMessage();
        assertTrue(outside.startsWith("Layer index 6 is outside 0..5"), outside);

        String unknown = assertThrows(IllegalArgumentException.class,
                () -> Pruning.of(trained).withSchedule("conv9", PruningSchedule.constant(0.5))).getMessage();
        assertTrue(unknown.startsWith("No layer is named 'conv9'; the layers are layer 0 (ConvolutionLayer 'conv1')"), unknown);

        String both = assertThrows(IllegalArgumentException.class,
                () -> Pruning.of(trained).except(0).only(1).lowMagnitude(PruningSchedule.constant(0.5))).getMessage();
        assertEquals("Use either only(...) or except(...), not both", both);

        String excepted = assertThrows(IllegalArgumentException.class,
                () -> Pruning.of(trained).except("conv1").withSchedule(0, PruningSchedule.constant(0.5))
                        .lowMagnitude(PruningSchedule.constant(0.75))).getMessage();
        assertTrue(excepted.startsWith("layer 0 (ConvolutionLayer 'conv1') has its own schedule but is excepted"),
                excepted);
    }

    @Test
    void listenersRefuseToPruneAnotherNetwork() {
        PrunedModel pruned = Pruning.lowMagnitude(trained, PruningSchedule.constant(0.5));
        MultiLayerNetwork other = trained.clone();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> train(other, mnist.train(BATCH, BATCH), pruned.listeners()));
        assertTrue(e.getMessage().startsWith("These pruning listeners belong to PrunedModel.network()"), e.getMessage());
    }

    private static void assertSparsities(MultiLayerNetwork net, double... expected) {
        for (int i = 0; i < PRUNABLE.length; i++) {
            INDArray w = weights(net, PRUNABLE[i]);
            assertEquals(expected[i] * w.length(), zeros(w), 1.0, "layer " + PRUNABLE[i]);
        }
    }

    static void train(MultiLayerNetwork net, DataSetIterator data, List<TrainingListener> listeners) {
        Training.of(net).printingTo(new PrintStream(OutputStream.nullOutputStream()))
                .withListeners(listeners).fit(data, null, 1);
    }

    static INDArray weights(MultiLayerNetwork net, int layer) {
        return net.getLayer(layer).getParam("W");
    }

    /** Exact zeros, counted independently of the library. */
    static long zeros(INDArray values) {
        long count = 0;
        for (double v : values.dup().data().asDouble()) {
            count += v == 0 ? 1 : 0;
        }
        return count;
    }

    /** Counts, after every training step, pruned weights that are not exactly zero. */
    private static final class ZeroWatcher extends BaseTrainingListener {
        private final MultiLayerNetwork net;
        private final List<INDArray> initiallyZero = new ArrayList<>();
        int iterations;
        long resurrected;

        ZeroWatcher(MultiLayerNetwork net, List<INDArray> before) {
            this.net = net;
            for (INDArray w : before) {
                initiallyZero.add(w.eq(0).castTo(w.dataType()));
            }
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            iterations++;
            for (int i = 0; i < PRUNABLE.length; i++) {
                INDArray revived = weights(net, PRUNABLE[i]).mul(initiallyZero.get(i));
                resurrected += revived.length() - zeros(revived);
            }
        }
    }
}
