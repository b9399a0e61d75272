package org.condition4j.cluster;

import org.condition4j.data.Mnist;
import org.condition4j.data.MnistBatches;
import org.condition4j.model.Training;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The small CNN trained once per test JVM on a few thousand MNIST images, with its data. The
 * iterators are built once: DL4J's MNIST iterator reads the whole IDX file when created.
 */
final class TrainedBaseline {
    static final int TRAIN_IMAGES = 2048;
    static final int TEST_IMAGES = 1000;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static TrainedBaseline instance;

    final Mnist mnist;
    final MnistBatches train;
    final MnistBatches test;
    final MultiLayerNetwork net;
    final double accuracy;

    private TrainedBaseline() {
        mnist = Nets.mnist();
        train = mnist.train(64, TRAIN_IMAGES);
        test = mnist.test(250, TEST_IMAGES);
        net = Nets.smallCnn(7);
        Training.of(net).printingTo(QUIET).fit(train, null, 3);
        accuracy = accuracy(net);
    }

    static synchronized TrainedBaseline get() {
        if (instance == null) {
            instance = new TrainedBaseline();
        }
        return instance;
    }

    double accuracy(MultiLayerNetwork other) {
        return Training.accuracy(other, test);
    }
}
