package org.condition4j.channels;

/**
 * The part of one parameter array that belongs to each channel of a {@link ChannelGroup}: along
 * {@code axis}, channel c owns the coordinates {@code indices[c]} (one coordinate for a
 * convolution's filter, {@code m} for a depthwise layer with multiplier m, {@code H * W} for the
 * inputs of a dense layer reading a flattened feature map).
 *
 * @param layer   layer index in the network
 * @param param   DL4J parameter key ("W", "pW", "b", "gamma", ...)
 * @param axis    axis of the parameter array the indices run along
 * @param indices per channel of the group, the coordinates along {@code axis} it owns
 * @param role    whose part it is (see {@link Role})
 */
record ChannelSlice(int layer, String param, int axis, int[][] indices, Role role) {

    enum Role {
        /** A weight or bias of the channel itself (the producer's filter, a coupled depthwise filter, batch norm's scale). */
        OWN,
        /** Batch norm's running statistics: sliced out with the channel, never trained, so never masked. */
        STATISTICS,
        /** The consuming layer's weights that read the channel. */
        INPUT
    }

    /** Whether training holds this part at zero once its channel is removed. */
    boolean masked() {
        return role != Role.STATISTICS;
    }

    /** Whether it is a kernel (the weights a norm criterion ranks by), not a bias or batch-norm parameter. */
    boolean kernel() {
        return role == Role.OWN && (param.equals("W") || param.equals("pW"));
    }

    /** The gradient key DL4J uses for this parameter: "3_W". */
    String key() {
        return layer + "_" + param;
    }
}
