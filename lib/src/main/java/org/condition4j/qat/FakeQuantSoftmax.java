package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Softmax of fake-quantized logits, for a classifier's output layer. In the int8 graph the
 * fully connected op writes int8 logits and SOFTMAX maps them to its fixed output grid
 * (scale 1/256, zero point -128), so the tensor with a learned range is the softmax's input,
 * not its output: {@code softmax(q(z))}. The probabilities themselves stay in float here.
 *
 * <p>It is a subclass of {@link ActivationSoftmax} on purpose: DL4J's cross-entropy loss then
 * keeps its numerically stable gradient {@code softmax(q(z)) - labels} with respect to the
 * logits. That is the straight-through estimator without the clipping mask; {@link #backprop}
 * (used by other losses) applies the mask as well.
 */
public final class FakeQuantSoftmax extends ActivationSoftmax {
    private MovingAverageRange range = new MovingAverageRange();

    /** For deserialization. */
    public FakeQuantSoftmax() {}

    public FakeQuantSoftmax(MovingAverageRange range) {
        this.range = range;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        if (training && range.takeExpectedBatch()) {
            FakeQuant.observe(range, in);
        }
        if (range.hasRange()) {
            FakeQuant.fakeQuantizeInPlace(in, range.params());
        }
        return super.getActivation(in, training);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        if (!range.hasRange()) {
            return super.backprop(in, epsilon);
        }
        Int8Scheme.ActivationParams params = range.params();
        INDArray mask = FakeQuant.insideMask(in, params);
        Pair<INDArray, INDArray> gradient = super.backprop(FakeQuant.fakeQuantizeInPlace(in.dup(), params), epsilon);
        gradient.getFirst().muli(mask);
        return gradient;
    }

    /** The learned grid of the logits. */
    Int8Scheme.ActivationParams params() {
        return range.params();
    }

    public MovingAverageRange getRange() {
        return range;
    }

    public void setRange(MovingAverageRange range) {
        this.range = range;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FakeQuantSoftmax s && s.range.equals(range);
    }

    @Override
    public int hashCode() {
        return range.hashCode();
    }

    @Override
    public String toString() {
        return "softmax of fake-quantized logits " + range;
    }
}
