package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs qdsr commands in-process, as {@code bin/qdsr} would, capturing their output. */
final class CliHarness {
    private CliHarness() {
    }

    /** Exit code plus what the command printed. */
    record Run(int exitCode, String out, String err, byte[] stdoutBytes) {
    }

    /** Runs {@code qdsr ARGS} to completion. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream bodies = new ByteArrayOutputStream();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        CommandLine get = cl.getSubcommands().get("get");
        ((GetCommand) get.getCommand()).stdout(bodies);
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString(), bodies.toByteArray());
    }

    /** A {@code qdsr server} running on a background thread; close() stops it like SIGINT. */
    static final class RunningServer implements AutoCloseable {
        final ServerCommand command = new ServerCommand();
        final StringWriter out = new StringWriter();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();

        RunningServer(String... args) throws InterruptedException {
            CommandLine cl = new CommandLine(command);
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(out, true));
            Thread t = new Thread(() -> exit.complete(cl.execute(args)), "test-server");
            t.setDaemon(true);
            t.start();
            assertThat(command.awaitReady(30, TimeUnit.SECONDS)).as("server ready; output: %s", out).isTrue();
            assertThat(out.toString()).contains("listening on 127.0.0.1:" + port());
        }

        int port() {
            return command.boundAddress().getPort();
        }

        @Override
        public void close() throws Exception {
            command.stop();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    /** Writes files of the given sizes (random content) under {@code root}; returns name → content. */
    static Map<String, byte[]> writeFiles(Path root, Map<String, Integer> sizes) throws IOException {
        return TestFiles.write(root, sizes, sizes.size());
    }
}
