package org.condition4j.model;

import org.condition4j.backend.Backend;
import org.condition4j.data.MnistBatches;
import org.condition4j.stats.Accuracy;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Trains a network epoch by epoch with a progress bar (one line per epoch, redrawn in place
 * with a carriage return, which notebooks and terminals both show) and keeps the history.
 */
public final class Training {
    private static final int BAR_WIDTH = 24;
    private static final long REDRAW_MILLIS = 2_000;

    private final MultiLayerNetwork net;
    private final PrintStream out;
    private final List<TrainingListener> extraListeners;
    private int previousBatches = -1;

    private Training(MultiLayerNetwork net, PrintStream out, List<TrainingListener> extraListeners) {
        this.net = net;
        this.out = out;
        this.extraListeners = List.copyOf(extraListeners);
    }

    /** Training of {@code net} that reports progress on standard output. */
    public static Training of(MultiLayerNetwork net) {
        return new Training(net, System.out, List.of());
    }

    /** A copy that reports progress on {@code stream}. */
    public Training printingTo(PrintStream stream) {
        return new Training(net, stream, extraListeners);
    }

    /**
     * A copy that also runs {@code listeners} (a technique's, e.g. pruning's or clustering's) in
     * every training step, after the ones given before: several techniques stack on one network.
     */
    public Training withListeners(Collection<? extends TrainingListener> listeners) {
        List<TrainingListener> all = new ArrayList<>(extraListeners);
        all.addAll(listeners);
        return new Training(net, out, all);
    }

    /**
     * Trains {@code epochs} passes over {@code train}; after each epoch evaluates on {@code test}
     * when it is not null.
     */
    public TrainingHistory fit(DataSetIterator train, DataSetIterator test, int epochs) {
        Backend.start();
        TrainingHistory history = new TrainingHistory();
        BatchAccuracy accuracy = new BatchAccuracy();
        Collection<TrainingListener> previous = new ArrayList<>(net.getListeners());
        List<TrainingListener> listeners = new ArrayList<>(previous);
        listeners.add(accuracy);
        listeners.addAll(extraListeners);
        net.setListeners(listeners);
        try {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                history.add(trainEpoch(epoch, epochs, train, test, accuracy));
            }
        } finally {
            net.setListeners(previous);
        }
        return history;
    }

    private TrainingHistory.Epoch trainEpoch(int epoch, int epochs, DataSetIterator train, DataSetIterator test,
                                             BatchAccuracy accuracy) {
        train.reset();
        long start = System.nanoTime();
        long lastDraw = 0;
        double lossSum = 0;
        int batches = 0;
        long images = 0;
        long correct = 0;
        int expectedBatches = train instanceof MnistBatches sized ? sized.batchesPerEpoch() : previousBatches;
        while (train.hasNext()) {
            DataSet batch = train.next();
            accuracy.labels = batch.getLabels();
            net.fit(batch);
            lossSum += net.score();
            batches++;
            images += batch.numExamples();
            correct += accuracy.correct;
            long now = System.currentTimeMillis();
            if (now - lastDraw >= REDRAW_MILLIS) {
                draw(epoch, epochs, batches, expectedBatches, lossSum / batches, (double) correct / images,
                        images / seconds(start), Double.NaN, false);
                lastDraw = now;
            }
        }
        previousBatches = batches;
        double trainSeconds = seconds(start);
        Accuracy tested = test == null ? null : measure(net, test);
        double testAccuracy = tested == null ? Double.NaN : tested.value();
        TrainingHistory.Epoch row = new TrainingHistory.Epoch(epoch, lossSum / Math.max(1, batches),
                images == 0 ? Double.NaN : (double) correct / images, testAccuracy,
                tested == null ? 0 : tested.images(), trainSeconds, images / trainSeconds);
        draw(epoch, epochs, batches, batches, row.loss(), row.trainAccuracy(), row.imagesPerSecond(),
                testAccuracy, true);
        return row;
    }

    /** Accuracy of {@code net} on every batch of {@code data}. */
    public static double accuracy(MultiLayerNetwork net, DataSetIterator data) {
        return measure(net, data).value();
    }

    /** Correct predictions of {@code net} on every batch of {@code data}, with the count for its interval. */
    public static Accuracy measure(MultiLayerNetwork net, DataSetIterator data) {
        return Accuracy.of(hits(net, data));
    }

    /** Per image of {@code data}, in order: does {@code net} predict its label? For paired comparisons. */
    public static boolean[] hits(MultiLayerNetwork net, DataSetIterator data) {
        data.reset();
        List<Boolean> hits = new ArrayList<>();
        while (data.hasNext()) {
            DataSet batch = data.next();
            int[] predicted = net.output(batch.getFeatures(), false).argMax(1).toIntVector();
            int[] labels = batch.getLabels().argMax(1).toIntVector();
            for (int i = 0; i < labels.length; i++) {
                hits.add(predicted[i] == labels[i]);
            }
        }
        data.reset();
        boolean[] result = new boolean[hits.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = hits.get(i);
        }
        return result;
    }

    private void draw(int epoch, int epochs, int batch, int totalBatches, double loss, double trainAccuracy,
                      double imagesPerSecond, double testAccuracy, boolean done) {
        StringBuilder line = new StringBuilder("\r");
        line.append(String.format(Locale.ROOT, "epoch %d/%d ", epoch, epochs));
        int filled = done ? BAR_WIDTH : totalBatches > 0 ? BAR_WIDTH * batch / totalBatches : 0;
        line.append('[').append("=".repeat(filled));
        if (!done) {
            line.append('>').append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1)));
        }
        line.append("] ");
        line.append(String.format(Locale.ROOT, "%d batches  loss %.4f  accuracy %.2f%%  %.0f images/s",
                batch, loss, 100 * trainAccuracy, imagesPerSecond));
        if (!Double.isNaN(testAccuracy)) {
            line.append(String.format(Locale.ROOT, "  test accuracy %.2f%%", 100 * testAccuracy));
        }
        if (done) {
            line.append('\n');
        }
        out.print(line);
        out.flush();
    }

    private static double seconds(long startNanos) {
        return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Counts correct predictions of the batch being trained, from the forward pass that fit()
     * already made. DL4J hands listeners the activations up to the output layer's input, so the
     * output layer's logits are formed here (softmax keeps the arg-max, so it is left out).
     */
    private static final class BatchAccuracy extends BaseTrainingListener {
        INDArray labels;
        long correct;

        @Override
        public void onForwardPass(Model model, List<INDArray> activations) {
            correct = 0;
            if (labels == null || !(model instanceof MultiLayerNetwork net)) {
                return;
            }
            int outputIndex = net.getnLayers() - 1;
            INDArray input = activations.get(outputIndex);
            InputPreProcessor preProcessor = net.getLayerWiseConfigurations().getInputPreProcess(outputIndex);
            if (preProcessor != null) {
                input = preProcessor.preProcess(input, (int) input.size(0), LayerWorkspaceMgr.noWorkspaces());
            }
            Layer output = net.getLayer(outputIndex);
            INDArray logits = input.mmul(output.getParam("W")).addiRowVector(output.getParam("b"));
            long[] predicted = logits.argMax(1).toLongVector();
            long[] expected = labels.argMax(1).toLongVector();
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == expected[i]) {
                    correct++;
                }
            }
        }
    }
}
