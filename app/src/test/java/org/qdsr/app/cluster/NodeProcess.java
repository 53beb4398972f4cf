package org.qdsr.app.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One {@code qdsr} command ({@code rs}, {@code lb}) running in a child JVM on the test's own
 * class path (the jar is not built yet when app's tests run). Collects the child's output and
 * signals readiness when a line starts with the expected prefix; {@link #close} kills it.
 */
final class NodeProcess implements AutoCloseable {
    private final String label;
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CountDownLatch ready = new CountDownLatch(1);

    private NodeProcess(String label, Process process, String readyPrefix) {
        this.label = label;
        this.process = process;
        Thread reader = new Thread(() -> pump(readyPrefix), "pump-" + label);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java -cp <test class path> org.qdsr.app.Main ARGS} and waits for {@code readyPrefix}. */
    static NodeProcess start(String label, String readyPrefix, List<String> args) throws IOException,
            InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.qdsr.app.Main");
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        NodeProcess node = new NodeProcess(label, p, readyPrefix);
        if (!node.ready.await(30, TimeUnit.SECONDS)) {
            node.close();
            throw new IOException(label + " did not become ready; output:\n" + node.output());
        }
        return node;
    }

    private void pump(String readyPrefix) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith(readyPrefix)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            output.append("[pump: ").append(e).append("]\n");
        }
    }

    String output() {
        return output.toString();
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
