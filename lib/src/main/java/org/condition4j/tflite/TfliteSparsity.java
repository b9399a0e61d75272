package org.condition4j.tflite;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How many int8 weights of each convolution and dense operator of a .tflite file are exactly 0,
 * counted in the bytes as written: the proof that what pruning zeroed survived quantization
 * and export (weights are quantized symmetrically, so a float 0 becomes the integer 0).
 *
 * <pre>{@code
 * TfliteSparsity.of(prunedFile).table()   // tensor, op, weights, zeros, sparsity
 * }</pre>
 */
public final class TfliteSparsity {

    /** One weight tensor of the file, e.g. "conv2/weights" of a CONV_2D. */
    public record Row(String tensor, String op, int weights, int zeros) {
        public double sparsity() {
            return weights == 0 ? 0 : (double) zeros / weights;
        }
    }

    private final List<Row> rows;

    private TfliteSparsity(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    public static TfliteSparsity of(Path file) {
        return of(TfliteModel.read(file));
    }

    /**
     * The weight tensors of every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, in operator order.
     * The weights must be int8 (a float32 model has no int8 zeros to count).
     */
    public static TfliteSparsity of(TfliteModel model) {
        List<String> weightTensors = model.weightTensorNames();
        List<Row> rows = new ArrayList<>();
        for (TfliteModel.OperatorInfo op : model.operators()) {
            if (op.inputs().size() < 2 || !weightTensors.contains(op.inputs().get(1))) {
                continue;
            }
            String tensor = op.inputs().get(1);
            byte[] values = model.int8Values(tensor);
            int zeros = 0;
            for (byte v : values) {
                if (v == 0) {
                    zeros++;
                }
            }
            rows.add(new Row(tensor, op.op(), values.length, zeros));
        }
        return new TfliteSparsity(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /** The row of weight tensor {@code tensor}. */
    public Row row(String tensor) {
        return rows.stream().filter(r -> r.tensor.equals(tensor)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No weight tensor '" + tensor + "'; the weight tensors are "
                        + rows.stream().map(Row::tensor).toList()));
    }

    public long weights() {
        return rows.stream().mapToLong(Row::weights).sum();
    }

    public long zeros() {
        return rows.stream().mapToLong(Row::zeros).sum();
    }

    /** Zeros over all weight tensors together. */
    public double overall() {
        long weights = weights();
        return weights == 0 ? 0 : (double) zeros() / weights;
    }

    /** tensor, op, weights, zeros, sparsity (a fraction), and a last row "all weights" summing them. */
    public Table table() {
        StringColumn tensor = StringColumn.create("tensor");
        StringColumn op = StringColumn.create("op");
        IntColumn weights = IntColumn.create("weights");
        IntColumn zeros = IntColumn.create("int8 zeros");
        DoubleColumn sparsity = DoubleColumn.create("sparsity");
        for (Row r : rows) {
            tensor.append(r.tensor);
            op.append(r.op);
            weights.append(r.weights);
            zeros.append(r.zeros);
            sparsity.append(r.sparsity());
        }
        tensor.append("all weights");
        op.append("");
        weights.append((int) weights());
        zeros.append((int) zeros());
        sparsity.append(overall());
        return Table.create("Sparsity counted in the .tflite file", tensor, op, weights, zeros, sparsity);
    }

    @Override
    public String toString() {
        return table().print();
    }
}
