package org.condition4j.graph;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A trained network as a chain of inference ops, ready to be written as TFLite: NHWC tensors,
 * batch size 1, batch norm folded, activations fused, dropout gone.
 *
 * <p>Tensor names: the graph input is {@value #INPUT}; every op's output tensor is named after
 * the DL4J layer whose output it is (the layer's name, "layer3" when the network did not name
 * it). After folding, that is the last layer of a group: conv + batch norm + activation layer
 * give one tensor named after the activation layer. Tensors inside a layer get a suffix:
 * {@code <layer>/depthwise} (first half of a separable convolution), {@code <layer>/logits}
 * (before a softmax), {@code <layer>/flatten} (flatten before a dense layer),
 * {@code <layer>/pool} (global pooling before its reshape). These names key activation ranges
 * in the {@code quantize} package and name the tensors of the written .tflite.
 */
public final class InferenceGraph {
    public static final String INPUT = "input";

    private final int[] inputShape;
    private final List<Op> ops;

    InferenceGraph(int[] inputShape, List<Op> ops) {
        this.inputShape = inputShape.clone();
        this.ops = List.copyOf(ops);
        Set<String> names = new HashSet<>();
        names.add(INPUT);
        for (Op op : this.ops) {
            if (!names.add(op.name())) {
                throw new IllegalArgumentException("Two tensors are named '" + op.name() + "'; give the layers "
                        + "distinct names");
            }
        }
    }

    /** The inference graph of a trained network; see the class comment for what is supported. */
    public static InferenceGraph of(MultiLayerNetwork net) {
        return NetworkReader.read(net);
    }

    /** [1, height, width, channels] for images, [1, features] for a flat input. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    public int[] outputShape() {
        return ops.get(ops.size() - 1).outputShape();
    }

    /** Number of values in one input. */
    public int inputSize() {
        return size(inputShape);
    }

    public List<Op> ops() {
        return ops;
    }

    public Op op(int index) {
        return ops.get(index);
    }

    /** Index of the op whose output tensor is named {@code tensor}. */
    public int opIndex(String tensor) {
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).name().equals(tensor)) {
                return i;
            }
        }
        throw new IllegalArgumentException("No op produces a tensor named '" + tensor + "'; tensors: " + tensorNames());
    }

    /** {@value #INPUT} followed by every op's output, in execution order. */
    public List<String> tensorNames() {
        List<String> names = new ArrayList<>();
        names.add(INPUT);
        ops.forEach(op -> names.add(op.name()));
        return names;
    }

    /** Name of the tensor holding the output of DL4J layer {@code layerIndex}. */
    public String tensorOfLayer(int layerIndex) {
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (ops.get(i).layer() == layerIndex) {
                return ops.get(i).name();
            }
        }
        throw new IllegalArgumentException("Layer " + layerIndex + " has no tensor of its own in this graph "
                + "(it was folded into another op or removed); layers with tensors: "
                + ops.stream().filter(o -> o.layer() >= 0).map(o -> o.layer() + "=" + o.name()).toList());
    }

    /**
     * The graph of the first {@code opCount} ops, whose output is the tensor of op
     * {@code opCount - 1}. Used to look at (and test) intermediate tensors.
     */
    public InferenceGraph prefix(int opCount) {
        if (opCount < 1 || opCount > ops.size()) {
            throw new IllegalArgumentException("opCount " + opCount + " is outside 1.." + ops.size());
        }
        return new InferenceGraph(inputShape, ops.subList(0, opCount));
    }

    /**
     * Converts DL4J features (one row per example, flat or [n, channels, height, width], channel
     * major) to the graph's NHWC inputs, one array per example.
     */
    public float[][] inputs(INDArray features) {
        long[] shape = features.shape();
        long n = shape.length == 0 ? 0 : shape[0];
        long perExample = shape.length < 2 ? -1 : features.length() / Math.max(1, n);
        if (shape.length < 2 || perExample != inputSize()
                || (shape.length == 4 && inputShape.length == 4 && shape[1] != inputShape[3])) {
            throw new IllegalArgumentException("Features of shape " + Arrays.toString(shape)
                    + " do not fit the network's input: expected " + expectedFeatures());
        }
        if (n == 0) {
            return new float[0][];
        }
        float[][] rows = features.castTo(DataType.FLOAT).reshape('c', n, perExample).toFloatMatrix();
        for (int i = 0; i < rows.length; i++) {
            rows[i] = toInput(rows[i]);
        }
        return rows;
    }

    /** One example's DL4J features (channel-major) in the graph's NHWC order. */
    public float[] toInput(float[] features) {
        if (features.length != inputSize()) {
            throw new IllegalArgumentException("An example has " + features.length + " values; expected "
                    + expectedFeatures());
        }
        return toNhwc(features, inputShape);
    }

    /**
     * One example's DL4J features (channel-major: channel, row, column) in NHWC order for an
     * input of {@code shape} ([1, h, w, c]; any other shape is returned as it is).
     */
    public static float[] toNhwc(float[] features, int[] shape) {
        if (shape.length != 4 || shape[3] == 1) {
            return features;
        }
        int pixels = shape[1] * shape[2];
        int c = shape[3];
        float[] nhwc = new float[features.length];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < pixels; p++) {
                nhwc[p * c + ch] = features[ch * pixels + p];
            }
        }
        return nhwc;
    }

    /** What features must look like, for error messages. */
    public String expectedFeatures() {
        if (inputShape.length == 4) {
            return "[n, " + inputSize() + "] (flat " + inputShape[1] + "x" + inputShape[2] + "x" + inputShape[3]
                    + " images) or [n, " + inputShape[3] + ", " + inputShape[1] + ", " + inputShape[2] + "]";
        }
        return "[n, " + inputSize() + "]";
    }

    /** The graph's output for one NHWC input, computed in float. */
    public float[] run(float[] input) {
        return FloatInference.of(this).run(input);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Inference graph, input " + Arrays.toString(inputShape) + "\n");
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            text.append(i).append(' ').append(op.name()).append(' ').append(op.getClass().getSimpleName()).append(' ')
                    .append(Arrays.toString(op.outputShape())).append(' ').append(op.describe()).append('\n');
        }
        return text.toString();
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
