package org.condition4j.npu;

import java.util.Locale;
import java.util.Map;

/**
 * How many output channels an Ethos-U computes in one go for an int8 convolution: the depth of
 * its output micro-block. Cycles climb in steps of this many channels (a staircase), so a channel
 * count just above a multiple pays for a whole block, and one just below it saves nothing.
 *
 * <p>From Vela 5.2.0's sources: for the U55 and U65, {@code ArchitectureFeatures.accelerator_configs}
 * in {@code ethosu/vela/architecture_features.py} (lines 221-240 of the installed package), the
 * depth of each configuration's {@code ofm_ublock}: {@code Block(2, 1, 8)} for ethos-u55-128 (line 232), 8 for
 * every configuration but ethos-u55-32 ({@code Block(1, 1, 4)}). For the U85, Vela compiles with
 * its C++ back end (regor, shipped compiled); its table {@code s_EthosU85Configs} in
 * {@code ethosu/regor/architecture/ethosu85/ethos_u85.cpp} lists each configuration's output
 * micro-blocks, of which 8-bit convolutions may use those of depth 8 on the 128- and 256-MAC
 * configurations (1x2x8, 2x2x8, 1x4x8; the 16-deep ones are for depthwise, pooling and 1x1 kernels)
 * and of depth 16 or more on the larger ones. Measured with Vela for conv2 of the seed CNN at 1 to
 * 64 output channels ({@code ChannelStaircaseBenchmarkTest}): on ethos-u55-128 and ethos-u85-256
 * the cycles are flat over 9-16, 17-24, 25-32, ... channels and step up after each multiple of 8
 * ({@code ChannelBlockAgainstVelaTest} checks one step on each).
 */
public final class ChannelBlock {
    private static final Map<String, Integer> DEPTH = Map.ofEntries(
            Map.entry("ethos-u55-32", 4),
            Map.entry("ethos-u55-64", 8),
            Map.entry("ethos-u55-128", 8),
            Map.entry("ethos-u55-256", 8),
            Map.entry("ethos-u65-256", 8),
            Map.entry("ethos-u65-512", 8),
            Map.entry("ethos-u85-128", 8),
            Map.entry("ethos-u85-256", 8),
            Map.entry("ethos-u85-512", 16),
            Map.entry("ethos-u85-1024", 16),
            Map.entry("ethos-u85-2048", 16));

    private ChannelBlock() {}

    /** The output-channel block depth of Vela accelerator configuration {@code accelerator}, e.g. "ethos-u55-128". */
    public static int depth(String accelerator) {
        Integer depth = accelerator == null ? null : DEPTH.get(accelerator.toLowerCase(Locale.ROOT));
        if (depth == null) {
            throw new IllegalArgumentException("'" + accelerator + "' is not a Vela accelerator configuration; expected "
                    + "one of " + new java.util.TreeSet<>(DEPTH.keySet()));
        }
        return depth;
    }
}
