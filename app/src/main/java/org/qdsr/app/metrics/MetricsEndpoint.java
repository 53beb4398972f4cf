package org.qdsr.app.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.qdsr.app.net.HostPort;

/**
 * {@code --metrics HOST:PORT}: an HTTP server answering {@code GET /metrics} in the Prometheus text
 * format, with its own registry (never the JVM-wide default one) and one daemon thread.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HTTPServer server;
    private final InetSocketAddress address;

    private MetricsEndpoint(HTTPServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /** Binds {@code listen} (port 0 picks a free port) and serves the collectors' metrics. */
    public static MetricsEndpoint start(HostPort listen, MultiCollector... collectors) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        for (MultiCollector c : collectors) {
            registry.register(c);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "qdsr-metrics");
            t.setDaemon(true);
            return t;
        });
        InetSocketAddress bind = listen.resolve();
        HTTPServer server;
        try {
            server = HTTPServer.builder().inetAddress(bind.getAddress()).port(bind.getPort())
                    .registry(registry).executorService(executor).buildAndStart();
        } catch (IOException e) {
            executor.shutdownNow();
            // name the address: "Address already in use" alone does not say which of a server's sockets
            throw new IOException("metrics " + HostPort.format(bind) + ": " + e.getMessage(), e);
        }
        return new MetricsEndpoint(server, new InetSocketAddress(bind.getAddress(), server.getPort()));
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** Where to scrape. */
    public String url() {
        return "http://" + HostPort.format(address) + "/metrics";
    }

    @Override
    public void close() {
        server.close();
    }
}
