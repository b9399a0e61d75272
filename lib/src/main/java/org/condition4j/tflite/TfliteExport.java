package org.condition4j.tflite;

import org.condition4j.graph.Conv2D;
import org.condition4j.graph.DepthwiseConv2D;
import org.condition4j.graph.FullyConnected;
import org.condition4j.graph.FusedActivation;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.Padding;
import org.condition4j.graph.Pool2D;
import org.condition4j.graph.Reshape;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.WeightedOp;
import org.condition4j.graph.Window;
import org.condition4j.io.AtomicFiles;
import org.condition4j.quantize.Int8Scheme.ActivationParams;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.quantize.QuantizedWeights;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.DequantizeOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.QuantizeOptionsT;
import org.tensorflow.lite.schema.ReshapeOptionsT;
import org.tensorflow.lite.schema.SoftmaxOptionsT;
import org.tensorflow.lite.schema.TensorType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an {@link InferenceGraph} as a float32 .tflite, or a {@link QuantizedGraph} as a fully
 * int8 .tflite following the TFLite int8 specification (per-channel int8 weights, int32 biases,
 * int8 activations). The int8 model takes and returns int8 tensors, as Ethos-U deployments do;
 * {@link #withFloatInputOutput()} adds a QUANTIZE at the input and a DEQUANTIZE at the output.
 *
 * <pre>{@code
 * TfliteExport.float32(graph).writeTo(dir.resolve("float_model.tflite"));
 * TfliteExport.int8(quantized).writeTo(dir.resolve("post_training_quant_model.tflite"));
 * }</pre>
 */
public final class TfliteExport {
    // Op versions as the TFLite converter assigns them; all accepted by the 2.6 interpreter.
    private static final int FLOAT_VERSION = 1;
    private static final int CONV_INT8 = 3;
    private static final int DEPTHWISE_INT8 = 3;
    private static final int FULLY_CONNECTED_INT8 = 4;
    private static final int POOL_INT8 = 2;
    private static final int SOFTMAX_INT8 = 2;
    private static final int RESHAPE = 1;
    private static final int QUANTIZE = 2;
    private static final int DEQUANTIZE = 2;

    private final InferenceGraph graph;
    private final QuantizedGraph quantized;
    private final boolean floatInputOutput;

    private TfliteExport(InferenceGraph graph, QuantizedGraph quantized, boolean floatInputOutput) {
        this.graph = graph;
        this.quantized = quantized;
        this.floatInputOutput = floatInputOutput;
    }

    /** A float32 model: float weights, float activations. */
    public static TfliteExport float32(InferenceGraph graph) {
        return new TfliteExport(graph, null, true);
    }

    /** A fully int8 model with int8 input and output. */
    public static TfliteExport int8(QuantizedGraph quantized) {
        return new TfliteExport(quantized.graph(), quantized, false);
    }

    /** The same int8 model, taking float32 input and returning float32 output. */
    public TfliteExport withFloatInputOutput() {
        if (quantized == null) {
            return this;
        }
        return new TfliteExport(graph, quantized, true);
    }

    /** The .tflite file's bytes. */
    public byte[] toBytes() {
        return new Writer().write();
    }

    /**
     * Writes the model to {@code file} atomically (an earlier file stays intact if anything goes
     * wrong) and returns the path.
     */
    public Path writeTo(Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file.toAbsolutePath() + " is a folder; give a file name such as "
                    + file.resolve(quantized == null ? "float_model.tflite" : "model_int8.tflite"));
        }
        byte[] bytes = toBytes();
        AtomicFiles.write(file, bytes);
        return file;
    }

    /** Emits one model: every op of the graph, in float or int8. */
    private final class Writer {
        private final ModelBuilder model = new ModelBuilder();

        byte[] write() {
            List<Op> ops = graph.ops();
            int input;
            int current;
            if (quantized == null) {
                input = model.tensor(InferenceGraph.INPUT, graph.inputShape(), TensorType.FLOAT32, null, null);
                current = input;
            } else if (floatInputOutput) {
                input = model.tensor(InferenceGraph.INPUT, graph.inputShape(), TensorType.FLOAT32, null, null);
                current = activation(0, InferenceGraph.INPUT + "/int8", graph.inputShape());
                model.operator(BuiltinOperator.QUANTIZE, QUANTIZE, new int[] {input}, new int[] {current},
                        BuiltinOptions.QuantizeOptions, new QuantizeOptionsT());
            } else {
                input = activation(0, InferenceGraph.INPUT, graph.inputShape());
                current = input;
            }
            for (int k = 0; k < ops.size(); k++) {
                current = op(k, ops.get(k), current);
            }
            int output = current;
            if (quantized != null && floatInputOutput) {
                output = model.tensor("output", graph.outputShape(), TensorType.FLOAT32, null, null);
                model.operator(BuiltinOperator.DEQUANTIZE, DEQUANTIZE, new int[] {current}, new int[] {output},
                        BuiltinOptions.DequantizeOptions, new DequantizeOptionsT());
            }
            String kind = quantized == null ? "float32" : "int8" + (floatInputOutput ? " (float input/output)" : "");
            return model.build(input, output, "condition4j " + kind);
        }

        /** Emits op k reading tensor {@code in}; returns its output tensor. */
        private int op(int k, Op op, int in) {
            int out = activation(k + 1, op.name(), op.outputShape());
            if (op instanceof Conv2D c) {
                Conv2DOptionsT o = new Conv2DOptionsT();
                o.setPadding(padding(c.window().padding()));
                o.setStrideH(c.window().strideH());
                o.setStrideW(c.window().strideW());
                o.setDilationHFactor(1);
                o.setDilationWFactor(1);
                o.setFusedActivationFunction(fused(c.activation()));
                weighted(k, c, in, out, BuiltinOperator.CONV_2D, CONV_INT8, BuiltinOptions.Conv2DOptions, o);
            } else if (op instanceof DepthwiseConv2D d) {
                DepthwiseConv2DOptionsT o = new DepthwiseConv2DOptionsT();
                o.setPadding(padding(d.window().padding()));
                o.setStrideH(d.window().strideH());
                o.setStrideW(d.window().strideW());
                o.setDepthMultiplier(d.depthMultiplier());
                o.setDilationHFactor(1);
                o.setDilationWFactor(1);
                o.setFusedActivationFunction(fused(d.activation()));
                weighted(k, d, in, out, BuiltinOperator.DEPTHWISE_CONV_2D, DEPTHWISE_INT8,
                        BuiltinOptions.DepthwiseConv2DOptions, o);
            } else if (op instanceof FullyConnected f) {
                FullyConnectedOptionsT o = new FullyConnectedOptionsT();
                o.setFusedActivationFunction(fused(f.activation()));
                weighted(k, f, in, out, BuiltinOperator.FULLY_CONNECTED, FULLY_CONNECTED_INT8,
                        BuiltinOptions.FullyConnectedOptions, o);
            } else if (op instanceof Pool2D p) {
                Window w = p.window();
                Pool2DOptionsT o = new Pool2DOptionsT();
                o.setPadding(padding(w.padding()));
                o.setStrideH(w.strideH());
                o.setStrideW(w.strideW());
                o.setFilterHeight(w.kernelH());
                o.setFilterWidth(w.kernelW());
                o.setFusedActivationFunction(ActivationFunctionType.NONE);
                int code = p.kind() == Pool2D.Kind.MAX ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D;
                model.operator(code, version(POOL_INT8), new int[] {in}, new int[] {out},
                        BuiltinOptions.Pool2DOptions, o);
            } else if (op instanceof Reshape r) {
                int[] shape = r.outputShape();
                int shapeTensor = model.tensor(op.name() + "/shape", new int[] {shape.length}, TensorType.INT32,
                        null, ModelBuilder.littleEndian(shape));
                ReshapeOptionsT o = new ReshapeOptionsT();
                o.setNewShape(shape.clone());
                model.operator(BuiltinOperator.RESHAPE, RESHAPE, new int[] {in, shapeTensor}, new int[] {out},
                        BuiltinOptions.ReshapeOptions, o);
            } else if (op instanceof Softmax) {
                SoftmaxOptionsT o = new SoftmaxOptionsT();
                o.setBeta(1f);
                model.operator(BuiltinOperator.SOFTMAX, version(SOFTMAX_INT8), new int[] {in}, new int[] {out},
                        BuiltinOptions.SoftmaxOptions, o);
            } else {
                throw new IllegalStateException("No TFLite op for " + op);
            }
            return out;
        }

        private void weighted(int k, WeightedOp op, int in, int out, int code, int int8Version, byte optionsType,
                              Object options) {
            String name = op.name();
            int weights;
            int bias;
            if (quantized == null) {
                weights = model.tensor(name + "/weights", op.weightShape(), TensorType.FLOAT32, null,
                        ModelBuilder.littleEndian(op.weights()));
                bias = model.tensor(name + "/bias", new int[] {op.outputChannels()}, TensorType.FLOAT32, null,
                        ModelBuilder.littleEndian(op.bias()));
            } else {
                QuantizedWeights q = quantized.weights(k);
                weights = model.tensor(name + "/weights", q.shape(), TensorType.INT8,
                        ModelBuilder.quantization(q.scales(), q.channelAxis()), q.values());
                bias = model.tensor(name + "/bias", new int[] {q.channels()}, TensorType.INT32,
                        ModelBuilder.quantization(q.biasScales(), 0), ModelBuilder.littleEndian(q.bias()));
            }
            model.operator(code, version(int8Version), new int[] {in, weights, bias}, new int[] {out}, optionsType,
                    options);
        }

        /** An activation tensor: float32, or int8 with the parameters of graph tensor {@code index}. */
        private int activation(int index, String name, int[] shape) {
            if (quantized == null) {
                return model.tensor(name, shape, TensorType.FLOAT32, null, null);
            }
            ActivationParams p = quantized.params(index);
            return model.tensor(name, shape, TensorType.INT8, ModelBuilder.quantization(p.scale(), p.zeroPoint()),
                    null);
        }

        private int version(int int8Version) {
            return quantized == null ? FLOAT_VERSION : int8Version;
        }
    }

    private static byte padding(Padding padding) {
        return padding == Padding.SAME ? org.tensorflow.lite.schema.Padding.SAME
                : org.tensorflow.lite.schema.Padding.VALID;
    }

    private static byte fused(FusedActivation activation) {
        return switch (activation) {
            case NONE -> ActivationFunctionType.NONE;
            case RELU -> ActivationFunctionType.RELU;
            case RELU6 -> ActivationFunctionType.RELU6;
        };
    }
}
