package org.condition4j.prune;

import org.condition4j.layers.Capability;
import org.condition4j.layers.LayerRegistry;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.Collections;
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
 * is an error. Each of them returns a new, immutable {@code Pruning}. The original network is left
 * untouched: pruning works on a copy ({@link #lowMagnitudeInPlace} prunes the network itself).
 */
public final class Pruning {
    private final MultiLayerNetwork net;
    private final Set<Integer> excepted;
    private final Set<Integer> only;
    private final Map<Integer, PruningSchedule> overrides;

    private Pruning(MultiLayerNetwork net, Set<Integer> excepted, Set<Integer> only,
                    Map<Integer, PruningSchedule> overrides) {
        this.net = net;
        this.excepted = Collections.unmodifiableSet(new LinkedHashSet<>(excepted));
        this.only = Collections.unmodifiableSet(new LinkedHashSet<>(only));
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /** Pruning of {@code net}, to be configured and then started with {@link #lowMagnitude}. */
    public static Pruning of(MultiLayerNetwork net) {
        if (net == null) {
            throw new IllegalArgumentException("network is null");
        }
        LayerRegistry.requireAll(net, Capability.PRUNING);
        return new Pruning(net, Set.of(), Set.of(), Map.of());
    }

    /** Prunes every prunable layer of (a copy of) {@code net} by magnitude on {@code schedule}. */
    public static PrunedModel lowMagnitude(MultiLayerNetwork net, PruningSchedule schedule) {
        return of(net).lowMagnitude(schedule);
    }

    /**
     * Holds the zeros {@code net} has now, on the network itself: for a pruned and stripped
     * network that another technique (e.g. quantization-aware training) fine-tunes. Every
     * prunable kernel that holds zeros is masked once, at step 0, at exactly its own sparsity,
     * so its mask is its zeros (zeros are pruned first); the listeners then keep those weights and
     * their gradients at zero, and the mask never changes. Kernels without zeros stay untouched.
     */
    public static PrunedModel keepZerosInPlace(MultiLayerNetwork net) {
        of(net);
        Map<PrunableWeight, PruningSchedule> schedules = new LinkedHashMap<>();
        for (PrunableWeight weight : PrunableWeight.of(net)) {
            float[] values = weight.values(net).dup().data().asFloat();
            int zeros = 0;
            for (float v : values) {
                zeros += v == 0 ? 1 : 0;
            }
            if (zeros > 0 && zeros < values.length) {
                schedules.put(weight, new ConstantSparsity((double) zeros / values.length, 0, 0, 1));
            }
        }
        if (schedules.isEmpty()) {
            throw new IllegalArgumentException("The network holds no zeros in its prunable kernels: there is no "
                    + "pruning to keep; prune it first (Pruning.lowMagnitude) and train it with its listeners");
        }
        return new PrunedModel(net, schedules);
    }

    /** Leaves the named layers dense. */
    public Pruning except(String... layerNames) {
        return except(prunableIndices(layerNames));
    }

    /** Leaves the layers at these indices dense. */
    public Pruning except(int... layerIndices) {
        return new Pruning(net, withPrunable(excepted, layerIndices), only, overrides);
    }

    /** Prunes only the named layers. */
    public Pruning only(String... layerNames) {
        return only(prunableIndices(layerNames));
    }

    /** Prunes only the layers at these indices. */
    public Pruning only(int... layerIndices) {
        return new Pruning(net, excepted, withPrunable(only, layerIndices), overrides);
    }

    /** Prunes the named layer on its own schedule instead of the common one. */
    public Pruning withSchedule(String layerName, PruningSchedule schedule) {
        return withSchedule(prunableIndex(layerName), schedule);
    }

    /** Prunes the layer at {@code layerIndex} on its own schedule instead of the common one. */
    public Pruning withSchedule(int layerIndex, PruningSchedule schedule) {
        Map<Integer, PruningSchedule> more = new LinkedHashMap<>(overrides);
        more.put(requirePrunable(layerIndex), requireSchedule(schedule));
        return new Pruning(net, excepted, only, more);
    }

    /**
     * Starts pruning a copy of the network: the chosen layers follow {@code schedule} (or their own
     * schedule), the rest stay as they are. If the schedule prunes at step 0, the copy is pruned now.
     */
    public PrunedModel lowMagnitude(PruningSchedule schedule) {
        return lowMagnitude(schedule, net.clone());
    }

    /**
     * As {@link #lowMagnitude(PruningSchedule)}, but prunes the network itself instead of a copy:
     * for a network that another technique (e.g. clustering) is already fine-tuning, so that both
     * techniques' listeners train it together.
     */
    public PrunedModel lowMagnitudeInPlace(PruningSchedule schedule) {
        return lowMagnitude(schedule, net);
    }

    private PrunedModel lowMagnitude(PruningSchedule schedule, MultiLayerNetwork target) {
        requireSchedule(schedule);
        Set<Integer> selected = selectedLayers();
        for (int index : overrides.keySet()) {
            if (!selected.contains(index)) {
                throw new IllegalArgumentException(describe(index) + " has its own schedule but is "
                        + (excepted.contains(index) ? "excepted from" : "not among the layers chosen for")
                        + " pruning; choose it or drop its schedule");
            }
        }
        Map<PrunableWeight, PruningSchedule> schedules = new LinkedHashMap<>();
        for (int index : selected) {
            for (PrunableWeight weight : PrunableWeight.ofLayer(target, index)) {
                schedules.put(weight, overrides.getOrDefault(index, schedule));
            }
        }
        return new PrunedModel(target, schedules);
    }

    private Set<Integer> selectedLayers() {
        if (!only.isEmpty() && !excepted.isEmpty()) {
            throw new IllegalArgumentException("Use either only(...) or except(...), not both");
        }
        Set<Integer> selected = new LinkedHashSet<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            boolean chosen = only.isEmpty() ? !excepted.contains(i) : only.contains(i);
            if (chosen && PrunableWeight.isPrunable(net, i)) {
                selected.add(i);
            }
        }
        return selected;
    }

    /** {@code layers} and {@code more}, each checked to be a prunable layer. */
    private Set<Integer> withPrunable(Set<Integer> layers, int... more) {
        Set<Integer> all = new LinkedHashSet<>(layers);
        for (int index : more) {
            all.add(requirePrunable(index));
        }
        return all;
    }

    private int[] prunableIndices(String... names) {
        int[] indices = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            indices[i] = prunableIndex(names[i]);
        }
        return indices;
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
        if (!PrunableWeight.isPrunable(net, index)) {
            throw new IllegalArgumentException(describe(index) + " has no weights to prune; "
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

    private String describe(int index) {
        return LayerRegistry.describe(net, index);
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
            if (PrunableWeight.isPrunable(net, i)) {
                prunable.add(describe(i));
            }
        }
        return prunable.isEmpty() ? "none" : String.join(", ", prunable);
    }
}
