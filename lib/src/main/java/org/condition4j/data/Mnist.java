package org.condition4j.data;

import org.condition4j.backend.Backend;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MNIST, read by Deeplearning4j's own iterator from the IDX files that {@code setup.sh} puts in
 * {@code data/mnist}. Images come as rows of 784 pixels in [0, 1] with one-hot labels; the seed
 * CNN's input layer reshapes them to 28x28x1.
 */
public final class Mnist {
    public static final int TRAIN_SIZE = 60_000;
    public static final int TEST_SIZE = 10_000;
    public static final int HEIGHT = 28;
    public static final int WIDTH = 28;
    public static final int CLASSES = 10;

    /** The shuffling seed of the training iterator, so runs are repeatable. */
    public static final long SHUFFLE_SEED = 123;

    private static final Set<Path> VERIFIED = ConcurrentHashMap.newKeySet();

    private final Path dir;

    private Mnist(Path dir) {
        this.dir = dir;
    }

    /** MNIST from a folder holding the four original IDX files; checked against their SHA-256. */
    public static Mnist from(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!VERIFIED.contains(absolute)) {
            verify(absolute);
            VERIFIED.add(absolute);
        }
        Backend.start();
        return new Mnist(absolute);
    }

    /** Shuffled training batches over the first {@code limit} training images. */
    public MnistBatches train(int batchSize, int limit) {
        return iterator(batchSize, limit, true, true);
    }

    /** Test batches, in file order, over the first {@code limit} test images. */
    public MnistBatches test(int batchSize, int limit) {
        return iterator(batchSize, limit, false, false);
    }

    /** The first {@code count} training images as one data set (the representative set). */
    public DataSet trainSample(int count) {
        return iterator(count, count, true, false).next();
    }

    /** The first {@code count} test images as one data set. */
    public DataSet testSample(int count) {
        return iterator(count, count, false, false).next();
    }

    private MnistBatches iterator(int batchSize, int limit, boolean train, boolean shuffle) {
        int available = train ? TRAIN_SIZE : TEST_SIZE;
        if (limit < 1 || limit > available) {
            throw new IllegalArgumentException("limit " + limit + " is outside 1.." + available);
        }
        try {
            return new MnistBatches(batchSize, limit, train, shuffle, SHUFFLE_SEED, dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read MNIST from " + dir + ": " + e.getMessage()
                    + "; run ./setup.sh to fetch it again", e);
        }
    }

    /** The expected file names and SHA-256 sums, kept in the repository beside this class. */
    static Map<String, String> expectedSums() {
        Map<String, String> sums = new LinkedHashMap<>();
        try (InputStream in = Mnist.class.getResourceAsStream("mnist.sha256")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2) {
                    sums.put(parts[1], parts[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sums;
    }

    private static void verify(Path dir) {
        for (Map.Entry<String, String> entry : expectedSums().entrySet()) {
            Path file = dir.resolve(entry.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("MNIST file " + file + " is missing; run ./setup.sh to fetch MNIST");
            }
            String actual = sha256(file);
            if (!actual.equals(entry.getValue())) {
                throw new IllegalStateException("MNIST file " + file + " is corrupt (SHA-256 " + actual
                        + ", expected " + entry.getValue() + "); delete " + dir + " and run ./setup.sh");
            }
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + "; run ./setup.sh", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
