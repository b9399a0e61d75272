/**
 * Channel (structured) pruning: {@link org.condition4j.channels.ChannelPruning} ranks the output
 * channels of convolutions and dense layers ({@link org.condition4j.channels.ChannelCriterion}),
 * masks the weakest whole channels during fine-tuning on a {@code prune.PruningSchedule} (with
 * what must go with them: depthwise channels, batch-norm channels, the consumer's inputs through
 * pools and the flatten), and {@link org.condition4j.channels.ChannelPrunedModel#strip()} returns
 * a smaller, ordinary network with those channels cut out.
 */
package org.condition4j.channels;
