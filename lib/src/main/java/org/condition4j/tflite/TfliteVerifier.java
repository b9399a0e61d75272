package org.condition4j.tflite;

import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.TensorType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks a .tflite file before anything trusts it: every offset, table, vector and string the
 * reader or the interpreter would follow lies inside the file (flatbuffers' Java runtime has no
 * verifier, so this walks the schema's tables itself), and the model is consistent: operator
 * codes, tensor and buffer indices in range, constant data exactly as large as the tensor's shape
 * and type require, quantization parameters that fit the shape. A damaged file is refused with an
 * {@link IllegalArgumentException} naming the file and the first problem found.
 */
public final class TfliteVerifier {
    // field ids of the TFLite schema (schema.fbs); a field's vtable slot is 4 + 2 * id
    private static final int MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_DESCRIPTION = 3,
            MODEL_BUFFERS = 4, MODEL_METADATA_BUFFER = 5, MODEL_METADATA = 6, MODEL_SIGNATURES = 7;
    private static final int OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3, OPCODE_DEPRECATED = 0;
    private static final int GRAPH_TENSORS = 0, GRAPH_INPUTS = 1, GRAPH_OUTPUTS = 2, GRAPH_OPERATORS = 3,
            GRAPH_NAME = 4;
    private static final int TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3,
            TENSOR_QUANTIZATION = 4, TENSOR_SPARSITY = 6, TENSOR_SHAPE_SIGNATURE = 7, TENSOR_VARIANTS = 9;
    private static final int QUANT_MIN = 0, QUANT_MAX = 1, QUANT_SCALE = 2, QUANT_ZERO_POINT = 3,
            QUANT_DETAILS_TYPE = 4, QUANT_DETAILS = 5, QUANT_DIMENSION = 6;
    private static final int OP_OPCODE = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4,
            OP_CUSTOM_OPTIONS = 5, OP_MUTATING = 7, OP_INTERMEDIATES = 8;

    private final ByteBuffer bb;
    private final String source;

    private TfliteVerifier(byte[] bytes, String source) {
        this.bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    /**
     * Verifies {@code bytes}, the content of {@code source} (a file name or a description used in
     * the error message).
     *
     * @throws IllegalArgumentException if the bytes are not a sound TFLite model
     */
    public static void verify(byte[] bytes, String source) {
        new TfliteVerifier(bytes, source).model();
    }

    private IllegalArgumentException damaged(String what) {
        return new IllegalArgumentException(source + " is not a valid TFLite model (damaged or truncated?): " + what);
    }

    private void model() {
        if (bb.limit() < 8) {
            throw damaged("only " + bb.limit() + " bytes");
        }
        if (bb.get(4) != 'T' || bb.get(5) != 'F' || bb.get(6) != 'L' || bb.get(7) != '3') {
            throw damaged("no TFL3 identifier at byte 4");
        }
        int model = table(offsetAt(0, "the root offset"), "the model table");
        scalar(model, MODEL_VERSION, 4, "model version");
        string(model, MODEL_DESCRIPTION, "model description");
        int codes = vectorOfTables(model, MODEL_OPCODES, "operator codes");
        for (int i = 0; i < codes; i++) {
            int code = element(model, MODEL_OPCODES, i, "operator code " + i);
            scalar(code, OPCODE_DEPRECATED, 1, "operator code " + i);
            string(code, OPCODE_CUSTOM, "custom code of operator code " + i);
            scalar(code, OPCODE_VERSION, 4, "operator code " + i);
            scalar(code, OPCODE_BUILTIN, 4, "operator code " + i);
            int builtin = intField(code, OPCODE_BUILTIN, 0);
            int deprecated = byteField(code, OPCODE_DEPRECATED, 0);
            int effective = Math.max(builtin, deprecated);
            if (effective < 0 || effective >= BuiltinOperator.names.length) {
                throw damaged("operator code " + i + " has the unknown builtin code " + effective);
            }
            if (intField(code, OPCODE_VERSION, 1) < 1) {
                throw damaged("operator code " + i + " has version " + intField(code, OPCODE_VERSION, 1));
            }
        }
        int buffers = vectorOfTables(model, MODEL_BUFFERS, "buffers");
        int[] bufferBytes = new int[buffers];
        for (int b = 0; b < buffers; b++) {
            int buffer = element(model, MODEL_BUFFERS, b, "buffer " + b);
            bufferBytes[b] = vector(buffer, 0, 1, "data of buffer " + b);
        }
        vector(model, MODEL_METADATA_BUFFER, 4, "metadata buffer list");
        int metadata = vectorOfTables(model, MODEL_METADATA, "metadata");
        for (int i = 0; i < metadata; i++) {
            int m = element(model, MODEL_METADATA, i, "metadata " + i);
            string(m, 0, "name of metadata " + i);
            scalar(m, 1, 4, "metadata " + i);
        }
        int signatures = vectorOfTables(model, MODEL_SIGNATURES, "signatures");
        for (int i = 0; i < signatures; i++) {
            int s = element(model, MODEL_SIGNATURES, i, "signature " + i);
            for (int field = 0; field <= 1; field++) {
                int maps = vectorOfTables(s, field, "tensor maps of signature " + i);
                for (int k = 0; k < maps; k++) {
                    int map = element(s, field, k, "tensor map " + k + " of signature " + i);
                    string(map, 0, "tensor map name");
                    scalar(map, 1, 4, "tensor map");
                }
            }
            string(s, 2, "signature key");
            scalar(s, 4, 4, "signature " + i);
        }
        int graphs = vectorOfTables(model, MODEL_SUBGRAPHS, "subgraphs");
        if (graphs < 1) {
            throw damaged("no subgraph");
        }
        for (int g = 0; g < graphs; g++) {
            subgraph(element(model, MODEL_SUBGRAPHS, g, "subgraph " + g), g, codes, bufferBytes);
        }
    }

    private void subgraph(int graph, int g, int codes, int[] bufferBytes) {
        String where = "subgraph " + g;
        string(graph, GRAPH_NAME, where + " name");
        int tensors = vectorOfTables(graph, GRAPH_TENSORS, where + " tensors");
        for (int t = 0; t < tensors; t++) {
            tensor(element(graph, GRAPH_TENSORS, t, where + " tensor " + t), t, bufferBytes);
        }
        indices(graph, GRAPH_INPUTS, tensors, where + " inputs", false);
        indices(graph, GRAPH_OUTPUTS, tensors, where + " outputs", false);
        int ops = vectorOfTables(graph, GRAPH_OPERATORS, where + " operators");
        for (int k = 0; k < ops; k++) {
            String op = "operator " + k;
            int o = element(graph, GRAPH_OPERATORS, k, op);
            scalar(o, OP_OPCODE, 4, op);
            long opcode = Integer.toUnsignedLong(intField(o, OP_OPCODE, 0));
            if (opcode >= codes) {
                throw damaged(op + " uses operator code " + opcode + " of " + codes);
            }
            indices(o, OP_INPUTS, tensors, op + " inputs", true);
            indices(o, OP_OUTPUTS, tensors, op + " outputs", true);
            indices(o, OP_INTERMEDIATES, tensors, op + " intermediates", true);
            vector(o, OP_CUSTOM_OPTIONS, 1, op + " custom options");
            vector(o, OP_MUTATING, 1, op + " mutating inputs");
            scalar(o, OP_OPTIONS_TYPE, 1, op);
            int type = byteField(o, OP_OPTIONS_TYPE, 0) & 0xff;
            int options = optionalTable(o, OP_OPTIONS, op + " options");
            if (options >= 0) {
                if (type == 0 || type >= BuiltinOptions.names.length) {
                    throw damaged(op + " has options of the unknown type " + type);
                }
                if (type == BuiltinOptions.ReshapeOptions) {
                    vector(options, 0, 4, op + " new shape");
                }
            }
        }
    }

    private void tensor(int t, int index, int[] bufferBytes) {
        String where = "tensor " + index;
        int rank = vector(t, TENSOR_SHAPE, 4, where + " shape");
        vector(t, TENSOR_SHAPE_SIGNATURE, 4, where + " shape signature");
        string(t, TENSOR_NAME, where + " name");
        scalar(t, TENSOR_TYPE, 1, where);
        scalar(t, TENSOR_BUFFER, 4, where);
        if (optionalTable(t, TENSOR_SPARSITY, where + " sparsity") >= 0) {
            throw damaged(where + " is sparse, which this project does not read");
        }
        if (vectorOfTables(t, TENSOR_VARIANTS, where + " variant types") > 0) {
            throw damaged(where + " has variant sub-types, which this project does not read");
        }
        int[] shape = new int[rank];
        long elements = 1;
        int shapeVector = target(t, TENSOR_SHAPE);
        for (int d = 0; d < rank; d++) {
            shape[d] = bb.getInt(shapeVector + 4 + 4 * d);
            if (shape[d] < 0) {
                throw damaged(where + " has the negative dimension " + shape[d]);
            }
            elements = Math.min(elements * shape[d], Integer.MAX_VALUE);
        }
        int type = byteField(t, TENSOR_TYPE, 0);
        if (type < 0 || type >= TensorType.names.length) {
            throw damaged(where + " has the unknown type " + type);
        }
        long buffer = Integer.toUnsignedLong(intField(t, TENSOR_BUFFER, 0));
        if (buffer >= bufferBytes.length) {
            throw damaged(where + " refers to buffer " + buffer + " of " + bufferBytes.length);
        }
        int size = elementSize(type);
        int data = bufferBytes[(int) buffer];
        if (data > 0 && size > 0 && data != elements * size) {
            throw damaged(where + " has " + data + " bytes of data, but its shape " + java.util.Arrays.toString(shape)
                    + " of " + TensorType.name(type) + " needs " + elements * size);
        }
        int q = optionalTable(t, TENSOR_QUANTIZATION, where + " quantization");
        if (q >= 0) {
            quantization(q, where, shape);
        }
    }

    private void quantization(int q, String where, int[] shape) {
        vector(q, QUANT_MIN, 4, where + " quantization min");
        vector(q, QUANT_MAX, 4, where + " quantization max");
        int scales = vector(q, QUANT_SCALE, 4, where + " scales");
        int zeroPoints = vector(q, QUANT_ZERO_POINT, 8, where + " zero points");
        scalar(q, QUANT_DETAILS_TYPE, 1, where);
        scalar(q, QUANT_DIMENSION, 4, where);
        int details = optionalTable(q, QUANT_DETAILS, where + " quantization details");
        if (details >= 0) {
            vector(details, 0, 1, where + " custom quantization");
        }
        if (scales != zeroPoints) {
            throw damaged(where + " has " + scales + " scales but " + zeroPoints + " zero points");
        }
        int scaleVector = target(q, QUANT_SCALE);
        for (int i = 0; i < scales; i++) {
            float s = bb.getFloat(scaleVector + 4 + 4 * i);
            if (!(s > 0) || Float.isInfinite(s)) {
                throw damaged(where + " has the scale " + s);
            }
        }
        if (scales > 1) {
            int dim = intField(q, QUANT_DIMENSION, 0);
            if (dim < 0 || dim >= shape.length || shape[dim] != scales) {
                throw damaged(where + " has " + scales + " scales along dimension " + dim + " of shape "
                        + java.util.Arrays.toString(shape));
            }
        }
    }

    private void indices(int table, int field, int tensors, String what, boolean optional) {
        int n = vector(table, field, 4, what);
        int v = n > 0 ? target(table, field) : 0;
        for (int i = 0; i < n; i++) {
            int index = bb.getInt(v + 4 + 4 * i);
            if (index >= tensors || index < (optional ? -1 : 0)) {
                throw damaged(what + " refer to tensor " + index + " of " + tensors);
            }
        }
    }

    private static int elementSize(int type) {
        return switch (type) {
            case TensorType.FLOAT32, TensorType.INT32, TensorType.UINT32 -> 4;
            case TensorType.FLOAT16, TensorType.INT16, TensorType.UINT16 -> 2;
            case TensorType.INT8, TensorType.UINT8, TensorType.BOOL -> 1;
            case TensorType.INT64, TensorType.FLOAT64, TensorType.UINT64, TensorType.COMPLEX64 -> 8;
            default -> 0; // strings, resources, 4-bit: not checked
        };
    }

    // ---- flatbuffer structure ----

    /** The position {@code at} + the unsigned offset stored there, checked to lie in the file. */
    private int offsetAt(int at, String what) {
        inside(at, 4, what);
        long target = at + Integer.toUnsignedLong(bb.getInt(at));
        if (target + 4 > bb.limit()) {
            throw damaged(what + " points to byte " + target + ", beyond the end (" + bb.limit() + " bytes)");
        }
        return (int) target;
    }

    /** Checks the table at {@code pos} and its vtable; returns {@code pos}. */
    private int table(int pos, String what) {
        inside(pos, 4, what);
        long vtable = (long) pos - bb.getInt(pos);
        if (vtable < 0 || vtable + 4 > bb.limit()) {
            throw damaged(what + " has its field table at byte " + vtable + ", outside the file");
        }
        int vtableSize = Short.toUnsignedInt(bb.getShort((int) vtable));
        int tableSize = Short.toUnsignedInt(bb.getShort((int) vtable + 2));
        if (vtableSize < 4 || vtableSize % 2 != 0 || vtable + vtableSize > bb.limit()) {
            throw damaged(what + " has a field table of impossible size " + vtableSize);
        }
        if (tableSize < 4 || (long) pos + tableSize > bb.limit()) {
            throw damaged(what + " claims " + tableSize + " bytes, beyond the end of the file");
        }
        for (int slot = 4; slot < vtableSize; slot += 2) {
            int fieldOffset = Short.toUnsignedInt(bb.getShort((int) vtable + slot));
            if (fieldOffset != 0 && (fieldOffset < 4 || fieldOffset >= tableSize)) {
                throw damaged(what + " has field " + (slot - 4) / 2 + " at offset " + fieldOffset
                        + ", outside its " + tableSize + " bytes");
            }
        }
        return pos;
    }

    /** Absolute position of field {@code id} of the table at {@code table}, or -1 if absent. */
    private int field(int table, int id) {
        int vtable = table - bb.getInt(table);
        int vtableSize = Short.toUnsignedInt(bb.getShort(vtable));
        int slot = 4 + 2 * id;
        if (slot + 2 > vtableSize) {
            return -1;
        }
        int offset = Short.toUnsignedInt(bb.getShort(vtable + slot));
        return offset == 0 ? -1 : table + offset;
    }

    private void scalar(int table, int id, int size, String what) {
        int f = field(table, id);
        if (f >= 0) {
            int vtable = table - bb.getInt(table);
            int tableSize = Short.toUnsignedInt(bb.getShort(vtable + 2));
            if (f + size > table + tableSize) {
                throw damaged(what + ": field " + id + " runs past the end of its table");
            }
        }
    }

    private int intField(int table, int id, int absent) {
        int f = field(table, id);
        return f < 0 ? absent : bb.getInt(f);
    }

    private int byteField(int table, int id, int absent) {
        int f = field(table, id);
        return f < 0 ? absent : bb.get(f);
    }

    private int target(int table, int id) {
        return offsetAt(field(table, id), "an offset");
    }

    /** Checks a vector of {@code elementSize}-byte elements; returns its length (0 if absent). */
    private int vector(int table, int id, int elementSize, String what) {
        int f = field(table, id);
        if (f < 0) {
            return 0;
        }
        scalar(table, id, 4, what);
        int v = offsetAt(f, what);
        long length = Integer.toUnsignedLong(bb.getInt(v));
        if (v + 4 + length * elementSize > bb.limit()) {
            throw damaged(what + ": " + length + " elements of " + elementSize + " bytes at byte " + v
                    + " run past the end of the file (" + bb.limit() + " bytes)");
        }
        return (int) length;
    }

    private void string(int table, int id, String what) {
        int n = vector(table, id, 1, what);
        if (field(table, id) >= 0 && target(table, id) + 4 + n >= bb.limit()) {
            throw damaged(what + " has no terminating zero");
        }
    }

    /** Checks a vector of tables and each table in it; returns its length. */
    private int vectorOfTables(int table, int id, String what) {
        int n = vector(table, id, 4, what);
        for (int i = 0; i < n; i++) {
            element(table, id, i, what + " [" + i + "]");
        }
        return n;
    }

    private int element(int table, int id, int i, String what) {
        int v = target(table, id);
        return table(offsetAt(v + 4 + 4 * i, what), what);
    }

    /** The checked table in field {@code id}, or -1 if absent. */
    private int optionalTable(int table, int id, String what) {
        int f = field(table, id);
        if (f < 0) {
            return -1;
        }
        scalar(table, id, 4, what);
        return table(offsetAt(f, what), what);
    }

    private void inside(long pos, int size, String what) {
        if (pos < 0 || pos + size > bb.limit()) {
            throw damaged(what + " at byte " + pos + " lies outside the file (" + bb.limit() + " bytes)");
        }
    }
}
