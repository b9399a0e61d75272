package org.condition4j.tflite;

import org.condition4j.io.AtomicFiles;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.MetadataT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Reads a .tflite file back: its operators and tensors as records ({@code Tables.operators} and
 * {@code Tables.tensors} show them), quantization parameters, and the raw values of constant tensors, e.g. to count the zeros or distinct values
 * of the int8 weights that were actually written. Derived copies ({@link #withOutputAdded},
 * {@link #withInt8Values}, {@link #withInt32Values}) change one thing and keep everything else.
 *
 * <pre>{@code
 * TfliteModel model = TfliteModel.read(path);
 * model.tensors();                           // name, type, shape, scales, zero points, bytes
 * for (String w : model.weightTensorNames()) { byte[] q = model.int8Values(w); ... }
 * model.withOutputAdded(model.logitsTensorName().orElseThrow()).writeTo(copy);
 * }</pre>
 */
public final class TfliteModel {
    /** The verified bytes this model was read from; a derived copy starts from a fresh unpacking of them. */
    private final byte[] bytes;
    private final String source;
    private final ModelT model;
    private final SubGraphT graph;

    private TfliteModel(byte[] bytes, String source, ModelT model) {
        this.bytes = bytes;
        this.source = source;
        this.model = model;
        this.graph = model.getSubgraphs()[0];
    }

    /**
     * Reads and verifies {@code file} (see {@link TfliteVerifier}).
     *
     * @throws IllegalArgumentException if the file is not a sound TFLite model; the message names
     *                                  the file and what is wrong
     */
    public static TfliteModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return of(bytes, file.toAbsolutePath().toString());
    }

    /** Verifies and reads a model's bytes (e.g. {@link TfliteExport#toBytes()}). */
    public static TfliteModel of(byte[] bytes) {
        return of(bytes, "The model bytes");
    }

    private static TfliteModel of(byte[] bytes, String source) {
        TfliteVerifier.verify(bytes, source);
        ModelT model = unpack(bytes, source);
        if (model.getSubgraphs().length != 1) {
            throw new IllegalArgumentException(source + ": expected one subgraph, found " + model.getSubgraphs().length);
        }
        return new TfliteModel(bytes.clone(), source, model);
    }

    private static ModelT unpack(byte[] bytes, String source) {
        try {
            return Model.getRootAsModel(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)).unpack();
        } catch (RuntimeException e) {
            // only reachable through parts the verifier does not model (options of exotic operators)
            throw new IllegalArgumentException(source + " is not a valid TFLite model (damaged?): " + e, e);
        }
    }

    /** The file's bytes (a derived copy's as serialized). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Writes this model to {@code file} atomically and returns the path. */
    public Path writeTo(Path file) {
        AtomicFiles.write(file, bytes);
        return file;
    }

    /** One tensor: type is the schema's name ("INT8", "FLOAT32", ...); scales empty when not quantized. */
    public record TensorInfo(int index, String name, String type, int[] shape, float[] scales, long[] zeroPoints,
                             int quantizedDimension, int bufferBytes) {
        public boolean isConstant() {
            return bufferBytes > 0;
        }

        public boolean isQuantized() {
            return scales.length > 0;
        }
    }

    /**
     * One operator with its version, input and output tensor names and options in words; {@code op}
     * is the builtin operator's name ("CUSTOM" for a custom operator, whose name in the file is
     * {@code customCode}, e.g. "ethos-u"; null for a builtin).
     */
    public record OperatorInfo(int index, String op, int version, List<String> inputs, List<String> outputs,
                               String options, String customCode) {}

    public int sizeBytes() {
        return bytes.length;
    }

    public long schemaVersion() {
        return model.getVersion();
    }

    public String description() {
        return model.getDescription();
    }

    public List<TensorInfo> tensors() {
        List<TensorInfo> list = new ArrayList<>();
        TensorT[] tensors = graph.getTensors();
        for (int i = 0; i < tensors.length; i++) {
            list.add(info(i, tensors[i]));
        }
        return list;
    }

    public TensorInfo tensor(String name) {
        return info(index(name), graph.getTensors()[index(name)]);
    }

    public TensorInfo input() {
        int i = graph.getInputs()[0];
        return info(i, graph.getTensors()[i]);
    }

    public TensorInfo output() {
        int i = graph.getOutputs()[0];
        return info(i, graph.getTensors()[i]);
    }

    /** Every graph output, in order. */
    public List<TensorInfo> outputs() {
        return Arrays.stream(graph.getOutputs()).mapToObj(i -> info(i, graph.getTensors()[i])).toList();
    }

    /**
     * The logits: the input of the SOFTMAX that computes the graph's (first) output; empty when
     * the output does not come from a SOFTMAX.
     */
    public Optional<String> logitsTensorName() {
        int output = graph.getOutputs()[0];
        for (OperatorT op : graph.getOperators()) {
            int code = builtinCode(model.getOperatorCodes()[(int) op.getOpcodeIndex()]);
            if (code == BuiltinOperator.SOFTMAX && op.getOutputs().length == 1 && op.getOutputs()[0] == output) {
                return Optional.of(graph.getTensors()[op.getInputs()[0]].getName());
            }
        }
        return Optional.empty();
    }

    /**
     * A copy whose graph outputs are this model's followed by {@code tensorName}, e.g. the
     * logits, so that an interpreter that only returns graph outputs returns that tensor too.
     * Operators, tensors and constants are unchanged, so every tensor is computed as before.
     */
    public TfliteModel withOutputAdded(String tensorName) {
        int added = index(tensorName);
        if (Arrays.stream(graph.getOutputs()).anyMatch(o -> o == added)) {
            throw new IllegalArgumentException("Tensor '" + tensorName + "' is already an output of " + source);
        }
        return derive("with output '" + tensorName + "' added", copy -> {
            SubGraphT g = copy.getSubgraphs()[0];
            int[] outputs = Arrays.copyOf(g.getOutputs(), g.getOutputs().length + 1);
            outputs[outputs.length - 1] = added;
            g.setOutputs(outputs);
        });
    }

    /** A copy in which the INT8 constant tensor {@code tensorName} holds {@code values} (as many as before). */
    public TfliteModel withInt8Values(String tensorName, byte[] values) {
        return withData(tensorName, TensorType.INT8, values);
    }

    /** A copy in which the INT32 constant tensor {@code tensorName} holds {@code values} (as many as before). */
    public TfliteModel withInt32Values(String tensorName, int[] values) {
        return withData(tensorName, TensorType.INT32, ModelBuilder.littleEndian(values));
    }

    private TfliteModel withData(String tensorName, byte type, byte[] data) {
        byte[] old = data(tensorName, type);
        if (old.length != data.length) {
            throw new IllegalArgumentException("Tensor '" + tensorName + "' holds " + old.length + " bytes; "
                    + data.length + " given");
        }
        int tensor = index(tensorName);
        return derive("with tensor '" + tensorName + "' changed", copy -> {
            SubGraphT g = copy.getSubgraphs()[0];
            int[] unsigned = new int[data.length]; // the object API keeps ubyte vectors as int[]
            for (int i = 0; i < data.length; i++) {
                unsigned[i] = data[i] & 0xff;
            }
            // a buffer of its own, so that another tensor sharing the old one keeps its values
            BufferT buffer = new BufferT();
            buffer.setData(unsigned);
            BufferT[] buffers = Arrays.copyOf(copy.getBuffers(), copy.getBuffers().length + 1);
            buffers[buffers.length - 1] = buffer;
            copy.setBuffers(buffers);
            g.getTensors()[tensor].setBuffer(buffers.length - 1);
        });
    }

    /** A verified copy of this model after {@code change} edited a fresh unpacking of it. */
    private TfliteModel derive(String what, Consumer<ModelT> change) {
        ModelT copy = unpack(bytes, source);
        change.accept(copy);
        return of(copy.serializeToBinary(), source + " " + what);
    }

    public List<OperatorInfo> operators() {
        List<OperatorInfo> list = new ArrayList<>();
        OperatorT[] ops = graph.getOperators();
        for (int i = 0; i < ops.length; i++) {
            OperatorCodeT code = model.getOperatorCodes()[(int) ops[i].getOpcodeIndex()];
            String op = BuiltinOperator.name(builtinCode(code));
            list.add(new OperatorInfo(i, op, code.getVersion(), names(ops[i].getInputs()), names(ops[i].getOutputs()),
                    options(ops[i].getBuiltinOptions()), op.equals("CUSTOM") ? code.getCustomCode() : null));
        }
        return list;
    }

    /**
     * An operator code's builtin operator: the larger of the two fields the schema has for it, as
     * files written before the 32-bit field (and writers that fill only the old byte) leave one 0.
     */
    private static int builtinCode(OperatorCodeT code) {
        return Math.max(code.getBuiltinCode(), code.getDeprecatedBuiltinCode());
    }

    /** The bytes of the metadata entry {@code name} (e.g. Vela's "OfflineMemoryAllocation"); empty when the file has none. */
    public Optional<byte[]> metadata(String name) {
        MetadataT[] entries = model.getMetadata();
        if (entries == null) {
            return Optional.empty();
        }
        for (MetadataT m : entries) {
            if (name.equals(m.getName())) {
                int[] data = model.getBuffers()[(int) m.getBuffer()].getData();
                byte[] bytes = new byte[data == null ? 0 : data.length];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) data[i];
                }
                return Optional.of(bytes);
            }
        }
        return Optional.empty();
    }

    /** The weight tensors (filter input) of every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED. */
    public List<String> weightTensorNames() {
        return operators().stream()
                .filter(op -> op.op().equals("CONV_2D") || op.op().equals("DEPTHWISE_CONV_2D")
                        || op.op().equals("FULLY_CONNECTED"))
                .map(op -> op.inputs().get(1))
                .toList();
    }

    /** Zeros and distinct values of every weight tensor, counted in this file. */
    public WeightStatistics weightStatistics() {
        return WeightStatistics.of(this);
    }

    /** The bias tensors (third input) of every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED. */
    public List<String> biasTensorNames() {
        return operators().stream()
                .filter(op -> op.op().equals("CONV_2D") || op.op().equals("DEPTHWISE_CONV_2D")
                        || op.op().equals("FULLY_CONNECTED"))
                .map(op -> op.inputs().get(2))
                .toList();
    }

    /** The stored values of an INT8 constant tensor. */
    public byte[] int8Values(String tensorName) {
        return data(tensorName, TensorType.INT8);
    }

    /** The stored values of an INT32 constant tensor. */
    public int[] int32Values(String tensorName) {
        ByteBuffer b = ByteBuffer.wrap(data(tensorName, TensorType.INT32)).order(ByteOrder.LITTLE_ENDIAN);
        int[] values = new int[b.remaining() / 4];
        b.asIntBuffer().get(values);
        return values;
    }

    /** The stored values of a FLOAT32 constant tensor. */
    public float[] floatValues(String tensorName) {
        ByteBuffer b = ByteBuffer.wrap(data(tensorName, TensorType.FLOAT32)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[b.remaining() / 4];
        b.asFloatBuffer().get(values);
        return values;
    }

    private byte[] data(String tensorName, byte expectedType) {
        TensorT t = graph.getTensors()[index(tensorName)];
        if (t.getType() != expectedType) {
            throw new IllegalArgumentException("Tensor '" + tensorName + "' is " + TensorType.name(t.getType())
                    + ", not " + TensorType.name(expectedType));
        }
        BufferT buffer = model.getBuffers()[(int) t.getBuffer()];
        int[] data = buffer.getData();
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("Tensor '" + tensorName + "' has no constant data (it is an activation)");
        }
        byte[] bytes = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            bytes[i] = (byte) data[i];
        }
        return bytes;
    }

    private int index(String name) {
        TensorT[] tensors = graph.getTensors();
        for (int i = 0; i < tensors.length; i++) {
            if (name.equals(tensors[i].getName())) {
                return i;
            }
        }
        throw new IllegalArgumentException("No tensor named '" + name + "'; tensors: "
                + Arrays.stream(tensors).map(TensorT::getName).collect(Collectors.joining(", ")));
    }

    private List<String> names(int[] indices) {
        List<String> names = new ArrayList<>();
        for (int i : indices) {
            names.add(i < 0 ? "(none)" : graph.getTensors()[i].getName());
        }
        return names;
    }

    private TensorInfo info(int index, TensorT t) {
        QuantizationParametersT q = t.getQuantization();
        float[] scales = q == null || q.getScale() == null ? new float[0] : q.getScale();
        long[] zeroPoints = q == null || q.getZeroPoint() == null ? new long[0] : q.getZeroPoint();
        int[] data = model.getBuffers()[(int) t.getBuffer()].getData();
        return new TensorInfo(index, t.getName(), TensorType.name(t.getType()), t.getShape(), scales, zeroPoints,
                q == null ? 0 : q.getQuantizedDimension(), data == null ? 0 : data.length);
    }

    private static String options(BuiltinOptionsUnion union) {
        if (union == null || union.getValue() == null) {
            return "";
        }
        Object o = union.getValue();
        if (o instanceof Conv2DOptionsT c) {
            return window(c.getPadding(), c.getStrideH(), c.getStrideW()) + " " + activation(c.getFusedActivationFunction());
        }
        if (o instanceof DepthwiseConv2DOptionsT d) {
            return window(d.getPadding(), d.getStrideH(), d.getStrideW()) + " multiplier " + d.getDepthMultiplier()
                    + " " + activation(d.getFusedActivationFunction());
        }
        if (o instanceof Pool2DOptionsT p) {
            return p.getFilterHeight() + "x" + p.getFilterWidth() + " " + window(p.getPadding(), p.getStrideH(),
                    p.getStrideW());
        }
        if (o instanceof FullyConnectedOptionsT f) {
            return activation(f.getFusedActivationFunction());
        }
        return "";
    }

    private static String window(byte padding, int strideH, int strideW) {
        return org.tensorflow.lite.schema.Padding.name(padding) + " stride " + strideH + "x" + strideW;
    }

    private static String activation(byte code) {
        return code == ActivationFunctionType.NONE ? "" : ActivationFunctionType.name(code);
    }
}
