package org.condition4j.prune;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of a network whose weights are being pruned by magnitude. Train {@link #network()} with
 * {@link #listeners()} attached (for example
 * {@code Training.of(pruned.network()).withListeners(pruned.listeners()).fit(...)}), then
 * {@link #strip()} it into a plain network for export.
 *
 * <p>How the masks are kept: every prunable weight tensor has a 0/1 mask. At each pruning step
 * of its schedule the mask is recomputed to zero the smallest-magnitude weights. Between
 * steps the mask holds: the gradients of masked weights are zeroed before the optimizer sees
 * them (so Adam's moment estimates for them only decay), and the mask is multiplied into the
 * weights again after every update, so a pruned weight is exactly zero whenever training is
 * not in the middle of a step, whatever momentum the optimizer carries. Steps are counted from
 * 0 when the model is wrapped; the step-0 pruning, if the schedule has one, happens at wrapping,
 * before the first batch (as in TensorFlow Model Optimization, where it happens in that batch's
 * forward pass). One difference: there, masked weights keep receiving updates and may grow back
 * at the next pruning step; here they stay pruned unless the schedule lowers the sparsity.
 */
public final class PrunedModel {
    private final MultiLayerNetwork network;
    private final List<MaskedWeight> weights;
    private final TrainingListener listener = new MaskListener();
    private long step;

    PrunedModel(MultiLayerNetwork network, Map<PrunableWeight, PruningSchedule> schedules) {
        this.network = network;
        List<MaskedWeight> masked = new ArrayList<>();
        schedules.forEach((weight, schedule) -> masked.add(new MaskedWeight(weight, schedule)));
        this.weights = List.copyOf(masked);
        updateMasks();
    }

    /** The network being pruned; train it with {@link #listeners()} attached. */
    public MultiLayerNetwork network() {
        return network;
    }

    /** The listener that prunes on schedule and keeps pruned weights at zero during training. */
    public List<TrainingListener> listeners() {
        return List.of(listener);
    }

    /** Training steps (optimizer updates) taken with the listeners attached. */
    public long step() {
        return step;
    }

    /** The schedule of each pruned layer, by layer index (a separable layer's two kernels share one). */
    public Map<Integer, PruningSchedule> schedules() {
        Map<Integer, PruningSchedule> byLayer = new LinkedHashMap<>();
        for (MaskedWeight w : weights) {
            byLayer.put(w.weight.layerIndex(), w.schedule);
        }
        return Collections.unmodifiableMap(byLayer);
    }

    /**
     * A plain copy of the network with the current masks baked into the weights: the same
     * architecture and the same outputs, no pruning machinery, ready for export. The masks are
     * applied once more here, so weights changed after the last training step (or by training
     * without the listeners) are zeroed again; no further training step is needed.
     */
    public MultiLayerNetwork strip() {
        applyMasks();
        MultiLayerNetwork plain = network.clone();
        plain.setListeners(new ArrayList<TrainingListener>());
        return plain;
    }

    /**
     * Zeros per pruned and unpruned prunable layer of the network as it is now, with each pruned
     * tensor's target (the sparsity its mask was last computed for).
     */
    public SparsityStats sparsity() {
        Map<PrunableWeight, Double> targets = new LinkedHashMap<>();
        for (MaskedWeight w : weights) {
            targets.put(w.weight, w.maskSparsity);
        }
        return SparsityStats.of(network, targets);
    }

    private void updateMasks() {
        for (MaskedWeight w : weights) {
            w.update(network, step);
        }
        applyMasks();
    }

    private void applyMasks() {
        for (MaskedWeight w : weights) {
            w.apply(network);
        }
    }

    /** One pruned tensor: what it is, its schedule, and its current mask (null until first pruned). */
    private static final class MaskedWeight {
        final PrunableWeight weight;
        final PruningSchedule schedule;
        INDArray mask;
        double maskSparsity = Double.NaN;

        MaskedWeight(PrunableWeight weight, PruningSchedule schedule) {
            this.weight = weight;
            this.schedule = schedule;
        }

        void update(MultiLayerNetwork net, long step) {
            if (schedule.shouldPrune(step)) {
                apply(net); // rank weights as the network uses them, with earlier pruning in place
                maskSparsity = schedule.sparsity(step);
                mask = MagnitudeMask.keepLargest(weight.values(net), maskSparsity);
            }
        }

        void apply(MultiLayerNetwork net) {
            if (mask != null) {
                weight.values(net).muli(mask);
            }
        }

        void zeroGradient(Gradient gradient) {
            if (mask != null) {
                INDArray g = gradient.getGradientFor(weight.layerIndex() + "_" + weight.parameter());
                if (g == null) {
                    throw new IllegalStateException("No gradient for layer " + weight.layerIndex() + " parameter "
                            + weight.parameter() + " during training; cannot keep its pruned weights at zero");
                }
                g.muli(mask);
            }
        }
    }

    private final class MaskListener extends BaseTrainingListener {
        @Override
        public void onGradientCalculation(Model model) {
            Gradient gradient = requireOwnNetwork(model).gradient();
            for (MaskedWeight w : weights) {
                w.zeroGradient(gradient);
            }
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            requireOwnNetwork(model);
            step++;
            updateMasks();
        }

        private MultiLayerNetwork requireOwnNetwork(Model model) {
            if (model != network) {
                throw new IllegalStateException("These pruning listeners belong to PrunedModel.network(); "
                        + "train that network (not the original or another one) with them");
            }
            return network;
        }
    }
}
