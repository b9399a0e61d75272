package org.condition4j.qat;

import org.condition4j.testing.TestSeed;
import org.condition4j.workshop.Workshop;
import org.condition4j.data.Mnist;
import org.condition4j.model.SeedCnn;
import org.condition4j.model.Training;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.OutputStream;
import java.io.PrintStream;

/** Shared test material: MNIST and a briefly trained seed CNN, made once per test JVM. */
final class QatFixtures {
    static final int BATCH = 64;

    private static Mnist mnist;
    private static MultiLayerNetwork seed;
    private static DataSet trainingImages;

    private QatFixtures() {}

    /** MNIST from the project's data folder. */
    static synchronized Mnist mnist() {
        if (mnist == null) {
            mnist = Workshop.mnist();
        }
        return mnist;
    }

    /** The seed CNN after one pass over 2,000 training images (about 90 % accurate); do not modify it. */
    static synchronized MultiLayerNetwork trainedSeed() {
        if (seed == null) {
            seed = SeedCnn.create(TestSeed.of(SeedCnn.SEED));
            quietly(seed).fit(mnist().train(BATCH, 2_000), null, 1);
        }
        return seed;
    }

    /** The {@code index}-th batch of {@link #BATCH} training images (index < 8). */
    static synchronized DataSet trainBatch(int index) {
        if (trainingImages == null) {
            trainingImages = mnist().trainSample(8 * BATCH);
        }
        INDArrayIndex rows = NDArrayIndex.interval((long) index * BATCH, (long) (index + 1) * BATCH);
        return new DataSet(trainingImages.getFeatures().get(rows, NDArrayIndex.all()).dup(),
                trainingImages.getLabels().get(rows, NDArrayIndex.all()).dup());
    }

    /** A plain float network holding the QAT network's fake-quantized weights. */
    static MultiLayerNetwork quantizedWeightCopy(QatModel qat) {
        MultiLayerNetwork plain = qat.strip();
        for (int i = 0; i < plain.getnLayers(); i++) {
            Layer conf = qat.network().getLayerWiseConfigurations().getConf(i).getLayer();
            if (conf instanceof BaseLayer weighted && weighted.getWeightNoise() instanceof WeightFakeQuant) {
                plain.getLayer(i).setParam("W", WeightFakeQuant.fakeQuantize(plain.getLayer(i).getParam("W"), conf));
            }
        }
        return plain;
    }

    /** Training without the progress bar. */
    static Training quietly(MultiLayerNetwork net) {
        return Training.of(net).printingTo(new PrintStream(OutputStream.nullOutputStream()));
    }
}
