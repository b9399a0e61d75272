package org.condition4j.channels;

/**
 * How channels are ranked; at each pruning step the lowest-ranked channels of a group go (ties
 * to the lower index). A removed channel's weights are zero, so it ranks lowest under each
 * criterion and stays removed while the schedule's share does not fall.
 */
public enum ChannelCriterion {
    /**
     * The L2 norm of every kernel weight that belongs to the channel: the producer's filter (for
     * a dense layer, its weight column) and, where a depthwise layer follows, the channel's
     * depthwise filters. Biases and batch-norm parameters do not count. Cheap and needs no data;
     * after batch normalization a filter's norm says little (the normalization rescales it), so
     * prefer {@link #TAYLOR} there.
     */
    L2,
    /** As {@link #L2}, with the L1 norm (sum of magnitudes). */
    L1,
    /**
     * First-order Taylor estimate of the change in loss if the channel were zeroed (Molchanov et
     * al., "Pruning convolutional neural networks for resource efficient inference", 2017): for
     * each training step, |sum of w * dL/dw| over the consuming layer's weights that read the
     * channel, which equals |sum over the batch and positions of a * dL/da| for the channel's
     * activation a as the consumer sees it; summed over the steps since the previous pruning step
     * (the ranking of their mean). Gathered from the gradients during fine-tuning, so the first pruning step that removes
     * channels must come after at least one training step.
     */
    TAYLOR
}
