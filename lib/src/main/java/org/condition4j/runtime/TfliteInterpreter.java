package org.condition4j.runtime;

import org.condition4j.tflite.TfliteVerifier;
import ai.djl.tflite.engine.LibUtils;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.quantize.Int8Scheme;
import org.condition4j.quantize.Int8Scheme.ActivationParams;
import org.condition4j.stats.Accuracy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A .tflite model running in the real TensorFlow Lite 2.6 interpreter, in this process. DJL's
 * TFLite engine jar supplies the native library (loaded once, offline); the interpreter is then
 * driven directly with direct byte buffers. Inputs are DL4J features (flat, channel-major, in
 * [0, 1] for MNIST); an int8 model gets them quantized with its input's scale and zero point,
 * exactly as TFLite's QUANTIZE op would. Not thread-safe; close it to free native memory.
 *
 * <pre>{@code
 * try (TfliteInterpreter tflite = TfliteInterpreter.open(path)) {
 *     double accuracy = tflite.accuracy(mnist.testSample(1000));
 * }
 * }</pre>
 */
public final class TfliteInterpreter implements AutoCloseable {
    private static boolean nativeLoaded;

    /** The model bytes; the native interpreter reads them in place, so they must stay reachable. */
    private final ByteBuffer model;
    private final Interpreter interpreter;
    private final int[] inputShape;
    private final int[] outputShape;
    private final boolean int8Input;
    private final boolean int8Output;
    private final ActivationParams inputParams;
    private final ActivationParams outputParams;
    private final ByteBuffer input;
    private final ByteBuffer output;
    /** Every graph output in order (the first is {@link #output}). */
    private final List<OutputTensor> outputs;
    private final Map<Integer, Object> outputBuffers = new HashMap<>();

    private TfliteInterpreter(ByteBuffer model, int threads) {
        this.model = model;
        Interpreter.Options options = new Interpreter.Options();
        options.setNumThreads(threads);
        this.interpreter = new Interpreter(model, options);
        Tensor in = interpreter.getInputTensor(0);
        Tensor out = interpreter.getOutputTensor(0);
        inputShape = in.shape();
        outputShape = out.shape();
        int8Input = in.dataType() == org.tensorflow.lite.DataType.INT8;
        int8Output = out.dataType() == org.tensorflow.lite.DataType.INT8;
        inputParams = int8Input ? params(in) : null;
        outputParams = int8Output ? params(out) : null;
        input = ByteBuffer.allocateDirect(in.numBytes()).order(ByteOrder.nativeOrder());
        List<OutputTensor> all = new ArrayList<>();
        for (int k = 0; k < interpreter.getOutputTensorCount(); k++) {
            Tensor t = interpreter.getOutputTensor(k);
            boolean int8 = t.dataType() == org.tensorflow.lite.DataType.INT8;
            all.add(new OutputTensor(t.name(), t.shape(), int8, int8 ? params(t) : null, t.numBytes()));
            outputBuffers.put(k, ByteBuffer.allocateDirect(t.numBytes()).order(ByteOrder.nativeOrder()));
        }
        outputs = List.copyOf(all);
        output = (ByteBuffer) outputBuffers.get(0);
    }

    /**
     * One output tensor as the interpreter reports it: name, shape, int8 (with its scale and zero
     * point) or float32, and its size in bytes.
     */
    public record OutputTensor(String name, int[] shape, boolean int8, ActivationParams params, int bytes) {
        public OutputTensor {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** This tensor's raw bytes as numbers: dequantized int8, or native-order float32. */
        public float[] decode(byte[] raw) {
            if (raw.length != bytes) {
                throw new IllegalArgumentException("Output '" + name + "' has " + bytes + " bytes, got " + raw.length);
            }
            if (int8) {
                float[] values = new float[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    values[i] = (float) params.dequantize(raw[i]);
                }
                return values;
            }
            float[] values = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).asFloatBuffer().get(values);
            return values;
        }
    }

