package org.condition4j.channels;

import org.condition4j.layers.LayerRegistry;
import org.condition4j.npu.ChannelBlock;
import org.condition4j.prune.PruningSchedule;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channel (structured) pruning of a Deeplearning4j network: the weakest whole output channels of
 * convolutions, separable convolutions and dense layers are removed during fine-tuning, with
 * whatever must go with them (see {@link ChannelPrunedModel}), and {@link ChannelPrunedModel#strip()}
 * cuts them out into a smaller ordinary network. Unlike magnitude pruning, whose zeros an NPU
 * still multiplies, a removed channel is work the NPU no longer does.
 *
 * <pre>{@code
 * ChannelPrunedModel slim = ChannelPruning.of(net).except("conv1")
 *         .prune(PruningSchedule.polynomialDecay(0, 0.5, 0, 200, 3, 20));
 * Training.of(slim.network()).withListeners(slim.listeners()).fit(train, test, 1);
 * MultiLayerNetwork smaller = slim.strip();
 * }</pre>
 *
 * The schedule is magnitude pruning's: its sparsity is here the share of each pruned layer's
 * output channels removed. The number kept is {@code max(1, round(n * (1 - share)))}, then, with a
 * channel multiple m above 1, the nearest multiple of m (at least m; all n channels where that is
 * reached), so that an NPU which computes output channels in blocks of m wastes none of a block
 * ({@link #forAccelerator}). A layer whose channels are read by nothing but the network's output
 * (the classifier) is never pruned. Every configuration returns a new, immutable
 * {@code ChannelPruning}; {@link #withSchedule} gives a layer a schedule of its own. Pruning works on a copy of the network ({@link #pruneInPlace} on the
 * network itself, for joining another technique's training).
 */
public final class ChannelPruning {
    private final MultiLayerNetwork net;
    private final List<ChannelGroup> groups;
    private final ChannelCriterion criterion;
    private final Set<Integer> excepted;
    private final Set<Integer> only;
    private final int multiple;
    private final Map<Integer, PruningSchedule> overrides;

    private ChannelPruning(MultiLayerNetwork net, List<ChannelGroup> groups, ChannelCriterion criterion,
                           Set<Integer> excepted, Set<Integer> only, int multiple, Map<Integer, PruningSchedule> overrides) {
        this.net = net;
        this.groups = groups;
        this.criterion = criterion;
        this.excepted = Set.copyOf(excepted);
        this.only = Set.copyOf(only);
        this.multiple = multiple;
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /**
     * Channel pruning of {@code net} with the L2 criterion, no channel multiple and every prunable
     * layer chosen. Fails, in the layer registry's format, on a layer channel pruning cannot handle.
     */
    public static ChannelPruning of(MultiLayerNetwork net) {
        if (net == null) {
            throw new IllegalArgumentException("network is null");
        }
        return new ChannelPruning(net, ChannelGroup.of(net), ChannelCriterion.L2, Set.of(), Set.of(), 1, Map.of());
    }

    /** Ranks channels by {@code criterion} instead of the L2 norm. */
    public ChannelPruning withCriterion(ChannelCriterion criterion) {
        if (criterion == null) {
            throw new IllegalArgumentException("criterion is null; use ChannelCriterion.L2, L1 or TAYLOR");
        }
        return new ChannelPruning(net, groups, criterion, excepted, only, multiple, overrides);
    }

    /**
     * Keeps each pruned layer's channel count a multiple of {@code multiple} (1: any count). An
     * NPU computes output channels in blocks; a count just above a multiple costs a whole block.
     */
    public ChannelPruning withChannelMultiple(int multiple) {
        if (multiple < 1) {
            throw new IllegalArgumentException("channel multiple " + multiple + " is below 1; use 1 for any count");
        }
        return new ChannelPruning(net, groups, criterion, excepted, only, multiple, overrides);
    }

    /**
     * Rounds each pruned layer's channel count to the output-channel block of {@code accelerator}
     * (a Vela accelerator configuration such as "ethos-u55-128"; {@link ChannelBlock}): 8 channels
     * on the U55-128 and U85-256. Undo with {@code withChannelMultiple(1)}.
     */
    public ChannelPruning forAccelerator(String accelerator) {
        return withChannelMultiple(ChannelBlock.depth(accelerator));
    }

    /** Leaves the named layers' channels as they are. */
    public ChannelPruning except(String... layerNames) {
        return new ChannelPruning(net, groups, criterion, with(excepted, layerNames), only, multiple, overrides);
    }

    /** Prunes only the named layers' channels. */
    public ChannelPruning only(String... layerNames) {
        return new ChannelPruning(net, groups, criterion, excepted, with(only, layerNames), multiple, overrides);
    }

    /** Prunes the named layer's channels on their own schedule instead of the common one. */
    public ChannelPruning withSchedule(String layerName, PruningSchedule schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException("pruning schedule for '" + layerName + "' is null");
        }
        Map<Integer, PruningSchedule> more = new LinkedHashMap<>(overrides);
        more.put(producerNamed(layerName), schedule);
        return new ChannelPruning(net, groups, criterion, excepted, only, multiple, more);
    }

    public ChannelCriterion criterion() {
        return criterion;
    }

    public int channelMultiple() {
        return multiple;
    }

    /** The layers whose output channels can be pruned ("layer 0 (ConvolutionLayer 'conv1')", ...). */
    public List<String> prunableLayers() {
        return groups.stream().map(g -> g.describe(net)).toList();
    }

    /** Starts pruning a copy of the network on {@code schedule}; a step-0 pruning happens now. */
    public ChannelPrunedModel prune(PruningSchedule schedule) {
        return prune(schedule, net.clone());
    }

    /** As {@link #prune}, on the network itself, for a network another technique is already training. */
    public ChannelPrunedModel pruneInPlace(PruningSchedule schedule) {
        return prune(schedule, net);
    }

    private ChannelPrunedModel prune(PruningSchedule schedule, MultiLayerNetwork target) {
        if (schedule == null) {
            throw new IllegalArgumentException("pruning schedule is null; use e.g. PruningSchedule.constant(0.5)");
        }
        if (!only.isEmpty() && !excepted.isEmpty()) {
            throw new IllegalArgumentException("Use either only(...) or except(...), not both");
        }
        List<ChannelGroup> chosen = groups.stream()
                .filter(g -> only.isEmpty() ? !excepted.contains(g.producer) : only.contains(g.producer)).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("No layer's channels to prune: " + (groups.isEmpty()
                    ? "no convolution or dense layer feeds another weighted layer" : "all of " + prunableLayers()
                    + " are left out"));
        }
        for (int index : overrides.keySet()) {
            if (chosen.stream().noneMatch(g -> g.producer == index)) {
                throw new IllegalArgumentException(LayerRegistry.describe(net, index) + " has its own schedule but is "
                        + "left out of pruning; choose it or drop its schedule");
            }
        }
        Map<ChannelGroup, PruningSchedule> schedules = new LinkedHashMap<>();
        for (ChannelGroup g : chosen) {
            schedules.put(g, overrides.getOrDefault(g.producer, schedule));
        }
        return new ChannelPrunedModel(target, schedules, multiple, criterion);
    }

    /**
     * How many of {@code channels} a layer keeps when {@code share} of them are to go, rounded to
     * a multiple of {@code multiple} as the class comment says.
     */
    static int keptChannels(int channels, double share, int multiple) {
        int kept = (int) Math.max(1, Math.round(channels * (1 - share)));
        if (multiple <= 1 || kept >= channels || channels <= multiple) {
            return Math.min(kept, channels);
        }
        int snapped = Math.max(multiple, (int) Math.round((double) kept / multiple) * multiple);
        return Math.min(snapped, channels);
    }

    private Set<Integer> with(Set<Integer> layers, String... names) {
        Set<Integer> all = new LinkedHashSet<>(layers);
        for (String name : names) {
            all.add(producerNamed(name));
        }
        return all;
    }

    private int producerNamed(String name) {
        List<Integer> matches = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            if (name != null && name.equals(net.getLayerWiseConfigurations().getConf(i).getLayer().getLayerName())) {
                matches.add(i);
            }
        }
        if (matches.size() != 1) {
            throw new IllegalArgumentException(matches.isEmpty() ? "No layer is named '" + name + "'; prunable: " + prunableLayers()
                    : "Layers " + matches + " are all named '" + name + "'");
        }
        int index = matches.get(0);
        if (groups.stream().noneMatch(g -> g.producer == index)) {
            throw new IllegalArgumentException(LayerRegistry.describe(net, index) + " has no output channels to prune "
                    + "(only a convolution, separable convolution or dense layer whose output another weighted layer "
                    + "reads has); prunable: " + prunableLayers());
        }
        return index;
    }
}
