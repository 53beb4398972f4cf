package org.qdsr.testbed.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.qdsr.testbed.NsProcess;
import org.qdsr.testbed.QdsrJar;
import org.qdsr.testbed.TestbedException;

/**
 * Runs the user-space link emulator ({@code org.qdsr.testbed.link.LinkEmulatorMain}, this module)
 * as a process in the client's namespace, listening on the client's address and relaying to the
 * VIP with the path's delay, loss and trace. Available only when that class is on the classpath.
 */
public final class LinkEmulatorStep implements PathEmulator {
    static final String MAIN = "org.qdsr.testbed.link.LinkEmulatorMain";
    private static final int FIRST_PORT = 5400;

    private final Path traces;
    private int nextPort = FIRST_PORT;

    public LinkEmulatorStep(Path traces) {
        this.traces = traces;
    }

    /** Whether the emulator's main class is on this JVM's classpath. */
    public static boolean available() {
        try {
            Class.forName(MAIN, false, LinkEmulatorStep.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The Mahimahi traces folder: {@code -Dqdsr.traces}, else the first {@code shared/traces} above cwd. */
    public static Path defaultTraces() {
        String configured = System.getProperty("qdsr.traces", System.getenv("QDSR_TRACES"));
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("shared/traces"))) {
                return d.resolve("shared/traces");
            }
        }
        return Path.of("/work/shared/traces");
    }

    @Override
    public boolean supports(LinkPath path) {
        return path.trace() == null || Files.isRegularFile(traces.resolve(path.trace() + ".down"));
    }

    @Override
    public Handle open(Cluster cluster, String client, LinkPath path) {
        if (path.direct()) {
            return NONE.open(cluster, client, path);
        }
        String listen = cluster.topology().host(client).address() + ":" + (nextPort++);
        Path stats = cluster.topology().workDir().resolve("link-" + path.name() + "-" + nextPort + ".stats");
        QdsrJar qdsr = QdsrJar.locate();
        // the emulator's CLI uses picocli and app classes: the shaded qdsr.jar provides them
        String classpath = System.getProperty("java.class.path") + java.io.File.pathSeparator + qdsr.jar();
        List<String> cmd = new ArrayList<>(List.of(qdsr.java().toString(), "-cp", classpath, MAIN, "--listen", listen, "--target", Cluster.VIP_TARGET,
                "--delay-ms", Integer.toString(path.rttMs() / 2),
                "--loss", String.format(Locale.ROOT, "%.4f", path.lossPercent() / 100), "--stats-file",
                stats.toString()));
        if (path.trace() != null) {
            cmd.addAll(List.of("--down-trace", traces.resolve(path.trace() + ".down").toString(), "--up-trace",
                    traces.resolve(path.trace() + ".up").toString()));
        }
        NsProcess p = cluster.topology().start(client, "link-" + path.name() + "-" + client + "-" + nextPort, cmd);
        try {
            p.awaitOutput("ready", Duration.ofSeconds(20));
        } catch (TestbedException e) {
            p.close();
            throw e;
        }
        return new Handle() {
            @Override
            public String target() {
                return listen;
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }
}
