package org.qdsr.app;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.qdsr.app.net.HostPort;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.lb.LoadBalancer;
import org.qdsr.lb.LoadBalancerCore;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.tls.ServerTlsContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code qdsr lb}: the load balancer on a VIP, handing requests to real servers. */
@Command(name = "lb", mixinStandardHelpOptions = true,
        description = "Run a QDSR load balancer until SIGINT/SIGTERM.")
public final class LbCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "VIP:PORT", description = "virtual IP and UDP port")
    private String listen;

    @Option(names = "--backend", required = true, paramLabel = "[NAME=]HOST:PORT[*WEIGHT]",
            description = "a real server's control address (repeatable)")
    private List<String> backends = new ArrayList<>();

    @Option(names = "--mode", defaultValue = "auto", paramLabel = "MODE",
            description = "auto (isolated when the client supports server paths, else proxy), isolated or proxy")
    private String mode;

    @Option(names = "--policy", defaultValue = "round-robin", paramLabel = "POLICY",
            description = "round-robin, least-outstanding, weighted or hash:HEADER")
    private String policy;

    @Option(names = "--control-tls", paramLabel = "DIR", description = "folder written by 'qdsr certs'")
    private Path controlTls;

    @Option(names = "--insecure-control", description = "plain TCP control channel (loopback backends only)")
    private boolean insecureControl;

    @Option(names = "--name", defaultValue = "lb", paramLabel = "NAME", description = "node name (default: ${DEFAULT-VALUE})")
    private String name;

    @Option(names = "--cert", paramLabel = "PEM", description = "TLS certificate chain for clients")
    private Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "TLS private key for clients")
    private Path key;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (insecureControl == (controlTls != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "exactly one of --control-tls DIR or --insecure-control is required");
        }
        if ((cert == null) != (key == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cert and --key go together");
        }
        LoadBalancerCore.Mode m;
        Policy p;
        List<LoadBalancer.BackendSpec> specs = new ArrayList<>();
        try {
            m = LoadBalancerCore.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
            p = Policy.parse(policy);
            for (int i = 0; i < backends.size(); i++) {
                specs.add(LoadBalancer.BackendSpec.parse(backends.get(i), i));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        HostPort hp = HostPort.parse(listen);
        InetSocketAddress vip = hp.resolve();
        PrintWriter out = spec.commandLine().getOut();
        ControlTls tls = insecureControl ? ControlTls.insecureLoopback() : ControlTls.fromDirectory(controlTls, name);
        try (ServerTlsContext serverTls = cert != null ? ServerTlsContext.fromPem(cert, key, ServerCommand.ALPN)
                : ServerTlsContext.selfSigned(ServerCommand.ALPN, List.of("localhost", hp.host()))) {
            if (cert == null) {
                out.println("self-signed certificate, SPKI SHA-256: " + serverTls.spkiSha256Base64());
            }
            try (LoadBalancer lb = LoadBalancer.start(vip, serverTls, specs, tls, name,
                    LoadBalancerCore.Settings.defaults().withMode(m), new Router(List.of(), p))) {
                Thread hook = new Thread(this::stopAndWait, "qdsr-lb-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                out.println("lb " + name + ": listening on " + HostPort.format(lb.address()) + " (mode " + mode
                        + ", " + specs.size() + " backends)");
                out.flush();
                stop.await();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        } finally {
            closed.countDown();
        }
        return Main.OK;
    }

    private void stopAndWait() {
        stop.countDown();
        try {
            closed.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes {@link #call} close the load balancer and return (what SIGTERM does). */
    public void stop() {
        stop.countDown();
    }
}
