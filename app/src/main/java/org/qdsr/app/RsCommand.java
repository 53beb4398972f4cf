package org.qdsr.app;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.qdsr.app.config.ConfigException;
import org.qdsr.app.config.Flags;
import org.qdsr.app.config.RsConfig;
import org.qdsr.app.metrics.Logs;
import org.qdsr.app.metrics.MetricsEndpoint;
import org.qdsr.app.metrics.RsCollector;
import org.qdsr.app.net.HostPort;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.rs.RealServer;
import org.qdsr.rs.content.ContentSource;
import org.qdsr.rs.content.DirectorySource;
import org.qdsr.rs.content.OriginSource;
import org.qdsr.rs.content.ServedBy;
import org.qdsr.rs.content.SyntheticSource;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code qdsr rs}: a real server that sends responses handed off by LBs straight to clients. */
@Command(name = "rs", mixinStandardHelpOptions = true,
        description = "Run a QDSR real server until SIGINT/SIGTERM.")
public final class RsCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--check", description = "check the configuration (file, flags, hosts, folders, files) and exit:"
            + " 0 if it is usable, 2 with the problem otherwise")
    private boolean check;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML settings (docs/operations.md); flags override")
    private Path config;

    @Option(names = "--control", paramLabel = "HOST:PORT", description = "control address LBs connect to")
    private String control;

    @Option(names = "--vip", paramLabel = "VIP:PORT", description = "the LB's virtual IP and port")
    private String vip;

    @Option(names = "--control-tls", paramLabel = "DIR", description = "folder written by 'qdsr certs'")
    private Path controlTls;

    @Option(names = "--insecure-control", description = "plain TCP control channel (loopback only)")
    private boolean insecureControl;

    @Option(names = "--name", paramLabel = "NAME", description = "node name (default: rs)")
    private String name;

    @Option(names = "--bind", paramLabel = "MODE",
            description = "send socket: AUTO (default), WILDCARD (0.0.0.0:PORT, single host) or EXACT (VIP:PORT, multi host)")
    private RealServer.Bind bind;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "serve Prometheus metrics at /metrics")
    private String metrics;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text or json: one line per log event")
    private String logFormat;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS",
            description = "on SIGTERM: tell the LBs, then finish streams in progress for up to this long (default 10)")
    private Integer drainTimeout;

    @Option(names = "--access-log", paramLabel = "FILE|-",
            description = "log each response this server ends, one JSON line each, appended to FILE (- = stdout)")
    private String accessLog;

    @Option(names = "--hystart", arity = "1", paramLabel = "true|false",
            description = "leave the initial slow start when the RTT rises (HyStart++, RFC 9406; default true)")
    private Boolean hyStart;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private ContentChoice content;

    static final class ContentChoice {
        @Option(names = "--root", paramLabel = "DIR", description = "serve files")
        Path root;
        @Option(names = "--origin", paramLabel = "URL",
                description = "proxy an HTTP/1.1 origin http://HOST:PORT or https://HOST:PORT")
        URI origin;
        @Option(names = "--synthetic", description = "serve /bytes/N and /delay/MS/bytes/N")
        boolean synthetic;
    }

    @Option(names = "--origin-ca", paramLabel = "PEM",
            description = "with an https origin: the certificates its certificate must chain to (default: the JDK's"
                    + " trust store)")
    private Path originCa;

    private final ServiceLifecycle life = new ServiceLifecycle();
    private volatile InetSocketAddress controlAddress;
    private volatile InetSocketAddress metricsAddress;

    @Override
    public Integer call() throws Exception {
        try {
            RsConfig c = settings();
            if (check) {
                spec.commandLine().getOut().println("configuration OK: rs " + c.name() + ", control "
                        + c.control().listen() + ", VIP " + c.vip());
                return Main.OK;
            }
            return run(c);
        } finally {
            life.finished();
        }
    }

    /** The file's settings (if any) with the flags over them, resolved; usage errors exit with 2. */
    private RsConfig settings() {
        CommandLine cl = spec.commandLine();
        try {
            if (originCa != null && (content == null || content.origin == null
                    || !"https".equals(content.origin.getScheme()))) {
                throw new CommandLine.ParameterException(cl, "--origin-ca goes with an https:// --origin");
            }
            if (content != null && content.origin != null && !OriginSource.isOriginUrl(content.origin)) {
                throw new CommandLine.ParameterException(cl, "--origin: expected http://HOST:PORT or https://HOST:PORT,"
                        + " got " + content.origin);
            }
            RsConfig.Content c = content == null ? null
                    : new RsConfig.Content(content.root, content.origin, content.synthetic, originCa);
            RsConfig flags = new RsConfig("command line", name, Flags.hostPort("--vip", vip), bind,
                    Flags.control(Flags.hostPort("--control", control), controlTls, insecureControl), c,
                    Flags.hostPort("--metrics", metrics), Flags.logFormat(logFormat), drainTimeout, hyStart, accessLog);
            RsConfig base = config == null ? RsConfig.empty("") : RsConfig.load(Flags.configFile(config));
            RsConfig resolved = base.overriddenBy(flags).resolve();
            resolved.checkReferences(flags);
            return resolved;
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    private int run(RsConfig c) throws Exception {
        if (c.logFormat() != null) {
            Logs.install(c.logFormat());
        }
        InetSocketAddress controlAddr = c.control().listen().resolve();
        InetSocketAddress vipAddr = c.vip().resolve();
        String nodeName = c.name();
        ControlTls tls = c.control().isInsecure() ? ControlTls.insecureLoopback()
                : ControlTls.fromDirectory(c.control().tlsDir(), nodeName);
        PrintWriter out = spec.commandLine().getOut();
        Function<Executor, ContentSource> base = sources(c.content());
        Function<Executor, ContentSource> named = loop -> new ServedBy(base.apply(loop), nodeName);
        try (AccessLogFile accessLog = c.accessLog() == null ? null : AccessLogFile.open(c.accessLog());
             RealServer rs = RealServer.start(controlAddr, vipAddr, c.bind(), tls, nodeName, named,
                c.coreConfig());
             MetricsEndpoint endpoint = c.metrics() == null ? null
                     : MetricsEndpoint.start(c.metrics(), new RsCollector(rs))) {
            if (accessLog != null) {
                rs.setAccessLog(accessLog);
            }
            out.println("rs " + nodeName + ": control on " + HostPort.format(rs.controlAddress()) + ", sending from "
                    + HostPort.format(vipAddr));
            if (endpoint != null) {
                metricsAddress = endpoint.address();
                out.println("metrics on " + endpoint.url());
            }
            out.flush();
            controlAddress = rs.controlAddress();
            life.allowDrain(c.drainTimeout());
            life.runUntilStopped("qdsr-rs");
            boolean drained = rs.drain(c.drainTimeout());
            out.println("rs " + nodeName + ": stopped; " + rs.counters() + " shutdown: "
                    + (drained ? "every stream finished" : "drain timeout, the rest cut"));
            out.flush();
        }
        return Main.OK;
    }

    private static Function<Executor, ContentSource> sources(RsConfig.Content content) throws java.io.IOException {
        if (content.root() != null) {
            Path root = content.root();
            return loop -> new DirectorySource(root);
        }
        if (content.origin() != null) {
            URI origin = content.origin();
            java.net.http.HttpClient client = OriginSource.client(originTls(content.originCa()));
            return loop -> new OriginSource(origin, client, loop, OriginSource.DEFAULT_TIMEOUT);
        }
        return loop -> new SyntheticSource();
    }

    /** TLS toward an https origin: trusting exactly {@code caPem}'s certificates, or the JDK's defaults (null). */
    private static javax.net.ssl.SSLContext originTls(Path caPem) throws java.io.IOException {
        if (caPem == null) {
            return null;
        }
        try {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {TrustManagers.fromPem(caPem)}, null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new java.io.IOException("origin TLS: " + e.getMessage(), e);
        }
    }

    /** Waits until the server runs (true) or failed to start (false); for in-process callers. */
    public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
        return life.awaitReady(timeout, unit) && controlAddress != null;
    }

    /** The bound control address once ready. */
    public InetSocketAddress controlAddress() {
        return controlAddress;
    }

    /** The metrics endpoint's address once ready, or null without --metrics. */
    public InetSocketAddress metricsAddress() {
        return metricsAddress;
    }


    /** Makes {@link #call} close the server and return (what SIGTERM does). */
    public void stop() {
        life.stop();
    }
}