    /** Loads the model in {@code file} with one interpreter thread. */
    public static TfliteInterpreter open(Path file) {
        return open(file, 1);
    }

    public static TfliteInterpreter open(Path file, int threads) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No .tflite model at " + file.toAbsolutePath());
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return of(bytes, threads, file.toAbsolutePath().toString());
    }

    /** Loads a model from its bytes (e.g. {@link TfliteExport#toBytes()}). */
    public static TfliteInterpreter of(byte[] modelBytes, int threads) {
        return of(modelBytes, threads, "The model bytes");
    }

    private static TfliteInterpreter of(byte[] modelBytes, int threads, String source) {
        // the native interpreter trusts offsets and sizes: a damaged file could crash the JVM
        TfliteVerifier.verify(modelBytes, source);
        loadNative();
        ByteBuffer buffer = ByteBuffer.allocateDirect(modelBytes.length).order(ByteOrder.nativeOrder());
        buffer.put(modelBytes).rewind();
        try {
            return new TfliteInterpreter(buffer, threads);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("The TFLite interpreter rejects " + source + ": " + e.getMessage(), e);
        }
    }

    /** Loads TFLite's native library from DJL's engine jar, without DJL's network telemetry. */
    static synchronized void loadNative() {
        if (nativeLoaded) {
            return;
        }
        if (System.getProperty("offline") == null) {
            System.setProperty("offline", "true");
        }
        LibUtils.loadLibrary();
        nativeLoaded = true;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int[] outputShape() {
        return outputShape.clone();
    }

    public boolean int8Input() {
        return int8Input;
    }

    public boolean int8Output() {
        return int8Output;
    }

    /** Scale and zero point of an int8 input (as stored in the file), or null for float input. */
    public ActivationParams inputParams() {
        return inputParams;
    }

    /** Scale and zero point of an int8 output, or null for float output. */
    public ActivationParams outputParams() {
        return outputParams;
    }

    /** Every output tensor of the graph, in order; the first is the one {@link #runRaw} returns. */
    public List<OutputTensor> outputs() {
        return outputs;
    }

    /**
     * Runs one example of DL4J features and returns the output tensor's raw bytes: int8 values
     * for an int8 output, little-endian float32 for a float output.
     */
    public byte[] runRaw(float[] features) {
        fillInput(features);
        return invoke();
    }

    /** Runs one example given as the input tensor's raw bytes; returns the output's raw bytes. */
    public byte[] runRaw(byte[] inputBytes) {
        fillInput(inputBytes);
        return invoke();
    }

    /**
     * Runs one example given as the input tensor's raw bytes; returns every output tensor's raw
     * bytes, in the order of {@link #outputs()}.
     */
    public byte[][] runRawOutputs(byte[] inputBytes) {
        fillInput(inputBytes);
        input.rewind();
        for (Object buffer : outputBuffers.values()) {
            ((ByteBuffer) buffer).clear();
        }
        interpreter.runForMultipleInputsOutputs(new Object[] {input}, outputBuffers);
        byte[][] raw = new byte[outputs.size()][];
        for (int k = 0; k < raw.length; k++) {
            ByteBuffer buffer = (ByteBuffer) outputBuffers.get(k);
            raw[k] = new byte[buffer.capacity()];
            buffer.rewind();
            buffer.get(raw[k]);
        }
        return raw;
    }

    private void fillInput(byte[] inputBytes) {
        if (inputBytes.length != input.capacity()) {
            throw new IllegalArgumentException("Input has " + inputBytes.length + " bytes; the model's input "
                    + Arrays.toString(inputShape) + " takes " + input.capacity());
        }
        input.clear();
        input.put(inputBytes);
    }

    /** Runs one example; the output as floats (dequantized for an int8 output). */
    public float[] run(float[] features) {
        return decode(runRaw(features));
    }

    /** The class with the highest output for one example. */
    public int predict(float[] features) {
        return argMax(run(features));
    }

    /** Accuracy on every example of {@code data}, whose labels are one-hot. */
    public double accuracy(DataSet data) {
        return evaluate(data).accuracy();
    }

    /**
     * Accuracy and speed on every example of {@code data}, whose labels are one-hot, one image per
     * call in this interpreter. For int8 models on many images {@link LiteRt#evaluate} is much faster.
     */
    public Evaluation evaluate(DataSet data) {
        float[][] rows = rows(data);
        int[] labels = data.getLabels().argMax(1).toIntVector();
        int[] predictions = new int[rows.length];
        long start = System.nanoTime();
        for (int i = 0; i < rows.length; i++) {
            predictions[i] = predict(rows[i]);
        }
        return new Evaluation(labels, predictions, (System.nanoTime() - start) / 1e9);
    }

    /** The examples of {@code data} as flat float rows. */
    static float[][] rows(DataSet data) {
        INDArray features = data.getFeatures();
        long n = features.size(0);
        return features.castTo(DataType.FLOAT).reshape('c', n, features.length() / Math.max(1, n)).toFloatMatrix();
    }

    /**
     * How a model did on a labelled set: each image's label and predicted class, and the seconds
     * it took.
     */
    public record Evaluation(int[] labels, int[] predictions, double seconds) {
        public Evaluation {
            if (labels.length != predictions.length) {
                throw new IllegalArgumentException(labels.length + " labels but " + predictions.length + " predictions");
            }
            labels = labels.clone();
            predictions = predictions.clone();
        }

        public int images() {
            return labels.length;
        }

        public int correct() {
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += labels[i] == predictions[i] ? 1 : 0;
            }
            return correct;
        }

        public double accuracy() {
            return images() == 0 ? Double.NaN : (double) correct() / images();
        }

        /** The accuracy with its 95 % interval. */
        public Accuracy accuracyWithInterval() {
            return new Accuracy(correct(), images());
        }

        /** Per image: was the prediction right? For paired comparisons of models on the same images. */
        public boolean[] hits() {
            boolean[] hits = new boolean[labels.length];
            for (int i = 0; i < labels.length; i++) {
                hits[i] = labels[i] == predictions[i];
            }
            return hits;
        }

        public double imagesPerSecond() {
            return images() / Math.max(seconds, 1e-9);
        }
    }

    /**
     * The input tensor's raw bytes for one example of DL4J features: NHWC, quantized with the
     * input's scale and zero point for an int8 model, native-order float32 otherwise.
     */
    public byte[] encodeInput(float[] features) {
        fillInput(features);
        byte[] bytes = new byte[input.capacity()];
        input.rewind();
        input.get(bytes);
        return bytes;
    }

    private void fillInput(float[] features) {
        int values = elements(inputShape);
        if (features.length != values) {
            throw new IllegalArgumentException("An example has " + features.length + " values; the model's input "
                    + Arrays.toString(inputShape) + " takes " + values);
        }
        float[] nhwc = InferenceGraph.toNhwc(features, inputShape);
        input.clear();
        if (int8Input) {
            for (float v : nhwc) {
                input.put((byte) inputParams.quantize(v));
            }
        } else {
            input.asFloatBuffer().put(nhwc);
        }
    }

    private byte[] invoke() {
        input.rewind();
        output.clear();
        interpreter.run(input, output);
        byte[] bytes = new byte[output.capacity()];
        output.rewind();
        output.get(bytes);
        return bytes;
    }

    /** The first output tensor's raw bytes as floats (dequantized for an int8 output). */
    float[] decode(byte[] raw) {
        return outputs.get(0).decode(raw);
    }

    static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int elements(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static ActivationParams params(Tensor tensor) {
        Tensor.QuantizationParams q = tensor.quantizationParams();
        return new Int8Scheme.ActivationParams(q.getScale(), q.getZeroPoint());
    }

    @Override
    public void close() {
        interpreter.close();
    }
}
