package org.qdsr.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process inside a namespace ({@code ip netns exec} execs the command, so the
 * process id is the command's own). Stdout and stderr go to one log file.
 */
public final class NsProcess implements AutoCloseable {
    private final String label;
    private final Process process;
    private final Path log;

    NsProcess(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.log = log;
    }

    static NsProcess start(String label, List<String> command, Path log) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            return new NsProcess(label, p, log);
        } catch (IOException e) {
            throw new TestbedException("cannot start " + label + ": " + String.join(" ", command), e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    public String label() {
        return label;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The log so far (stdout and stderr merged). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Waits until the log contains {@code text}; fails with the log when the process exits first
     * or the time runs out.
     */
    public void awaitOutput(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive()) {
                throw new TestbedException(label + " exited (" + process.exitValue() + ") before printing '"
                        + text + "'; log:\n" + output());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TestbedException(label + " did not print '" + text + "' within " + timeout
                        + "; log:\n" + output());
            }
            sleep(50);
        }
    }

    /** Waits for the process to exit; returns its exit code, or throws after {@code timeout}. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TestbedException(label + " still running after " + timeout + "; log:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted waiting for " + label, e);
        }
    }

    /** SIGTERM, then SIGKILL after two seconds; also ends any children it left. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Sleeps; an interrupt ends the wait with a {@link TestbedException} (the flag stays set). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted", e);
        }
    }
}
