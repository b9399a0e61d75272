package org.condition4j.tflite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an application built on TensorFlow Lite Micro must register to run a file: one entry per
 * distinct operator of the file (builtin, or custom by its custom code), in the order the file
 * first uses it, with the {@code tflite::MicroMutableOpResolver} method that registers it and how
 * many operators of the file use it. Each method may be called once, and the resolver's template
 * argument must be at least the number of entries.
 */
public final class MicroOperators {
    /**
     * One operator to register: the builtin operator's name ("CUSTOM" for a custom operator, then
     * {@code customCode} is its name in the file, e.g. "ethos-u"), the resolver method (null where
     * this class knows none), and how many operators of the file use it.
     */
    public record Registration(String builtin, String customCode, String resolverMethod, int count) {
        /** The operator as the file names it: the builtin name, or the custom code. */
        public String operator() {
            return customCode == null ? builtin : customCode;
        }
    }

    /** micro_mutable_op_resolver.h's method for each builtin operator (names as TFLite Micro spells them). */
    private static final Map<String, String> BUILTIN = Map.ofEntries(
            Map.entry("ADD", "AddAdd"),
            Map.entry("AVERAGE_POOL_2D", "AddAveragePool2D"),
            Map.entry("CONCATENATION", "AddConcatenation"),
            Map.entry("CONV_2D", "AddConv2D"),
            Map.entry("DEPTHWISE_CONV_2D", "AddDepthwiseConv2D"),
            Map.entry("DEQUANTIZE", "AddDequantize"),
            Map.entry("FULLY_CONNECTED", "AddFullyConnected"),
            Map.entry("HARD_SWISH", "AddHardSwish"),
            Map.entry("LEAKY_RELU", "AddLeakyRelu"),
            Map.entry("LOGISTIC", "AddLogistic"),
            Map.entry("MAX_POOL_2D", "AddMaxPool2D"),
            Map.entry("MEAN", "AddMean"),
            Map.entry("MUL", "AddMul"),
            Map.entry("PAD", "AddPad"),
            Map.entry("QUANTIZE", "AddQuantize"),
            Map.entry("RELU", "AddRelu"),
            Map.entry("RELU6", "AddRelu6"),
            Map.entry("RESHAPE", "AddReshape"),
            Map.entry("SOFTMAX", "AddSoftmax"),
            Map.entry("SQUEEZE", "AddSqueeze"),
            Map.entry("STRIDED_SLICE", "AddStridedSlice"),
            Map.entry("SUB", "AddSub"),
            Map.entry("TANH", "AddTanh"),
            Map.entry("TRANSPOSE_CONV", "AddTransposeConv"));

    /**
     * Custom operators by custom code: Vela's NPU operator, which TFLite Micro registers only when
     * built for the Ethos-U (with the Ethos-U driver; otherwise {@code AddEthosU} registers nothing).
     */
    private static final Map<String, String> CUSTOM = Map.of("ethos-u", "AddEthosU");

    private MicroOperators() {}

    /** The registrations {@code model} needs, in the order of first use. */
    public static List<Registration> of(TfliteModel model) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, TfliteModel.OperatorInfo> first = new LinkedHashMap<>();
        for (TfliteModel.OperatorInfo op : model.operators()) {
            String key = op.op() + "/" + op.customCode();
            counts.computeIfAbsent(key, k -> new int[1])[0]++;
            first.putIfAbsent(key, op);
        }
        List<Registration> registrations = new ArrayList<>();
        first.forEach((key, op) -> registrations.add(new Registration(op.op(), op.customCode(),
                op.customCode() == null ? BUILTIN.get(op.op()) : CUSTOM.get(op.customCode()), counts.get(key)[0])));
        return List.copyOf(registrations);
    }
}
