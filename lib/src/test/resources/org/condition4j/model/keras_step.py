"""Runs training steps of the seed CNN in TensorFlow/Keras for the op-by-op training-speed benchmark.

usage: keras_step.py MNIST_DIR WARMUP STEPS

The network of keras_epoch.py (SeedCnn in Keras), Adam 1e-3, batch 128. One fit over WARMUP+STEPS
batches; prints "WINDOW <start ms> <end ms> <ms per step> <process CPU ms per step>" for the last STEPS steps, the start and end
in milliseconds since the epoch (the clock of oneDNN's verbose timestamps), so that oneDNN's log lines
of those steps can be picked out. TF_NUM_THREADS, if set, fixes TensorFlow's intra- and inter-op threads.
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


class Window(tf.keras.callbacks.Callback):
    def __init__(self, first, steps):
        super().__init__()
        self.first, self.steps = first, steps

    def on_train_batch_begin(self, batch, logs=None):
        if batch == self.first:
            self.start, self.clock, self.cpu = time.time() * 1000, time.perf_counter(), time.process_time()

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.first + self.steps - 1:
            per_step = (time.perf_counter() - self.clock) * 1000 / self.steps
            cpu = (time.process_time() - self.cpu) * 1000 / self.steps
            print(f"WINDOW {self.start:.3f} {time.time() * 1000:.3f} {per_step:.3f} {cpu:.3f}", flush=True)


def main():
    mnist, warmup, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if os.environ.get("TF_NUM_THREADS"):
        tf.config.threading.set_intra_op_parallelism_threads(int(os.environ["TF_NUM_THREADS"]))
        tf.config.threading.set_inter_op_parallelism_threads(int(os.environ["TF_NUM_THREADS"]))
    images = (warmup + steps) * 128
    x = np.fromfile(os.path.join(mnist, "train-images-idx3-ubyte"), dtype=np.uint8)[16:].reshape(-1, 28, 28, 1)
    x = (x[:images] / 255.0).astype(np.float32)
    y = np.fromfile(os.path.join(mnist, "train-labels-idx1-ubyte"), dtype=np.uint8)[8:][:images]
    tf.keras.utils.set_random_seed(42)
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Input((28, 28, 1)),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=False, callbacks=[Window(warmup, steps)])


if __name__ == "__main__":
    main()
