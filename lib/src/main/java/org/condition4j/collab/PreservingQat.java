package org.condition4j.collab;

import org.condition4j.cluster.ClusteredModel;
import org.condition4j.cluster.Clustering;
import org.condition4j.cluster.ClusteringConfig;
import org.condition4j.model.Training;
import org.condition4j.prune.PrunedModel;
import org.condition4j.prune.Pruning;
import org.condition4j.qat.MovingAverageRange;
import org.condition4j.qat.QatModel;
import org.condition4j.qat.QuantizationAwareTraining;
import org.condition4j.quantize.QuantizedGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;

import java.util.List;
import java.util.Objects;

/**
 * Quantization-aware training that keeps what pruning and clustering made: plain QAT would move
 * every weight on its own and undo both (the zeros grow back, the shared values split). The
 * quantization-aware copy of the network is trained with the listeners of the techniques it
 * must preserve, working on that copy in place:
 * <ul>
 *   <li>{@link Keep#ZEROS} (PQAT): {@link Pruning#keepZerosInPlace} holds every zero;</li>
 *   <li>{@link Keep#CLUSTERS} (CQAT): {@link Clustering#keepInPlace} holds every weight on its
 *       cluster and trains the centroids;</li>
 *   <li>{@link Keep#ZEROS_AND_CLUSTERS} (PCQAT): the same with sparsity-preserving clusters,
 *       whose fixed zero centroid holds the zeros.</li>
 * </ul>
 * Assignments are fixed (no weight changes cluster), as in TensorFlow's collaborative
 * optimization. The weights the network holds are always zeros and centroids, so the weight
 * fake quantization, and after it the int8 export, sees exactly those: every zero stays an int8
 * zero. With clusters, training and export use one weight scale per tensor (as notebook 04's
 * clustered export does), so a layer's K centroids become at most K int8 values in the whole
 * layer; PQAT keeps the usual per-channel scales of convolutions.
 *
 * <pre>{@code
 * PreservingQat pcqat = PreservingQat.prepare(prunedClustered, Keep.ZEROS_AND_CLUSTERS, ClusteringConfig.of(16, CentroidInit.LINEAR));
 * pcqat.training().fit(train, test, 1);
 * TfliteExport.int8(pcqat.quantizedGraph()).writeTo(file);
 * }</pre>
 */
public final class PreservingQat {
    /** What quantization-aware training keeps. */
    public enum Keep {
        ZEROS("PQAT"), CLUSTERS("CQAT"), ZEROS_AND_CLUSTERS("PCQAT");

        private final String shortName;

        Keep(String shortName) {
            this.shortName = shortName;
        }

        /** PQAT, CQAT or PCQAT. */
        public String shortName() {
            return shortName;
        }
    }

    private final QatModel qat;
    private final Keep keep;
    private final List<TrainingListener> listeners;

    private PreservingQat(QatModel qat, Keep keep, List<TrainingListener> listeners) {
        this.qat = qat;
        this.keep = keep;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * A quantization-aware copy of {@code net} ({@code net} is untouched) that keeps its zeros,
     * its clusters or both. {@code clusters} says how {@code net} was clustered (K, per layer or
     * per channel, which layers); it is ignored for {@link Keep#ZEROS} and may then be null.
     *
     * @throws IllegalArgumentException if {@code net} has no zeros to keep, or holds more distinct
     *                                  values in a layer (or channel) than {@code clusters} allows
     */
    public static PreservingQat prepare(MultiLayerNetwork net, Keep keep, ClusteringConfig clusters) {
        Objects.requireNonNull(keep, "keep");
        if (keep != Keep.ZEROS && clusters == null) {
            throw new IllegalArgumentException(keep.shortName() + " keeps clusters: give the ClusteringConfig the "
                    + "network was clustered with (its K, per layer or per channel)");
        }
        // clustered weights get one scale per tensor, so that a layer's K centroids stay K int8 values
        QatModel qat = QuantizationAwareTraining.prepare(net, MovingAverageRange.DEFAULT_DECAY, keep != Keep.ZEROS);
        MultiLayerNetwork network = qat.network();
        List<TrainingListener> listeners = switch (keep) {
            case ZEROS -> {
                PrunedModel zeros = Pruning.keepZerosInPlace(network);
                yield zeros.listeners();
            }
            case CLUSTERS -> Clustering.keepInPlace(network, clusters.withFixedAssignments()).listeners();
            case ZEROS_AND_CLUSTERS -> {
                ClusteredModel kept = Clustering.keepInPlace(network,
                        clusters.withSparsityPreserved().withFixedAssignments());
                yield kept.listeners();
            }
        };
        return new PreservingQat(qat, keep, listeners);
    }

    /** The quantization-aware network to train; it holds only zeros and centroids. */
    public MultiLayerNetwork network() {
        return qat.network();
    }

    /** The listeners that keep zeros and clusters; pass them to {@link Training}. */
    public List<TrainingListener> listeners() {
        return listeners;
    }

    /** {@code Training.of(network()).withListeners(listeners())}. */
    public Training training() {
        return Training.of(network()).withListeners(listeners);
    }

    public Keep keep() {
        return keep;
    }

    /** The quantization-aware model itself (learned ranges, table). */
    public QatModel qat() {
        return qat;
    }

    /** The plain float network, without fake quantization or listeners. */
    public MultiLayerNetwork strip() {
        return qat.strip();
    }

    /** The int8 graph with the learned ranges, for {@code TfliteExport.int8(...)}. */
    public QuantizedGraph quantizedGraph() {
        return qat.quantizedGraph();
    }

    @Override
    public String toString() {
        return keep.shortName() + " (quantization-aware training keeping "
                + keep.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
    }
}
