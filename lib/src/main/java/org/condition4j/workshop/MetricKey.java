package org.condition4j.workshop;

import java.util.Locale;

/**
 * Every figure a notebook records in a model's metrics JSON, spelled once: its name in the file
 * is the constant's name in lower case. The notebooks write them; {@link NpuOverview}, the model
 * cards and the test runner's checks read them. An accuracy key also has its 95 % interval beside
 * it ({@link Metrics#putAccuracy}). Vela's figures are keyed by {@code VelaReport.metrics()}.
 */
public enum MetricKey {
    /** Which model the file is: baseline, float, post_training_quant, ... */
    MODEL,
    /**
     * Accuracy of the float network the file was exported from, as it was just before export: the
     * baseline for the float and post-training files, the technique's own fine-tuned network for
     * QAT, pruning, clustering and PCQAT (never the baseline's there: that is
     * {@link #BASELINE_FLOAT_ACCURACY}). {@link NpuOverview#FLOAT_ACCURACY_COLUMN} shows it.
     */
    FLOAT_ACCURACY,
    /** Accuracy of the int8 file, run by LiteRT. */
    INT8_ACCURACY,
    /** Accuracy of the plain post-training int8 model a technique is compared with. */
    BASELINE_INT8_ACCURACY,
    /** Accuracy of the trained baseline float network. */
    BASELINE_FLOAT_ACCURACY,
    /** Accuracy of the clustered float network, before and after fine-tuning. */
    CLUSTERED_FLOAT_ACCURACY_BEFORE_FINE_TUNING,
    CLUSTERED_FLOAT_ACCURACY,
    /** Exact McNemar p-value of the int8 file against the float file on the same images. */
    INT8_P_VS_FLOAT,
    /** Exact McNemar p-value of the int8 file against the plain post-training int8 model. */
    INT8_P_VS_BASELINE_INT8,
    /** How many test images the accuracies were measured on. */
    EVAL_IMAGES,
    /** Test images of the baseline's accuracy; training images and epochs. */
    TEST_IMAGES,
    TRAIN_IMAGES,
    EPOCHS,
    FINE_TUNE_EPOCHS,
    SECONDS_PER_EPOCH,
    FINE_TUNE_SECONDS,
    /** Calibration of post-training quantization. */
    CALIBRATION_SAMPLES,
    CALIBRATION_SECONDS,
    /** The fake-quantized network's own accuracy, and how often it predicts what its int8 file does. */
    QAT_NETWORK_ACCURACY,
    QAT_NETWORK_AGREEMENT,
    /** Pruning: the schedule, and the share of zero weights counted in the file. */
    SCHEDULE,
    SPARSITY,
    /** Clustering: clusters per layer (or channel), the initialisation, distinct weight values. */
    CLUSTERS,
    CENTROID_INIT,
    UNIQUE_WEIGHTS,
    BASELINE_UNIQUE_WEIGHTS,
    /** The most distinct int8 values in one output channel of any weight tensor, counted in the file. */
    MAX_DISTINCT_PER_CHANNEL,
    /** Vela's NPU-encoded weights on the Ethos-U55-128 as a share of the plain post-training int8 model's. */
    ENCODED_WEIGHTS_VS_BASELINE_INT8_U55,
    /** File sizes, raw and gzip-compressed, of the model and of what it is compared with. */
    SIZE_BYTES,
    GZIP_BYTES,
    FLOAT_SIZE_BYTES,
    FLOAT_GZIP_BYTES,
    BASELINE_INT8_SIZE_BYTES,
    BASELINE_INT8_GZIP_BYTES;

    /** The key's name in the metrics JSON. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name of the lower end of this accuracy's 95 % interval. */
    public String intervalLow() {
        return json() + "_ci95_low";
    }

    /** The name of the upper end of this accuracy's 95 % interval. */
    public String intervalHigh() {
        return json() + "_ci95_high";
    }
}
