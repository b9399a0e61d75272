package org.condition4j.prune;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Magnitude pruning of a Deeplearning4j network: during training, the weights of smallest
 * magnitude are set to zero, step by step, until each pruned layer reaches the schedule's
 * sparsity. Zeros cost nothing to store once the file is compressed, and an NPU compiler
 * can skip them.
 *
 * <pre>{@code
 * PrunedModel pruned = Pruning.lowMagnitude(net, PruningSchedule.constant(0.75, 0, 100));
 * PrunedModel pruned = Pruning.of(net).except("conv1").lowMagnitude(PruningSchedule.constant(0.75));
 * }</pre>
 *
 * By default every prunable layer is pruned (convolutions of all kinds, dense and output
 * layers; their kernels only). {@link #except}, {@link #only} and {@link #withSchedule} choose
 * otherwise; they take layer indices or names, and naming a layer that has no prunable weights
 * is an error. The original network is left untouched: pruning works on a copy.
 */
public final class Pruning {
    private final MultiLayerNetwork net;
    private final Set<Integer> excepted = new LinkedHashSet<>();
    private final Set<Integer> only = new LinkedHashSet<>();
    private final Map<Integer, PruningSchedule> overrides = new LinkedHashMap<>();

    private Pruning(MultiLayerNetwork net) {
        this.net = net;
    }

    /** Pruning of {@code net}, to be configured and then started with {@link #lowMagnitude}. */
    public static Pruning of(MultiLayerNetwork net) {
        if (net == null) {
            throw new IllegalArgumentException("network is null");
        }
        return new Pruning(net);
    }

    /** Prunes every prunable layer of (a copy of) {@code net} by magnitude on {@code schedule}. */
    public static PrunedModel lowMagnitude(MultiLayerNetwork net, PruningSchedule schedule) {
        return of(net).lowMagnitude(schedule);
    }

    /** Leaves the named layers dense. */
    public Pruning except(String... layerNames) {
        for (String name : layerNames) {
            excepted.add(prunableIndex(name));
        }
        return this;
    }

    /** Leaves the layers at these indices dense. */
    public Pruning except(int... layerIndices) {
        for (int index : layerIndices) {
            excepted.add(requirePrunable(index));
        }
        return this;
    }

    /** Prunes only the named layers. */
    public Pruning only(String... layerNames) {
        for (String name : layerNames) {
            only.add(prunableIndex(name));
        }
        return this;
    }

    /** Prunes only the layers at these indices. */
    public Pruning only(int... layerIndices) {
        for (int index : layerIndices) {
            only.add(requirePrunable(index));
        }
        return this;
    }

    /** Prunes the named layer on its own schedule instead of the common one. */
    public Pruning withSchedule(String layerName, PruningSchedule schedule) {
        overrides.put(prunableIndex(layerName), requireSchedule(schedule));
        return this;
    }

    /** Prunes the layer at {@code layerIndex} on its own schedule instead of the common one. */
    public Pruning withSchedule(int layerIndex, PruningSchedule schedule) {
        overrides.put(requirePrunable(layerIndex), requireSchedule(schedule));
        return this;
    }

    /**
     * Starts pruning a copy of the network: the chosen layers follow {@code schedule} (or their own
     * schedule), the rest stay as they are. If the schedule prunes at step 0, the copy is pruned now.
     */
    public PrunedModel lowMagnitude(PruningSchedule schedule) {
        requireSchedule(schedule);
        Set<Integer> selected = selectedLayers();
        for (int index : overrides.keySet()) {
            if (!selected.contains(index)) {
                throw new IllegalArgumentException("Layer " + describe(index) + " has its own schedule but is "
                        + (excepted.contains(index) ? "excepted from" : "not among the layers chosen for")
                        + " pruning; choose it or drop its schedule");
            }
        }
        MultiLayerNetwork copy = net.clone();
        Map<PrunableWeight, PruningSchedule> schedules = new LinkedHashMap<>();
        for (int index : selected) {
            for (PrunableWeight weight : PrunableWeight.ofLayer(copy, index)) {
                schedules.put(weight, overrides.getOrDefault(index, schedule));
            }
        }
        return new PrunedModel(copy, schedules);
    }

    private Set<Integer> selectedLayers() {
        if (!only.isEmpty() && !excepted.isEmpty()) {
            throw new IllegalArgumentException("Use either only(...) or except(...), not both");
        }
        Set<Integer> selected = new LinkedHashSet<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            boolean chosen = only.isEmpty() ? !excepted.contains(i) : only.contains(i);
            if (chosen && PrunableWeight.isPrunable(PrunableWeight.layerConf(net, i))) {
                selected.add(i);
            }
        }
        return selected;
    }

    private int prunableIndex(String name) {
        List<Integer> matches = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            if (name != null && name.equals(PrunableWeight.layerConf(net, i).getLayerName())) {
                matches.add(i);
            }
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("No layer is named '" + name + "'; the layers are " + allLayers());
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("Layers " + matches + " are all named '" + name
                    + "'; choose them by index instead");
        }
        return requirePrunable(matches.get(0));
    }

    private int requirePrunable(int index) {
        if (index < 0 || index >= net.getnLayers()) {
            throw new IllegalArgumentException("Layer index " + index + " is outside 0.." + (net.getnLayers() - 1)
                    + "; the layers are " + allLayers());
        }
        if (!PrunableWeight.isPrunable(PrunableWeight.layerConf(net, index))) {
            throw new IllegalArgumentException("Layer " + describe(index) + " has no weights to prune; "
                    + "prunable layers are convolutions, dense and output layers: " + prunableLayers());
        }
        return index;
    }

    private static PruningSchedule requireSchedule(PruningSchedule schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException("pruning schedule is null; use e.g. PruningSchedule.constant(0.75)");
        }
        return schedule;
    }

    /** "2 'pool1' (SubsamplingLayer)". */
    private String describe(int index) {
        Layer conf = PrunableWeight.layerConf(net, index);
        return index + " '" + conf.getLayerName() + "' (" + PrunableWeight.typeOf(conf) + ")";
    }

    private String allLayers() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            all.add(describe(i));
        }
        return String.join(", ", all);
    }

    private String prunableLayers() {
        List<String> prunable = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            if (PrunableWeight.isPrunable(PrunableWeight.layerConf(net, i))) {
                prunable.add(describe(i));
            }
        }
        return prunable.isEmpty() ? "none" : String.join(", ", prunable);
    }
}
