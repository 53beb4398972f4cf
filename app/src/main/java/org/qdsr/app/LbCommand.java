package org.qdsr.app;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.qdsr.app.config.ConfigException;
import org.qdsr.app.config.Flags;
import org.qdsr.app.config.LbConfig;
import org.qdsr.app.metrics.LbCollector;
import org.qdsr.app.metrics.Logs;
import org.qdsr.app.metrics.MetricsEndpoint;
import org.qdsr.app.net.HostPort;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.lb.LoadBalancer;
import org.qdsr.lb.LoadBalancerCore;
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

    @Option(names = "--check", description = "check the configuration (file, flags, hosts, folders, files) and exit:"
            + " 0 if it is usable, 2 with the problem otherwise")
    private boolean check;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML settings (docs/operations.md); flags override")
    private Path config;

    @Option(names = "--listen", paramLabel = "VIP:PORT", description = "virtual IP and UDP port")
    private String listen;

    @Option(names = "--backend", paramLabel = "[NAME=]HOST:PORT[*WEIGHT]",
            description = "a real server's control address (repeatable; replaces the file's backends)")
    private List<String> backends = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE",
            description = "auto (isolated when the client supports server paths, else instructed), isolated (as auto:"
                    + " clients without server paths get instructed), instructed or proxy")
    private String mode;

    @Option(names = "--policy", paramLabel = "POLICY",
            description = "round-robin (default), least-outstanding, weighted or hash:HEADER")
    private String policy;

    @Option(names = "--control-tls", paramLabel = "DIR", description = "folder written by 'qdsr certs'")
    private Path controlTls;

    @Option(names = "--insecure-control", description = "plain TCP control channel (loopback backends only)")
    private boolean insecureControl;

    @Option(names = "--name", paramLabel = "NAME", description = "node name (default: lb)")
    private String name;

    @Option(names = "--cert", paramLabel = "PEM", description = "TLS certificate chain for clients")
    private Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "TLS private key for clients")
    private Path key;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "serve Prometheus metrics at /metrics")
    private String metrics;

    @Option(names = "--ack-frequency", arity = "1", paramLabel = "true|false",
            description = "ask clients that support it for fewer ACKs (ACK_FREQUENCY; default true)")
    private Boolean ackFrequency;

    @Option(names = "--hystart", arity = "1", paramLabel = "true|false",
            description = "leave the initial slow start when the RTT rises (HyStart++, RFC 9406; default true)")
    private Boolean hyStart;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS",
            description = "on SIGTERM: GOAWAY, then wait this long for requests in flight before closing (default 10)")
    private Integer drainTimeout;

    @Option(names = "--retry", paramLabel = "WHEN",
            description = "send new clients a Retry (address validation, RFC 9000 8.1.2): always, never, or a number N"
                    + " = while N or more handshakes are in progress (default 1000)")
    private String retry;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "32+ secret bytes shared by the VIP's LBs and kept across restarts (stateless resets, tokens);"
                    + " default: vip.secret in the --control-tls folder if there")
    private Path secretFile;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "client connections at most; new ones beyond are dropped (default 10000)")
    private Integer maxConnections;

    @Option(names = "--max-connections-per-client", paramLabel = "N",
            description = "connections one client (IPv4 address, IPv6 /64) holds at most once its address is"
                    + " proven; beyond, CONNECTION_REFUSED (default 0: no limit)")
    private Integer maxConnectionsPerClient;

    @Option(names = "--max-request-body", paramLabel = "BYTES",
            description = "largest request body taken, in bytes (a larger one is answered 413; default 1 MiB,"
                    + " at most 15 MiB)")
    private Integer maxRequestBody;

    @Option(names = "--early-data", arity = "1", paramLabel = "true|false",
            description = "accept 0-RTT from resuming clients; their requests reach the real servers marked"
                    + " early-data: 1 (RFC 8470) for origins to refuse with 425 (default true)")
    private Boolean earlyData;

    @Option(names = "--coalesce-us", paramLabel = "US",
            description = "receive coalescing of the event loop, like a NIC's rx-usecs: while datagrams arrive more"
                    + " often than once per US microseconds, serve them in one turn per US instead of waking for each"
                    + " (fewer wake-ups and control writes per datagram, at most US added wait; default "
                    + LbConfig.DEFAULT_COALESCE_MICROS + ", 0 off)")
    private Integer coalesceMicros;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text or json: one line per log event")
    private String logFormat;

    // ---- several LBs for one VIP (docs/operations.md) ------------------------------------------
    @Option(names = "--lb-id", paramLabel = "N",
            description = "this LB's id (0..255), encoded in every connection ID it issues (QUIC-LB plaintext)")
    private Integer lbId;

    @Option(names = "--peer", paramLabel = "ID=HOST:PORT",
            description = "another LB of the VIP and its --forward-listen address (repeatable): datagrams of its"
                    + " connections that reach this LB are passed to it instead of being reset")
    private List<String> peers = new ArrayList<>();

    @Option(names = "--forward-listen", paramLabel = "HOST:PORT",
            description = "where this LB receives datagrams its peers pass to it (UDP, authenticated)")
    private String forwardListen;

    @Option(names = "--access-log", paramLabel = "FILE|-",
            description = "log each request stream this LB handles, one JSON line each, appended to FILE (- = stdout)")
    private String accessLog;

    private final ServiceLifecycle life = new ServiceLifecycle();
    private volatile InetSocketAddress vipAddress;
    private volatile InetSocketAddress metricsAddress;
    private volatile LbReload reload;
    private LbConfig flagValues;

    @Override
    public Integer call() throws Exception {
        try {
            LbConfig c = settings();
            if (check) {
                int n = c.backends().size();
                spec.commandLine().getOut().println("configuration OK: " + n + (n == 1 ? " backend, " : " backends, ")
                        + c.routes().size() + " routes, mode " + c.mode().name().toLowerCase(Locale.ROOT));
                return Main.OK;
            }
            return run(c);
        } finally {
            life.finished();
        }
    }

    /** The file's settings (if any) with the flags over them, resolved; usage errors exit with 2. */
    private LbConfig settings() {
        CommandLine cl = spec.commandLine();
        try {
            LbConfig flags = new LbConfig("command line", name, Flags.hostPort("--listen", listen),
                    Flags.mode(mode), Flags.policy(policy),
                    backends.isEmpty() ? null : Flags.backends(backends), null,
                    Flags.control(null, controlTls, insecureControl), cert, key,
                    Flags.hostPort("--metrics", metrics), Flags.logFormat(logFormat), ackFrequency,
                    hyStart, drainTimeout, Flags.retry(retry), maxConnections, maxRequestBody,
                    secretFile, org.qdsr.app.config.Peers.flags(lbId, peers, forwardListen), accessLog,
                    coalesceMicros, earlyData, maxConnectionsPerClient);
            flagValues = flags;
            LbConfig base = config == null ? LbConfig.empty("") : LbConfig.load(Flags.configFile(config));
            LbConfig resolved = base.overriddenBy(flags).resolve();
            resolved.checkReferences(flags);
            resolved.settings(); // reads and checks the secret file
            return resolved;
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    private int run(LbConfig c) throws Exception {
        if (c.logFormat() != null) {
            Logs.install(c.logFormat());
        }
        List<LoadBalancer.BackendSpec> specs = LbReload.specs(c);
        InetSocketAddress vip = c.listen().resolve();
        PrintWriter out = spec.commandLine().getOut();
        ControlTls tls = c.control().isInsecure() ? ControlTls.insecureLoopback()
                : ControlTls.fromDirectory(c.control().tlsDir(), c.name());
        try (ServerTlsContext serverTls = c.cert() != null ? ServerTlsContext.fromPem(c.cert(), c.key(), ServerCommand.ALPN)
                : ServerTlsContext.selfSigned(ServerCommand.ALPN, List.of("localhost", c.listen().host()))) {
            if (c.cert() == null) {
                out.println("self-signed certificate, SPKI SHA-256: " + serverTls.spkiSha256Base64());
            }
            serverTls.setAcceptEarlyData(c.earlyData());
            try (ClientTlsReload tlsReload = new ClientTlsReload(serverTls, c); // certificates reloads make
                 AccessLogFile accessLogFile = c.accessLog() == null ? null : AccessLogFile.open(c.accessLog());
                 LoadBalancer lb = LoadBalancer.start(vip, serverTls, specs, tls, c.name(),
                    c.settings(), c.router(), c.peeringSettings());
                 MetricsEndpoint endpoint = c.metrics() == null ? null
                         : MetricsEndpoint.start(c.metrics(), new LbCollector(lb))) {
                if (accessLogFile != null) {
                    lb.setAccessLog(accessLogFile);
                }
                lb.setCoalescing(c.coalesceNanos());
                out.println("lb " + c.name() + ": listening on " + HostPort.format(lb.address()) + " (mode "
                        + c.mode().name().toLowerCase(Locale.ROOT) + ", " + specs.size()
                        + (specs.size() == 1 ? " backend)" : " backends)"));
                if (c.secretFile() != null) {
                    out.println("stateless-reset and address-token keys derived from " + c.secretFile());
                }
                if (endpoint != null) {
                    metricsAddress = endpoint.address();
                    out.println("metrics on " + endpoint.url());
                }
                out.flush();
                reload = new LbReload(config, flagValues, c, lb, tlsReload);
                life.onSignal("HUP", () -> {
                    String line = "lb " + c.name() + ": " + reload.reload();
                    synchronized (out) {
                        out.println(line);
                        out.flush();
                    }
                });
                vipAddress = lb.address();
                life.allowDrain(c.drainTimeout());
                life.runUntilStopped("qdsr-lb");
                boolean drained = lb.drain(c.drainTimeout());
                out.println("lb " + c.name() + ": stopped; " + lb.metrics() + " udp " + lb.counters() + " shutdown: "
                        + (drained ? "every connection finished" : "drain timeout, the rest closed"));
                out.flush();
            }
        }
        return Main.OK;
    }

    /** Waits until the load balancer runs (true) or failed to start (false); for in-process callers. */
    public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
        return life.awaitReady(timeout, unit) && vipAddress != null;
    }

    /** The bound VIP once ready. */
    public InetSocketAddress vipAddress() {
        return vipAddress;
    }

    /** The metrics endpoint's address once ready, or null without --metrics. */
    public InetSocketAddress metricsAddress() {
        return metricsAddress;
    }


    /** Reloads the configuration file as SIGHUP does (for in-process callers); returns the line it printed. */
    public String reload() {
        LbReload r = reload;
        return r == null ? "not running" : r.reload();
    }

    /** Makes {@link #call} close the load balancer and return (what SIGTERM does). */
    public void stop() {
        life.stop();
    }
}
