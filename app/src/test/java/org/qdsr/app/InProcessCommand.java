package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** A long-running command ({@code lb}, {@code rs}) run in this JVM on its own thread, for tests. */
public final class InProcessCommand {
    private InProcessCommand() {
    }

    /** A command running on its own thread, stopped like SIGTERM; closing expects exit code 0. */
    public record Running(StringWriter out, Runnable stop, CompletableFuture<Integer> exit) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            stop.run();
            assertThat(exit.get(30, TimeUnit.SECONDS)).as("exit code; output: %s", out).isZero();
        }
    }

    /** Runs {@code command} with {@code args}; {@code stop} is what SIGTERM would do. */
    public static Running start(Callable<Integer> command, Runnable stop, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread t = new Thread(() -> exit.complete(cl.execute(args)), "test-" + command.getClass().getSimpleName());
        t.setDaemon(true);
        t.start();
        return new Running(out, stop, exit);
    }

    /** A UDP port that was free on 127.0.0.1 a moment ago. */
    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }
}
