package org.qdsr.app.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.qdsr.app.net.HostPort;
import org.qdsr.lb.LoadBalancerCore;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.lb.routing.Rule;
import org.qdsr.quic.endpoint.QuicServerEndpoint;

/**
 * Settings of {@code qdsr lb}, from a YAML file ({@link #load}), from flags, or both
 * ({@link #overriddenBy}: flags win). A null field is "not set"; {@link #resolve} fills defaults
 * and checks that the whole is usable. The schema is documented in docs/operations.md.
 *
 * @param source the file the values came from, for error messages ("lb.yaml"; "" for flags alone)
 * @param ackFrequency whether the LB asks clients that support it (min_ack_delay) for fewer ACKs with
 *     ACK_FREQUENCY frames (draft-ietf-quic-ack-frequency); on by default, off is the kill switch
 * @param hyStart whether the LB's congestion controllers leave their initial slow start on an RTT
 *     rise (HyStart++, RFC 9406); on by default
 * @param drainTimeoutSeconds how long a stopping LB lets its connections finish the requests they
 *     already sent after GOAWAY (RFC 9114 §5.2) before it closes them; default
 *     {@value #DEFAULT_DRAIN_TIMEOUT_SECONDS}, 0 closes at once
 * @param retryThreshold new clients get a Retry (RFC 9000 §8.1.2) while this many handshakes are in
 *     progress: 0 always, {@link QuicServerEndpoint.Settings#NEVER_RETRY} never; default
 *     {@value LoadBalancerCore.Settings#DEFAULT_RETRY_THRESHOLD} ({@link #parseRetry})
 * @param maxConnections client connections at most; default
 *     {@value LoadBalancerCore.Settings#DEFAULT_MAX_CONNECTIONS}
 * @param maxRequestBody the largest request body the LB takes (it hands the request over whole; a
 *     larger one is answered 413);
 *     default {@value LoadBalancerCore.Settings#DEFAULT_MAX_REQUEST_BODY} bytes, at most
 *     {@value LoadBalancerCore.Settings#MAX_REQUEST_BODY_LIMIT}
 * @param secretFile at least 32 secret bytes shared by the LBs of the VIP, kept across restarts,
 *     from which the stateless-reset and address-token keys are derived; default
 *     {@value #SECRET_FILE_NAME} in the control TLS folder when it is there (written by {@code qdsr certs})
 * @param peering this LB's id and its peers when several LBs serve the VIP ({@link Peers}); null: none
 * @param accessLog where each request stream the LB handled is logged, one JSON line each: a file
 *     (appended) or {@code -} for standard output; null: none
 * @param coalesceMicros the event loop's receive-coalescing window in microseconds (like a NIC's
 *     rx-usecs: while datagrams come more often than once per window, the loop serves them in one
 *     turn per window instead of waking for each; {@link org.qdsr.io.UdpEventLoop#coalesce});
 *     default {@value #DEFAULT_COALESCE_MICROS}, 0 off, at most {@value #MAX_COALESCE_MICROS}
 * @param earlyData whether a resuming client's 0-RTT is accepted (RFC 9001 §4.6; its requests are
 *     forwarded marked {@code early-data: 1}, RFC 8470); on by default, reloadable
 * @param maxConnectionsPerClient connections one client (IPv4 address, IPv6 /64) holds at most, once
 *     its address is proven; 0 (the default) is no limit
 */
