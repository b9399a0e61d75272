package org.condition4j.vela;

import org.condition4j.tflite.TfliteModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one operator of a .tflite file costs on the NPU, from Vela's per-layer rows: Vela lowers
 * an operator into one or more NPU operations (a convolution and its activation, a softmax into
 * some twenty), whose cycles, MACs and SRAM are added up here. {@code share} is the operator's
 * part of the network's cycles; {@code macUtilisation} the part of the accelerator's peak MAC
 * rate it reaches while it runs (both 0..1).
 */
public record OperatorCost(String operator, String tensor, String placement, long cycles, double share,
                           long macs, double macUtilisation, long sramBytes) {

    /** Vela's names for the source operators, by the TFLite operator the exporter writes. */
    private static final Map<String, String> VELA_NAMES = Map.of(
            "CONV_2D", "Conv2D", "DEPTHWISE_CONV_2D", "DepthwiseConv2D", "FULLY_CONNECTED", "FullyConnected",
            "MAX_POOL_2D", "MaxPool", "AVERAGE_POOL_2D", "AvgPool", "RESHAPE", "Reshape", "SOFTMAX", "Softmax",
            "QUANTIZE", "Quantize", "DEQUANTIZE", "Dequantize");

    /**
     * One cost per operator of {@code model} (in the file's order), from {@code report}'s per-layer
     * rows. Rows come in execution order: a row belongs to the operator whose output tensor it
     * names, otherwise to the current operator if that is of the row's type, otherwise to the next
     * operator of the row's type. An operator Vela folds away (a reshape) costs nothing.
     */
    public static List<OperatorCost> of(VelaReport report, TfliteModel model) {
        List<TfliteModel.OperatorInfo> ops = model.operators();
        long[] cycles = new long[ops.size()];
        long[] macs = new long[ops.size()];
        long[] sram = new long[ops.size()];
        String[] placement = new String[ops.size()];
        int current = 0;
        for (VelaLayer row : report.layers()) {
            int owner = owner(ops, row, current);
            if (owner < 0) {
                throw new IllegalStateException("Vela's per-layer row " + row + " matches no operator of "
                        + report.network() + " from operator " + current + " on: " + ops.stream().map(o -> o.op()).toList());
            }
            current = owner;
            cycles[owner] += row.cycles();
            macs[owner] += row.macs();
            sram[owner] = Math.max(sram[owner], row.sramBytes());
            placement[owner] = placement[owner] == null || placement[owner].equals(row.placement())
                    ? row.placement() : "NPU+CPU";
        }
        long total = report.totalCycles();
        int peak = report.target().macsPerCycle();
        List<OperatorCost> costs = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            TfliteModel.OperatorInfo op = ops.get(i);
            costs.add(new OperatorCost(op.op(), op.outputs().isEmpty() ? "" : op.outputs().get(0),
                    placement[i] == null ? "folded" : placement[i], cycles[i],
                    total == 0 ? 0 : (double) cycles[i] / total, macs[i],
                    cycles[i] == 0 ? 0 : (double) macs[i] / ((double) cycles[i] * peak), sram[i]));
        }
        return costs;
    }

    private static int owner(List<TfliteModel.OperatorInfo> ops, VelaLayer row, int current) {
        for (int i = current; i < ops.size(); i++) {
            if (ops.get(i).outputs().contains(row.tensor()) && sameType(ops.get(i), row)) {
                return i;
            }
        }
        for (int i = current; i < ops.size(); i++) {
            if (sameType(ops.get(i), row)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameType(TfliteModel.OperatorInfo op, VelaLayer row) {
        String vela = VELA_NAMES.get(op.op());
        return row.sourceOperator().equals(vela != null ? vela
                : op.op().replace("_", "").toLowerCase(Locale.ROOT));
    }
}
