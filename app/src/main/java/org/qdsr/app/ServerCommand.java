package org.qdsr.app;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.qdsr.rs.content.StaticFileHandler;
import org.qdsr.app.metrics.MetricsEndpoint;
import org.qdsr.app.metrics.UdpCollector;
import org.qdsr.app.net.HostPort;
import org.qdsr.app.net.Http3Server;
import org.qdsr.quic.tls.ServerTlsContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code qdsr server}: a plain HTTP/3 file server on this project's stack. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Serve the files under a directory over HTTP/3 (ALPN h3) until SIGINT/SIGTERM.")
public final class ServerCommand implements Callable<Integer> {
    static final List<String> ALPN = List.of("h3");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
            description = "address to bind (port 0 picks a free one)")
    private String listen;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "directory to serve")
    private Path root;

    @Option(names = "--cert", paramLabel = "PEM", description = "certificate chain (leaf first)")
    private Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "private key of the certificate")
    private Path key;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "serve Prometheus metrics at /metrics")
    private String metrics;

    @Option(names = "--retry", description = "validate client addresses with Retry before accepting")
    private boolean retry;

    private final ServiceLifecycle life = new ServiceLifecycle();
    private volatile InetSocketAddress boundAddress;

    @Override
    public Integer call() throws Exception {
        HostPort hp = parseListen();
        if ((cert == null) != (key == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cert and --key go together");
        }
        if (!Files.isDirectory(root)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--root: not a directory: " + root);
        }
        PrintWriter out = spec.commandLine().getOut();
        StaticFileHandler handler = new StaticFileHandler(root);
        ServerTlsContext tls = tlsContext(hp, out);
        HostPort metricsAt = parseMetrics();
        try (Http3Server server = Http3Server.start(hp.resolve(), handler, tls, retry);
             MetricsEndpoint endpoint = metricsAt == null ? null
                     : MetricsEndpoint.start(metricsAt, new UdpCollector("qdsr_server", server.loop().counters()))) {
            boundAddress = server.localAddress();
            out.println("listening on " + HostPort.format(boundAddress));
            if (endpoint != null) {
                out.println("metrics on " + endpoint.url());
            }
            out.flush();
            life.runUntilStopped("qdsr-server");
        } finally {
            life.finished();
        }
        return Main.OK;
    }


    private HostPort parseListen() {
        try {
            return HostPort.parse(listen);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
        }
    }

    private HostPort parseMetrics() {
        try {
            return metrics == null ? null : HostPort.parse(metrics);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics: " + e.getMessage());
        }
    }

    private ServerTlsContext tlsContext(HostPort hp, PrintWriter out) throws java.io.IOException {
        if (cert != null) {
            return ServerTlsContext.fromPem(cert, key, ALPN);
        }
        List<String> names = new ArrayList<>(List.of("localhost"));
        if (!names.contains(hp.host())) {
            names.add(hp.host());
        }
        ServerTlsContext tls = ServerTlsContext.selfSigned(ALPN, names);
        out.println("self-signed certificate for " + String.join(", ", names) + "; SPKI SHA-256: "
                + tls.spkiSha256Base64());
        return tls;
    }


    /** Waits until the server listens (true) or failed to start (false); for in-process callers. */
    public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
        return life.awaitReady(timeout, unit) && boundAddress != null;
    }

    /** The bound address once ready. */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** Makes {@link #call} close the server and return (what SIGINT/SIGTERM do). */
    public void stop() {
        life.stop();
    }
}
