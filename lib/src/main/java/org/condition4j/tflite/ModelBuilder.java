package org.condition4j.tflite;

import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects tensors, buffers and operators of a one-subgraph TFLite model with the schema's
 * object API and serializes it. Knows the format's rules: Model.version 3, buffer 0 empty (for
 * tensors without constant data), both builtin_code and deprecated_builtin_code set, one
 * operator code per (op, version).
 */
final class ModelBuilder {
    static final int SCHEMA_VERSION = 3;

    private final List<TensorT> tensors = new ArrayList<>();
    private final List<BufferT> buffers = new ArrayList<>();
    private final List<OperatorCodeT> codes = new ArrayList<>();
    private final List<OperatorT> operators = new ArrayList<>();

    ModelBuilder() {
        buffers.add(new BufferT());
    }

    /** Adds a tensor (constant if {@code data} is not null) and returns its index. */
    int tensor(String name, int[] shape, byte type, QuantizationParametersT quantization, byte[] data) {
        TensorT t = new TensorT();
        t.setName(name);
        t.setShape(shape.clone());
        t.setType(type);
        t.setQuantization(quantization);
        if (data != null) {
            BufferT buffer = new BufferT();
            int[] unsigned = new int[data.length]; // the object API keeps ubyte vectors as int[]
            for (int i = 0; i < data.length; i++) {
                unsigned[i] = data[i] & 0xff;
            }
            buffer.setData(unsigned);
            t.setBuffer(buffers.size());
            buffers.add(buffer);
        } else {
            t.setBuffer(0);
        }
        tensors.add(t);
        return tensors.size() - 1;
    }

    void operator(int builtinCode, int version, int[] inputs, int[] outputs, byte optionsType, Object options) {
        OperatorT op = new OperatorT();
        op.setOpcodeIndex(code(builtinCode, version));
        op.setInputs(inputs);
        op.setOutputs(outputs);
        if (options != null) {
            BuiltinOptionsUnion union = new BuiltinOptionsUnion();
            union.setType(optionsType);
            union.setValue(options);
            op.setBuiltinOptions(union);
        }
        operators.add(op);
    }

    private int code(int builtinCode, int version) {
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i).getBuiltinCode() == builtinCode && codes.get(i).getVersion() == version) {
                return i;
            }
        }
        OperatorCodeT code = new OperatorCodeT();
        code.setBuiltinCode(builtinCode);
        code.setDeprecatedBuiltinCode((byte) Math.min(builtinCode, 127));
        code.setVersion(version);
        codes.add(code);
        return codes.size() - 1;
    }

    byte[] build(int input, int output, String description) {
        SubGraphT graph = new SubGraphT();
        graph.setName("main");
        graph.setTensors(tensors.toArray(new TensorT[0]));
        graph.setInputs(new int[] {input});
        graph.setOutputs(new int[] {output});
        graph.setOperators(operators.toArray(new OperatorT[0]));
        ModelT model = new ModelT();
        model.setVersion(SCHEMA_VERSION);
        model.setDescription(description);
        model.setOperatorCodes(codes.toArray(new OperatorCodeT[0]));
        model.setSubgraphs(new SubGraphT[] {graph});
        model.setBuffers(buffers.toArray(new BufferT[0]));
        return model.serializeToBinary();
    }

    static QuantizationParametersT quantization(double[] scales, int quantizedDimension) {
        QuantizationParametersT q = new QuantizationParametersT();
        float[] s = new float[scales.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) scales[i];
        }
        q.setScale(s);
        q.setZeroPoint(new long[scales.length]);
        q.setQuantizedDimension(quantizedDimension);
        return q;
    }

    static QuantizationParametersT quantization(double scale, int zeroPoint) {
        QuantizationParametersT q = new QuantizationParametersT();
        q.setScale(new float[] {(float) scale});
        q.setZeroPoint(new long[] {zeroPoint});
        return q;
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    static byte[] littleEndian(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b.array();
    }
}
