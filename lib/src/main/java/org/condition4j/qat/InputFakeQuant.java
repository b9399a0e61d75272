package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fake quantization of the network input during training, with a learned range: the exported
 * model's float input goes through a QUANTIZE op onto this grid.
 *
 * <p>It sits in the first layer's dropout slot because that is the hook DL4J calls exactly once
 * per training step on a layer's input (and whose backward pass it routes through). DL4J
 * applies it only in training, so at inference the network sees its input unchanged; for
 * inputs that already lie on the grid, such as MNIST pixels k/255 with the range [0, 1], the two
 * are identical.
 */
public final class InputFakeQuant implements IDropout {
    private MovingAverageRange range = new MovingAverageRange();
    private transient INDArray insideMask;

    /** For deserialization. */
    public InputFakeQuant() {}

    public InputFakeQuant(MovingAverageRange range) {
        this.range = range;
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch,
                                 LayerWorkspaceMgr workspaceMgr) {
        FakeQuant.observe(range, input);
        Int8Scheme.ActivationParams params = range.params();
        insideMask = workspaceMgr.dup(ArrayType.INPUT, FakeQuant.insideMask(input, params));
        result.assign(input);
        return FakeQuant.fakeQuantizeInPlace(result, params);
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        gradAtInput.assign(gradAtOutput);
        if (insideMask != null) {
            gradAtInput.muli(insideMask);
        }
        return gradAtInput;
    }

    @Override
    public void clear() {
        insideMask = null;
    }

    @Override
    public InputFakeQuant clone() {
        return new InputFakeQuant(range.copy());
    }

    public MovingAverageRange getRange() {
        return range;
    }

    public void setRange(MovingAverageRange range) {
        this.range = range;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputFakeQuant q && q.range.equals(range);
    }

    @Override
    public int hashCode() {
        return range.hashCode();
    }

    @Override
    public String toString() {
        return "fake-quantized input " + range;
    }
}
