package org.condition4j.runtime;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;

/**
 * How closely a .tflite file, run by LiteRT ({@link LiteRt#outputs}), reproduces the DL4J network it was
 * exported from, on the same images: same predicted class, output differences, and how often
 * every output is within one int8 softmax step (1/256).
 */
public record NetworkAgreement(int images, int sameClass, int withinOneStep, double largestDifference,
                               int networkCorrect) {

    /** One step of an int8 softmax output (scale 1/256). */
    public static final double SOFTMAX_STEP = 1.0 / 256;

    /** {@code net} against the file {@code tflite} exported from it, which {@code liteRt} runs on {@code examples}. */
    public static NetworkAgreement of(MultiLayerNetwork net, Path tflite, DataSet examples, LiteRt liteRt) {
        float[][] networkOutputs = outputs(net, examples.getFeatures());
        long[] labels = examples.getLabels().argMax(1).toLongVector();
        float[][] outputs = liteRt.outputs(tflite, examples);
        int sameClass = 0;
        int withinOneStep = 0;
        int networkCorrect = 0;
        double largest = 0;
        for (int i = 0; i < outputs.length; i++) {
            float[] fileOutputs = outputs[i];
            int networkClass = 0;
            int fileClass = 0;
            double difference = 0;
            for (int k = 0; k < fileOutputs.length; k++) {
                double expected = networkOutputs[i][k];
                difference = Math.max(difference, Math.abs(fileOutputs[k] - expected));
                if (fileOutputs[k] > fileOutputs[fileClass]) {
                    fileClass = k;
                }
                if (expected > networkOutputs[i][networkClass]) {
                    networkClass = k;
                }
            }
            sameClass += fileClass == networkClass ? 1 : 0;
            withinOneStep += difference <= SOFTMAX_STEP ? 1 : 0;
            networkCorrect += networkClass == labels[i] ? 1 : 0;
            largest = Math.max(largest, difference);
        }
        return new NetworkAgreement(outputs.length, sameClass, withinOneStep, largest, networkCorrect);
    }

    /** Images per forward pass: one pass over 10,000 images allocates ~1 GB of activations and takes twice as long. */
    private static final int BATCH = 1_000;

    /** The network's outputs, batch by batch, as a Java array (reading an INDArray element by element is slow). */
    private static float[][] outputs(MultiLayerNetwork net, INDArray features) {
        int n = (int) features.size(0);
        float[][] outputs = new float[n][];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            float[][] batch = net.output(features.get(NDArrayIndex.interval(from, to)), false).toFloatMatrix();
            System.arraycopy(batch, 0, outputs, from, to - from);
        }
        return outputs;
    }

    /** Share of images on which network and file predict the same class. */
    public double classAgreement() {
        return (double) sameClass / images;
    }

    /** Share of images on which every output is within one int8 softmax step. */
    public double withinOneStepShare() {
        return (double) withinOneStep / images;
    }

    /** The network's own accuracy on these images. */
    public double networkAccuracy() {
        return (double) networkCorrect / images;
    }
}