public record LbConfig(String source, String name, HostPort listen, LoadBalancerCore.Mode mode, String policy,
                       List<Backend> backends, List<Route> routes, ControlTlsConfig control, Path cert, Path key,
                       HostPort metrics, LogFormat logFormat, Boolean ackFrequency,
                       Boolean hyStart, Integer drainTimeoutSeconds, Integer retryThreshold, Integer maxConnections,
                       Integer maxRequestBody, Path secretFile, Peers peering, String accessLog,
                       Integer coalesceMicros, Boolean earlyData, Integer maxConnectionsPerClient) {
    /** The endpoint secret's file name in the control TLS folder ({@code qdsr certs} writes it). */
    public static final String SECRET_FILE_NAME = "vip.secret";
    /** Seconds a stopping LB waits for in-flight requests by default. */
    public static final int DEFAULT_DRAIN_TIMEOUT_SECONDS = 10;
    /** The receive-coalescing window by default: the load balancer's own. */
    public static final int DEFAULT_COALESCE_MICROS = org.qdsr.lb.LoadBalancer.DEFAULT_COALESCE_MICROS;
    /** The longest window: beyond it the wait would eat into the clients' ACK delay budget. */
    public static final int MAX_COALESCE_MICROS = 10_000;

    /** A real server to connect to. */
    public record Backend(String name, HostPort address, int weight) {
    }

    /** Requests for {@code host} (null: any) whose path starts with {@code pathPrefix} go to {@code backends}. */
    public record Route(String host, String pathPrefix, List<String> backends, String policy) {
        public Route {
            backends = List.copyOf(backends);
        }
    }

    public LbConfig {
        backends = backends == null ? null : List.copyOf(backends);
        routes = routes == null ? null : List.copyOf(routes);
    }

    /** Nothing set. */
    public static LbConfig empty(String source) {
        return new LbConfig(source, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    /** Reads and checks the shape of {@code file}; unknown keys are errors. */
    public static LbConfig load(Path file) throws ConfigException {
        YamlNode root = YamlNode.load(file);
        String name = root.string("name");
        HostPort listen = root.hostPort("listen");
        LoadBalancerCore.Mode mode = parseMode(root.string("mode"), root, "mode");
        String policy = checkPolicy(root.string("policy"), root, "policy");
        List<Backend> backends = null;
        if (root.has("backends")) {
            backends = new ArrayList<>();
            for (YamlNode b : root.children("backends")) {
                backends.add(backend(b));
            }
        }
        List<Route> routes = new ArrayList<>();
        for (YamlNode r : root.children("routes")) {
            routes.add(route(r));
        }
        ControlTlsConfig control = ControlTlsConfig.read(root.child("control"), false);
        Path cert = null;
        Path key = null;
        YamlNode tls = root.child("tls");
        if (tls != null) {
            cert = tls.file("cert");
            key = tls.file("key");
            tls.finish();
        }
        HostPort metrics = root.hostPort("metrics");
        LogFormat log = LogFormat.read(root, "log-format");
        Boolean ackFrequency = root.bool("ack-frequency");
        Boolean hyStart = root.bool("hystart");
        Integer drain = root.integer("drain-timeout-seconds");
        Integer retry = parseRetry(root.string("retry"), root, "retry");
        Integer maxConnections = root.integer("max-connections");
        Integer maxRequestBody = root.integer("max-request-body");
        Path secret = root.file("secret-file");
        Peers peering = Peers.read(root);
        String accessLog = root.string("access-log");
        Integer coalesce = root.integer("coalesce-us");
        Boolean earlyData = root.bool("early-data");
        Integer perClient = root.integer("max-connections-per-client");
        root.finish();
        return new LbConfig(file.toString(), name, listen, mode, policy, backends, routes, control, cert, key,
                metrics, log, ackFrequency, hyStart, drain, retry, maxConnections, maxRequestBody, secret, peering,
                accessLog, coalesce, earlyData, perClient);
    }

    private static Backend backend(YamlNode b) throws ConfigException {
        String name = b.string("name");
        HostPort address = b.hostPort("address");
        Integer weight = b.integer("weight");
        b.finish();
        if (name == null) {
            throw b.error("name", "required");
        }
        if (address == null) {
            throw b.error("address", "required (HOST:PORT of the real server's control listener)");
        }
        if (weight != null && weight < 1) {
            throw b.error("weight", "must be at least 1, got " + weight);
        }
        return new Backend(name, address, weight == null ? 1 : weight);
    }

    private static Route route(YamlNode r) throws ConfigException {
        String host = r.string("host");
        String prefix = r.string("path-prefix");
        List<String> backends = r.strings("backends");
        String policy = checkPolicy(r.string("policy"), r, "policy");
        r.finish();
        if (prefix != null && !prefix.startsWith("/")) {
            throw r.error("path-prefix", "must start with '/', got '" + prefix + "'");
        }
        if (backends == null || backends.isEmpty()) {
            throw r.error("backends", "required: the names of the backends that serve this route");
        }
        return new Route(host, prefix, backends, policy);
    }

    static LoadBalancerCore.Mode parseMode(String text, YamlNode node, String key) throws ConfigException {
        if (text == null) {
            return null;
        }
        try {
            return LoadBalancerCore.Mode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String problem = "unknown mode '" + text + "' (auto, isolated, instructed, proxy)";
            throw node == null ? new ConfigException(key + ": " + problem) : node.error(key, problem);
        }
    }

    /**
     * When new clients get a Retry: {@code always} (0), {@code never}, or a number N of handshakes
     * in progress from which on they do; null for null.
     */
    static Integer parseRetry(String text, YamlNode node, String key) throws ConfigException {
        if (text == null) {
            return null;
        }
        switch (text.toLowerCase(Locale.ROOT)) {
            case "always":
                return 0;
            case "never":
                return QuicServerEndpoint.Settings.NEVER_RETRY;
            default:
                try {
                    int n = Integer.parseInt(text);
                    if (n >= 0) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                String problem = "expected always, never or a number of handshakes in progress (0 or more), got '"
                        + text + "'";
                throw node == null ? new ConfigException(key + ": " + problem) : node.error(key, problem);
        }
    }

    private static String checkPolicy(String text, YamlNode node, String key) throws ConfigException {
        if (text != null) {
            try {
                Policy.parse(text);
            } catch (IllegalArgumentException e) {
                throw node.error(key, e.getMessage());
            }
        }
        return text;
    }

    /**
     * These values, with every field that {@code flags} sets replacing this one's; errors about
     * the result name this one's source (the file) and, where they apply, the flags.
     */
    public LbConfig overriddenBy(LbConfig flags) {
        return new LbConfig(source, or(flags.name, name), or(flags.listen, listen),
                or(flags.mode, mode), or(flags.policy, policy), or(flags.backends, backends), or(flags.routes, routes),
                flags.control != null ? ControlTlsConfig.overlay(control, flags.control) : control,
                or(flags.cert, cert), or(flags.key, key), or(flags.metrics, metrics), or(flags.logFormat, logFormat),
                or(flags.ackFrequency, ackFrequency), or(flags.hyStart, hyStart),
                or(flags.drainTimeoutSeconds, drainTimeoutSeconds), or(flags.retryThreshold, retryThreshold),
                or(flags.maxConnections, maxConnections), or(flags.maxRequestBody, maxRequestBody),
                or(flags.secretFile, secretFile),
                Peers.overlay(peering, flags.peering),
                or(flags.accessLog, accessLog), or(flags.coalesceMicros, coalesceMicros),
                or(flags.earlyData, earlyData), or(flags.maxConnectionsPerClient, maxConnectionsPerClient));
    }

    static <T> T or(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    /** Fills defaults and checks the combination; the result has no null field except the optional ones. */
    public LbConfig resolve() throws ConfigException {
        if (listen == null) {
            throw fail("listen (--listen)", "required (the VIP:PORT to serve clients on)");
        }
        if (backends == null || backends.isEmpty()) {
            throw fail("backends (--backend)", "at least one backend is required");
        }
        if ((cert == null) != (key == null)) {
            throw fail("tls (--cert, --key)", "cert and key go together, got only " + (cert == null ? "key" : "cert"));
        }
        Set<String> names = new HashSet<>();
        for (Backend b : backends) {
            if (!names.add(b.name())) {
                throw fail("backends", "duplicate backend name '" + b.name() + "'");
            }
        }
        List<Route> rs = routes == null ? List.of() : routes;
        for (int i = 0; i < rs.size(); i++) {
            for (String n : rs.get(i).backends()) {
                if (!names.contains(n)) {
                    throw fail("routes[" + i + "].backends", "no backend named '" + n + "' (known: " + names + ")");
                }
            }
        }
        if (drainTimeoutSeconds != null && drainTimeoutSeconds < 0) {
            throw fail("drain-timeout-seconds (--drain-timeout)", "must be 0 or more, was " + drainTimeoutSeconds);
        }
        if (maxConnectionsPerClient != null && maxConnectionsPerClient < 0) {
            throw fail("max-connections-per-client (--max-connections-per-client)", "must be 0 (no limit) or more, was "
                    + maxConnectionsPerClient);
        }
        if (maxConnections != null && maxConnections < 1) {
            throw fail("max-connections (--max-connections)", "must be 1 or more, was " + maxConnections);
        }
        if (maxRequestBody != null && (maxRequestBody < 0
                || maxRequestBody > LoadBalancerCore.Settings.MAX_REQUEST_BODY_LIMIT)) {
            throw fail("max-request-body (--max-request-body)", "must be 0.."
                    + LoadBalancerCore.Settings.MAX_REQUEST_BODY_LIMIT + " bytes (a request travels whole in one"
                    + " control message), was " + maxRequestBody);
        }
        if (coalesceMicros != null && (coalesceMicros < 0 || coalesceMicros > MAX_COALESCE_MICROS)) {
            throw fail("coalesce-us (--coalesce-us)", "must be 0.." + MAX_COALESCE_MICROS + " microseconds, was "
                    + coalesceMicros);
        }
        ControlTlsConfig c = ControlTlsConfig.check(control, source);
        Path secret = secretFile;
        if (secret == null && c.tlsDir() != null && Files.isRegularFile(c.tlsDir().resolve(SECRET_FILE_NAME))) {
            secret = c.tlsDir().resolve(SECRET_FILE_NAME);
        }
        if (peering != null) {
            peering.check(source, secret != null);
        }
        return new LbConfig(source, or(name, "lb"), listen, or(mode, LoadBalancerCore.Mode.AUTO),
                or(policy, "round-robin"), backends, rs, c, cert, key, metrics, logFormat, or(ackFrequency, true),
                or(hyStart, true), or(drainTimeoutSeconds, DEFAULT_DRAIN_TIMEOUT_SECONDS),
                or(retryThreshold, LoadBalancerCore.Settings.DEFAULT_RETRY_THRESHOLD),
                or(maxConnections, LoadBalancerCore.Settings.DEFAULT_MAX_CONNECTIONS),
                or(maxRequestBody, LoadBalancerCore.Settings.DEFAULT_MAX_REQUEST_BODY), secret, peering, accessLog,
                or(coalesceMicros, DEFAULT_COALESCE_MICROS), or(earlyData, true), or(maxConnectionsPerClient, 0));
    }

    private ConfigException fail(String field, String problem) {
        return ConfigException.at(source, field, problem);
    }

    /**
     * For resolved settings: the hosts they name resolve and their files and folders exist.
     * Errors name the flag that set the value (in {@code flags}), else the file's key.
     */
    public void checkReferences(LbConfig flags) throws ConfigException {
        Preflight p = new Preflight(source);
        p.resolves(p.where(flags.listen != null, "--listen", "listen"), listen);
        for (int i = 0; i < backends.size(); i++) {
            Backend b = backends.get(i);
            p.resolves(p.where(flags.backends != null, "--backend " + b.name() + "=" + b.address(),
                    "backends[" + i + "].address"), b.address());
        }
        p.resolves(p.where(flags.metrics != null, "--metrics", "metrics"), metrics);
        p.readableFile(p.where(flags.cert != null, "--cert", "tls.cert"), cert);
        p.readableFile(p.where(flags.key != null, "--key", "tls.key"), key);
        p.readableFile(p.where(flags.secretFile != null, "--secret-file", "secret-file"), secretFile);
        if (peering != null) {
            boolean flagPeers = flags.peering != null && flags.peering.peers() != null;
            for (int i = 0; peering.peers() != null && i < peering.peers().size(); i++) {
                Peers.Peer peer = peering.peers().get(i);
                p.resolves(p.where(flagPeers, "--peer " + peer.id() + "=" + peer.address(), "peers[" + i
                        + "].address"), peer.address());
            }
            p.resolves(p.where(flags.peering != null && flags.peering.forwardListen() != null, "--forward-listen",
                    "forward-listen"), peering.forwardListen());
        }
        String tlsWhere = p.where(flags.control != null && flags.control.tlsDir() != null, "--control-tls",
                "control.tls");
        p.directory(tlsWhere, control.tlsDir());
        p.controlTlsFiles(tlsWhere, control.tlsDir(), name, "--lb-names");
        if (accessLog != null && !"-".equals(accessLog)) {
            Path parent = Path.of(accessLog).toAbsolutePath().getParent();
            p.directory(p.where(flags.accessLog != null, "--access-log", "access-log"), parent);
        }
    }

    /** The event loop's receive-coalescing window in nanoseconds (of a resolved configuration). */
    public long coalesceNanos() {
        return coalesceMicros * 1000L;
    }

    /** How long a stopping LB waits for in-flight requests (of a resolved configuration). */
    public java.time.Duration drainTimeout() {
        return java.time.Duration.ofSeconds(drainTimeoutSeconds);
    }

    /**
     * The load balancer's settings for a resolved configuration (mode, ACK frequency, HyStart++,
     * admission, the endpoint secret read from {@link #secretFile}).
     */
    public LoadBalancerCore.Settings settings() throws ConfigException {
        LoadBalancerCore.Settings s = LoadBalancerCore.Settings.defaults().withMode(mode);
        org.qdsr.quic.connection.ConnectionConfig cc = s.connectionConfig();
        if (Boolean.FALSE.equals(ackFrequency)) {
            cc = cc.withAckFrequency(null, false);
        }
        if (Boolean.FALSE.equals(hyStart)) {
            cc = cc.withHyStart(false);
        }
        s = s.withRetryThreshold(or(retryThreshold, LoadBalancerCore.Settings.DEFAULT_RETRY_THRESHOLD))
                .withMaxConnections(or(maxConnections, LoadBalancerCore.Settings.DEFAULT_MAX_CONNECTIONS))
                .withMaxConnectionsPerClient(or(maxConnectionsPerClient, 0))
                .withMaxRequestBody(or(maxRequestBody, LoadBalancerCore.Settings.DEFAULT_MAX_REQUEST_BODY))
                .withEndpointSecret(readSecret());
        return s.withConnectionConfig(cc);
    }

    private byte[] readSecret() throws ConfigException {
        if (secretFile == null) {
            return null;
        }
        byte[] secret;
        try {
            secret = Files.readAllBytes(secretFile);
        } catch (java.io.IOException e) {
            throw ConfigException.at(source, "secret-file (--secret-file)", "cannot read " + secretFile + ": " + e);
        }
        if (secret.length < QuicServerEndpoint.Settings.MIN_SECRET_LENGTH) {
            throw ConfigException.at(source, "secret-file (--secret-file)", secretFile + " has " + secret.length
                    + " bytes, needs at least " + QuicServerEndpoint.Settings.MIN_SECRET_LENGTH
                    + " (e.g. head -c 32 /dev/urandom > FILE)");
        }
        return secret;
    }

    /** The LB-to-LB settings of a resolved configuration; null when no lb id is set. */
    public org.qdsr.lb.Peering peeringSettings() throws java.net.UnknownHostException {
        return peering == null ? null : peering.toPeering();
    }

    /** The router of a resolved configuration: one fresh policy per route (policies keep state). */
    public Router router() {
        List<Rule> rules = new ArrayList<>();
        for (Route r : routes) {
            rules.add(new Rule(r.host(), r.pathPrefix(), r.backends(), r.policy() == null ? null : Policy.parse(r.policy())));
        }
        return new Router(rules, Policy.parse(policy));
    }
}
