package org.qdsr.app.cluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code qdsr} command ({@code rs}, {@code lb}) running in a child JVM on the test's own
 * class path (the jar is not built yet when app's tests run). Keeps the child's output in a
 * temporary file and waits for a line with the expected prefix; {@link #close} kills it.
 */
final class NodeProcess implements AutoCloseable {
    private final String label;
    private final Process process;
    private final Path log;

    private NodeProcess(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -cp <test class path> org.qdsr.app.Main ARGS} and waits for a line starting
     * with {@code readyPrefix}. The child writes into a file, not a pipe: a pipe's last lines can be
     * lost when the JDK closes it at the child's exit while a reader is still in it ("Stream
     * closed"), and the tests read what a stopped process printed last.
     */
    static NodeProcess start(String label, String readyPrefix, List<String> args) throws IOException,
            InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.qdsr.app.Main");
        cmd.addAll(args);
        Path log = Files.createTempFile("qdsr-" + label + "-", ".log");
        log.toFile().deleteOnExit();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeProcess node = new NodeProcess(label, p, log);
        if (!node.awaitLine(readyPrefix, TimeUnit.SECONDS.toNanos(30))) {
            node.close();
            throw new IOException(label + " did not become ready; output:\n" + node.output());
        }
        return node;
    }

    /** Polls the output until a line starts with {@code prefix}; false after the timeout or the child's exit. */
    private boolean awaitLine(String prefix, long timeoutNanos) throws InterruptedException {
        long end = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < end) {
            boolean alive = process.isAlive();
            if (output().lines().anyMatch(l -> l.startsWith(prefix))) {
                return true;
            }
            if (!alive) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Everything the child printed so far (stdout and stderr). */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "[cannot read " + log + ": " + e + "]";
        }
    }

    String label() {
        return label;
    }

    /** SIGTERM, then the exit code within {@code timeoutSeconds} (-1 if it is still running: then killed). */
    int terminate(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            kill();
            return -1;
        }
        return process.exitValue();
    }

    /** Sends signal {@code name} ("HUP", ...) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** A UDP port that was free on 127.0.0.1 a moment ago. */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago. */
    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** Closes every node, keeping going past failures. */
    static void closeAll(List<NodeProcess> nodes) {
        for (NodeProcess n : nodes) {
            try {
                n.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every node's output, for assertion messages. */
    static String logs(List<NodeProcess> nodes) {
        StringBuilder sb = new StringBuilder();
        for (NodeProcess n : nodes) {
            sb.append("--- ").append(n.label).append(" ---\n").append(n.output());
        }
        return sb.toString();
    }
}
