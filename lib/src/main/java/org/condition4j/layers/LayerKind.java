package org.condition4j.layers;

import org.deeplearning4j.nn.conf.layers.Layer;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the registry knows about one DL4J layer class: its weight tensors and, for each
 * {@link Capability}, whether it is supported or why not.
 *
 * @param type     the exact DL4J configuration class (subclasses are other kinds)
 * @param weights  its weight tensors, in the order DL4J lists them; empty for layers without any
 * @param refusals why a capability does not support it; a capability absent here supports it
 */
public record LayerKind(Class<? extends Layer> type, List<WeightParam> weights, Map<Capability, String> refusals) {
    public LayerKind {
        weights = List.copyOf(weights);
        refusals = refusals.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(refusals));
    }

    public String name() {
        return type.getSimpleName();
    }

    public boolean supports(Capability capability) {
        return !refusals.containsKey(capability);
    }

    /** Why {@code capability} does not support this kind, if it does not. */
    public Optional<String> refusal(Capability capability) {
        return Optional.ofNullable(refusals.get(capability));
    }

    /** The weight tensor with parameter key {@code key}, if the layer has one. */
    public Optional<WeightParam> weight(String key) {
        return weights.stream().filter(w -> w.key().equals(key)).findFirst();
    }
}
