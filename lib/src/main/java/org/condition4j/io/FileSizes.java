package org.condition4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * File sizes as the original TensorFlow examples report them: raw bytes on disk, and bytes after
 * gzip compression at the highest level (which is where pruned zeros and clustered repeats pay
 * off).
 */
public final class FileSizes {
    private FileSizes() {}

    public static long raw(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    public static long gzip(Path file) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(buffer) {
                {
                    def.setLevel(Deflater.BEST_COMPRESSION);
                }
            }) {
                Files.copy(file, gzip);
            }
            return buffer.size();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot compress " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code bytes} in kilobytes (1000 bytes), for tables. */
    public static double kilobytes(long bytes) {
        return bytes / 1000.0;
    }

    /**
     * A size Vela reports in KiB (1,024 bytes) as bytes, so that it is written in kB like every
     * other size.
     */
    public static long bytesOfKiB(double kib) {
        return Math.round(kib * 1024);
    }

    /** A size Vela reports in KiB in kilobytes (1000 bytes), for tables. */
    public static double kilobytesOfKiB(double kib) {
        return kilobytes(bytesOfKiB(kib));
    }
}
