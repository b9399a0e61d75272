package org.condition4j.model;

import org.condition4j.stats.Accuracy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One row per training epoch, kept for tables and training-curve charts. */
public final class TrainingHistory {

    /**
     * One epoch: mean training loss, accuracy on the training batches as they were trained,
     * accuracy on the held-out test images ({@code NaN} when none were given), wall time, speed.
     */
    public record Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy, int testImages,
                        double seconds, double imagesPerSecond) {
        /** The test accuracy with its interval, or null when no test images were given. */
        public Accuracy test() {
            return testImages == 0 ? null : new Accuracy((int) Math.round(testAccuracy * testImages), testImages);
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();

    public void add(Epoch epoch) {
        epochs.add(epoch);
    }

    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public Epoch last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("No epoch has been trained");
        }
        return epochs.get(epochs.size() - 1);
    }

    public double totalSeconds() {
        return epochs.stream().mapToDouble(Epoch::seconds).sum();
    }
}
