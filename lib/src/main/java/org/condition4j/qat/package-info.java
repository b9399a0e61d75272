/**
 * Quantization-aware training: fine-tune a network while it computes with int8-rounded weights
 * and activations, so that it learns to live with the rounding and learns the activation ranges
 * the int8 export needs.
 *
 * <pre>{@code
 * QatModel qat = QuantizationAwareTraining.prepare(baseline);   // a copy; baseline is untouched
 * Training.of(qat.network()).fit(train, test, 1);               // train as usual
 * qat.activationRanges();                                       // learned ranges, by layer
 * TfliteExport.int8(qat.quantizedGraph()).writeTo(file);         // int8 export with those ranges
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.condition4j.qat.QuantizationAwareTraining}: the entry point and what it supports.</li>
 *   <li>{@link org.condition4j.qat.QatModel}: the network being trained, its ranges
 *       ({@link org.condition4j.qat.LearnedRanges}), the hand-off to export.</li>
 *   <li>{@link org.condition4j.qat.WeightFakeQuant}, {@link org.condition4j.qat.FakeQuantActivation},
 *       {@link org.condition4j.qat.FakeQuantSoftmax}, {@link org.condition4j.qat.InputFakeQuant}: the
 *       fake quantizers, plugged into DL4J's weight-noise, activation and dropout hooks so that
 *       they train with any DL4J training loop and are saved with the network.</li>
 *   <li>{@link org.condition4j.qat.MovingAverageRange}: a learned range (moving averages of batch min/max).</li>
 * </ul>
 *
 * Fake quantization rounds a value to the int8 grid and back to float; its gradient is taken as
 * 1 inside the range and 0 where the value was clipped (the straight-through estimator). The
 * rounding uses {@link org.condition4j.quantize.Int8Scheme}, so the weights the network trains
 * with are bit for bit the int8 weights of the exported file.
 *
 * <p>The quantizers keep state in the layer configurations. {@code MultiLayerNetwork.clone()}
 * shares activation functions between the copies, so a clone would share their ranges: copy a
 * quantization-aware network by saving and loading it ({@code ModelStore}).
 */
package org.condition4j.qat;
