package org.condition4j.data;

import org.deeplearning4j.datasets.iterator.impl.MnistDataSetIterator;

import java.io.File;
import java.io.IOException;

/** DL4J's MNIST iterator that also says how many batches an epoch has (for progress bars). */
public final class MnistBatches extends MnistDataSetIterator {
    MnistBatches(int batchSize, int limit, boolean train, boolean shuffle, long seed, File dir) throws IOException {
        super(batchSize, limit, false, train, shuffle, seed, dir);
    }

    public int batchesPerEpoch() {
        return (numExamples + batch - 1) / batch;
    }
}
