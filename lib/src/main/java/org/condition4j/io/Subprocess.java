package org.condition4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program with a time-out that really fires: its output (stdout and stderr
 * together) goes to a temporary file, not a pipe, so waiting never blocks on a child that hangs
 * without printing; on time-out the program and its descendants are killed.
 */
public final class Subprocess {
    private Subprocess() {}

    /** What a finished program printed and its exit code. */
    public record Result(int exitCode, String output) {}

    /**
     * Runs {@code command} and waits at most {@code timeout}.
     *
     * @param what names the job in error messages, e.g. "Vela on model.tflite"
     * @throws IllegalStateException if it does not finish in time (the message says what was printed)
     */
    public static Result run(List<String> command, Duration timeout, String what) {
        Path log = null;
        try {
            log = Files.createTempFile("condition4j-subprocess", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(process);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
            if (!finished) {
                kill(process);
                throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds()
                        + " s and was stopped; output so far:\n" + lastLines(Files.readString(log), 15));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + what + " (" + command.get(0) + "): " + e.getMessage(), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code count} lines of {@code text}. */
    public static String lastLines(String text, int count) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
