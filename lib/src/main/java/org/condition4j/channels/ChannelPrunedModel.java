package org.condition4j.channels;

import org.condition4j.channels.ChannelSlice.Role;
import org.condition4j.layers.LayerRegistry;
import org.condition4j.prune.PruningSchedule;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A copy of a network whose weakest whole channels are being removed: train {@link #network()}
 * with {@link #listeners()} attached, then {@link #strip()} it into a smaller plain network.
 *
 * <p>During fine-tuning a removed channel is masked, not yet cut out: its filter and bias, its
 * depthwise filters and batch-norm scale and shift, and the consuming layer's weights that read
 * it are held at zero (gradients zeroed before the optimizer sees them, masks multiplied in again
 * after every update, as magnitude pruning does), so the network computes exactly what the
 * smaller one will. At each pruning step of the schedule the channels of every pruned layer are
 * ranked by the {@link ChannelCriterion} and the weakest go, as many as the schedule's share of
 * the layer's channels, rounded to the channel multiple ({@link ChannelPruning#withChannelMultiple}).
 * Steps are counted from 0 when the model is made; a step-0 pruning happens then.
 */
public final class ChannelPrunedModel {
    private final MultiLayerNetwork network;
    private final ChannelCriterion criterion;
    private final List<PrunedGroup> groups;
    private final Map<String, INDArray> masks = new LinkedHashMap<>();
    private final TrainingListener listener = new MaskListener();
    private long step;

    ChannelPrunedModel(MultiLayerNetwork network, Map<ChannelGroup, PruningSchedule> schedules, int multiple,
                       ChannelCriterion criterion) {
        this.network = network;
        this.criterion = criterion;
        List<PrunedGroup> pruned = new ArrayList<>();
        schedules.forEach((group, schedule) -> pruned.add(new PrunedGroup(group, schedule, multiple)));
        this.groups = List.copyOf(pruned);
        for (PrunedGroup g : groups) {
            if (criterion == ChannelCriterion.TAYLOR && g.schedule.shouldPrune(0) && g.keptAt(0) < g.group.channels) {
                throw new IllegalArgumentException("The Taylor criterion ranks channels by gradients gathered in "
                        + "training, but " + g.schedule + " removes channels of " + g.group.describe(network)
                        + " at step 0, before any; begin the schedule later, e.g. "
                        + "PruningSchedule.polynomialDecay(0, 0.5, 10, 100), or use ChannelCriterion.L2");
            }
        }
        update();
    }

    /** The network being pruned; train it with {@link #listeners()} attached. */
    public MultiLayerNetwork network() {
        return network;
    }

    /** The listener that removes channels on schedule and holds removed channels at zero during training. */
    public List<TrainingListener> listeners() {
        return List.of(listener);
    }

    /** Training steps (optimizer updates) taken with the listeners attached. */
    public long step() {
        return step;
    }

    public ChannelCriterion criterion() {
        return criterion;
    }

    /** Output channels of one pruned layer: how many it had and which it has removed so far. */
    public record LayerChannels(int layer, String name, int channels, int[] removed) {
        public int kept() {
            return channels - removed.length;
        }
    }

    /** Every pruned layer's channels as they are now, in layer order. */
    public List<LayerChannels> channels() {
        List<LayerChannels> rows = new ArrayList<>();
        for (PrunedGroup g : groups) {
            rows.add(new LayerChannels(g.group.producer, String.valueOf(network.getLayerWiseConfigurations()
                    .getConf(g.group.producer).getLayer().getLayerName()), g.group.channels, g.removedIndices()));
        }
        return List.copyOf(rows);
    }

    /**
     * A smaller plain network: every removed channel cut out (the producer's nOut, the nIn of the
     * layers after it, the flatten's channel count reduced; the remaining parameters copied), no
     * listeners, a fresh optimizer state. It computes what {@link #network()} computes now. The
     * masks are applied once more first, so weights changed after the last step are zeroed again.
     */
    public MultiLayerNetwork strip() {
        applyMasks();
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(network.getLayerWiseConfigurations().toJson());
        for (PrunedGroup g : groups) {
            int r = g.removedCount();
            if (r == 0) {
                continue;
            }
            FeedForwardLayer producer = (FeedForwardLayer) conf.getConf(g.group.producer).getLayer();
            producer.setNOut(producer.getNOut() - r);
            for (ChannelGroup.Resize resize : g.group.resizes) {
                if (resize.preprocessor()) {
                    CnnToFeedForwardPreProcessor flatten = (CnnToFeedForwardPreProcessor) conf.getInputPreProcess(resize.layer());
                    flatten.setNumChannels(flatten.getNumChannels() - (long) r * resize.inPerChannel());
                } else {
                    FeedForwardLayer layer = (FeedForwardLayer) conf.getConf(resize.layer()).getLayer();
                    if (layer.getNIn() > 0) { // a layer without parameters (dropout) may never have been given sizes
                        layer.setNIn(layer.getNIn() - (long) r * resize.inPerChannel());
                    }
                    if (resize.outPerChannel() > 0 && layer.getNOut() > 0) {
                        layer.setNOut(layer.getNOut() - (long) r * resize.outPerChannel());
                    }
                }
            }
        }
        MultiLayerNetwork sliced = new MultiLayerNetwork(conf);
        sliced.init();
        for (int i = 0; i < network.getnLayers(); i++) {
            for (Map.Entry<String, INDArray> param : network.getLayer(i).paramTable().entrySet()) {
                INDArray values = sliceOf(i, param.getKey(), param.getValue());
                INDArray target = sliced.getLayer(i).getParam(param.getKey());
                if (!Arrays.equals(values.shape(), target.shape())) {
                    throw new IllegalStateException(LayerRegistry.describe(network, i) + " parameter " + param.getKey()
                            + ": sliced to " + Arrays.toString(values.shape()) + " but the smaller network has "
                            + Arrays.toString(target.shape()));
                }
                target.assign(values);
            }
        }
        return sliced;
    }

    /** Parameter {@code key} of layer {@code layer} without the removed channels' coordinates. */
    private INDArray sliceOf(int layer, String key, INDArray param) {
        INDArray values = param;
        for (PrunedGroup g : groups) {
            if (g.removedCount() == 0) {
                continue;
            }
            for (ChannelSlice s : g.group.slices) {
                if (s.layer() == layer && s.param().equals(key)) {
                    AlongAxis along = AlongAxis.of(values, s.axis());
                    values = along.keep(AlongAxis.values(values), g.keptCoordinates(s, along.size));
                }
            }
        }
        return values == param ? param.dup() : values;
    }

    private void update() {
        applyMasks(); // rank the channels as the network uses them, with earlier removals in place
        boolean changed = false;
        for (PrunedGroup g : groups) {
            changed |= g.update(network, step, criterion);
        }
        if (changed) {
            rebuildMasks();
        }
        applyMasks();
    }

    private void rebuildMasks() {
        masks.clear();
        Map<String, float[]> combined = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (PrunedGroup g : groups) {
            for (ChannelSlice s : g.group.slices) {
                if (!s.masked()) {
                    continue;
                }
                INDArray param = network.getLayer(s.layer()).getParam(s.param());
                AlongAxis along = AlongAxis.of(param, s.axis());
                float[] mask = along.mask(g.removedCoordinates(s, along.size));
                float[] earlier = combined.get(s.key());
                if (earlier != null) {
                    for (int i = 0; i < mask.length; i++) {
                        mask[i] *= earlier[i];
                    }
                }
                combined.put(s.key(), mask);
                shapes.put(s.key(), param.shape());
            }
        }
        combined.forEach((key, mask) -> masks.put(key, Nd4j.create(mask, shapes.get(key), 'c')
                .castTo(network.params().dataType())));
    }

    private void applyMasks() {
        masks.forEach((key, mask) -> param(key).muli(mask));
    }

    private INDArray param(String key) {
        int cut = key.indexOf('_');
        return network.getLayer(Integer.parseInt(key.substring(0, cut))).getParam(key.substring(cut + 1));
    }

    /** One pruned layer's channels: schedule, removed set, and the Taylor scores gathered since its last pruning step. */
    private static final class PrunedGroup {
        final ChannelGroup group;
        final PruningSchedule schedule;
        final int multiple;
        final boolean[] removed;
        final double[] taylor;
        int taylorSteps;

        PrunedGroup(ChannelGroup group, PruningSchedule schedule, int multiple) {
            this.group = group;
            this.schedule = schedule;
            this.multiple = multiple;
            this.removed = new boolean[group.channels];
            this.taylor = new double[group.channels];
        }

        int keptAt(long step) {
            return ChannelPruning.keptChannels(group.channels, schedule.sparsity(step), multiple);
        }

        int removedCount() {
            int r = 0;
            for (boolean b : removed) {
                r += b ? 1 : 0;
            }
            return r;
        }

        int[] removedIndices() {
            return IntStream.range(0, removed.length).filter(c -> removed[c]).toArray();
        }

        /** Re-ranks the channels at a pruning step; true if the removed set changed. */
        boolean update(MultiLayerNetwork net, long step, ChannelCriterion criterion) {
            if (!schedule.shouldPrune(step)) {
                return false;
            }
            int kept = keptAt(step);
            double[] scores;
            if (criterion == ChannelCriterion.TAYLOR) {
                if (taylorSteps == 0) {
                    if (kept == group.channels && removedCount() == 0) {
                        return false;
                    }
                    throw new IllegalStateException("No gradients gathered for the Taylor criterion before pruning step "
                            + step + "; train ChannelPrunedModel.network() with its listeners()");
                }
                scores = taylor.clone();
                Arrays.fill(taylor, 0);
                taylorSteps = 0;
            } else {
                scores = norms(net, criterion);
            }
            Integer[] order = IntStream.range(0, group.channels).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(c -> scores[c]).thenComparingInt(c -> c));
            boolean[] next = new boolean[group.channels];
            for (int k = 0; k < group.channels - kept; k++) {
                next[order[k]] = true;
            }
            boolean changed = !Arrays.equals(next, removed);
            System.arraycopy(next, 0, removed, 0, next.length);
            return changed;
        }

        private double[] norms(MultiLayerNetwork net, ChannelCriterion criterion) {
            double[] norms = new double[group.channels];
            for (ChannelSlice s : group.slices) {
                if (!s.kernel()) {
                    continue;
                }
                INDArray param = net.getLayer(s.layer()).getParam(s.param());
                float[] values = AlongAxis.values(param);
                for (int i = 0; i < values.length; i++) {
                    values[i] = criterion == ChannelCriterion.L1 ? Math.abs(values[i]) : values[i] * values[i];
                }
                addPerChannel(AlongAxis.of(param, s.axis()).sums(values), s, norms);
            }
            if (criterion == ChannelCriterion.L2) {
                for (int c = 0; c < norms.length; c++) {
                    norms[c] = Math.sqrt(norms[c]);
                }
            }
            return norms;
        }

        /** Adds this step's |sum of w * dL/dw| over the consumer's weights reading each channel. */
        void gather(MultiLayerNetwork net, Gradient gradient) {
            double[] step = new double[group.channels];
            for (ChannelSlice s : group.slices) {
                if (s.role() != Role.INPUT || !s.param().equals("W")) {
                    continue; // a separable consumer's depthwise W reads the channel; its pW reads the depthwise outputs
                }
                INDArray param = net.getLayer(s.layer()).getParam(s.param());
                float[] w = AlongAxis.values(param);
                float[] g = AlongAxis.values(gradient(gradient, s.key()));
                for (int i = 0; i < w.length; i++) {
                    w[i] *= g[i];
                }
                addPerChannel(AlongAxis.of(param, s.axis()).sums(w), s, step);
            }
            for (int c = 0; c < step.length; c++) {
                taylor[c] += Math.abs(step[c]);
            }
            taylorSteps++;
        }

        private static void addPerChannel(double[] sums, ChannelSlice s, double[] perChannel) {
            for (int c = 0; c < perChannel.length; c++) {
                for (int index : s.indices()[c]) {
                    perChannel[c] += sums[index];
                }
            }
        }

        /** Per coordinate along the slice's axis, whether it belongs to a removed channel. */
        boolean[] removedCoordinates(ChannelSlice s, int size) {
            boolean[] out = new boolean[size];
            for (int c = 0; c < removed.length; c++) {
                if (removed[c]) {
                    for (int index : s.indices()[c]) {
                        out[index] = true;
                    }
                }
            }
            return out;
        }

        int[] keptCoordinates(ChannelSlice s, int size) {
            boolean[] gone = removedCoordinates(s, size);
            return IntStream.range(0, size).filter(i -> !gone[i]).toArray();
        }
    }

    /** The gradient of parameter {@code key}; an error if training computed none for it. */
    private static INDArray gradient(Gradient gradient, String key) {
        INDArray g = gradient.getGradientFor(key);
        if (g == null) {
            throw new IllegalStateException("No gradient for parameter " + key + " during training; "
                    + "cannot hold removed channels at zero");
        }
        return g;
    }

    private final class MaskListener extends BaseTrainingListener {
        @Override
        public void onGradientCalculation(Model model) {
            Gradient gradient = requireOwnNetwork(model).gradient();
            if (criterion == ChannelCriterion.TAYLOR) {
                for (PrunedGroup g : groups) {
                    g.gather(network, gradient);
                }
            }
            masks.forEach((key, mask) -> gradient(gradient, key).muli(mask));
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            requireOwnNetwork(model);
            step++;
            update();
        }

        private MultiLayerNetwork requireOwnNetwork(Model model) {
            if (model != network) {
                throw new IllegalStateException("These channel-pruning listeners belong to ChannelPrunedModel.network(); "
                        + "train that network (not the original or another one) with them");
            }
            return network;
        }
    }
}
