package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer's own activation (ReLU, ReLU6 or identity) followed by int8 fake quantization of its
 * output: the same tensor the exported graph holds in int8, since TFLite fuses the activation
 * into the convolution or dense op and quantizes only after it.
 *
 * <p>Forward: {@code q(f(z))}, where {@code f} is the wrapped activation and {@code q} rounds to
 * the grid of the learned {@link MovingAverageRange} and clips to it; in a training step the
 * range first takes in the batch's min/max of {@code f(z)}. Before any training step there is
 * no range and the output is left in float. Backward (straight-through estimator): the rounding
 * counts as identity, so the gradient is {@code f'(z)} where {@code f(z)} lies inside the range
 * and 0 where it was clipped.
 */
public final class FakeQuantActivation extends BaseActivationFunction {
    private IActivation wrapped = new ActivationIdentity();
    private MovingAverageRange range = new MovingAverageRange();

    /** For deserialization. */
    public FakeQuantActivation() {}

    public FakeQuantActivation(IActivation wrapped, MovingAverageRange range) {
        this.wrapped = wrapped;
        this.range = range;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray out = wrapped.getActivation(in, training);
        if (training && range.takeExpectedBatch()) {
            FakeQuant.observe(range, out);
        }
        return range.hasRange() ? FakeQuant.fakeQuantizeInPlace(out, range.params()) : out;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        if (range.hasRange()) {
            INDArray beforeQuantization = wrapped.getActivation(in.dup(), true);
            epsilon.muli(FakeQuant.insideMask(beforeQuantization, range.params()));
        }
        return wrapped.backprop(in, epsilon);
    }

    /** The learned grid of this activation's output. */
    Int8Scheme.ActivationParams params() {
        return range.params();
    }

    /** The activation that is fake-quantized (ReLU, ReLU6 or identity). */
    public IActivation getWrapped() {
        return wrapped;
    }

    public void setWrapped(IActivation wrapped) {
        this.wrapped = wrapped;
    }

    public MovingAverageRange getRange() {
        return range;
    }

    public void setRange(MovingAverageRange range) {
        this.range = range;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FakeQuantActivation a && a.wrapped.equals(wrapped) && a.range.equals(range);
    }

    @Override
    public int hashCode() {
        return wrapped.hashCode() * 31 + range.hashCode();
    }

    @Override
    public String toString() {
        return "fake-quantized " + wrapped + " " + range;
    }
}
