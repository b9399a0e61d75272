"""Times epochs of the seed CNN in TensorFlow/Keras, for the DL4J training-speed benchmark.

usage: keras_epoch.py MNIST_DIR IMAGES EPOCHS

The same network as SeedCnn (three 3x3 convolutions with 32 filters and ReLU, 'same' padding,
two 2x2 max pools, a 10-way softmax, Glorot-uniform weights), Adam 1e-3, batch 128, the first
IMAGES training images. Prints one line per epoch: "epoch SECONDS".
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def idx(path, offset):
    return np.fromfile(path, dtype=np.uint8)[offset:]


def main():
    mnist, images, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    x = idx(os.path.join(mnist, "train-images-idx3-ubyte"), 16).reshape(-1, 28, 28, 1)[:images].astype(np.float32) / 255.0
    y = idx(os.path.join(mnist, "train-labels-idx1-ubyte"), 8)[:images]
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([
        tf.keras.layers.Input((28, 28, 1)),
        tf.keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        tf.keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=True)
        print(f"epoch {time.perf_counter() - start:.3f}", flush=True)


if __name__ == "__main__":
    main()
