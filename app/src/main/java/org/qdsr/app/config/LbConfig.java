package org.qdsr.app.config;

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
 */
public record LbConfig(String source, String name, HostPort listen, LoadBalancerCore.Mode mode, String policy,
                       List<Backend> backends, List<Route> routes, ControlTlsConfig control, Path cert, Path key,
                       HostPort metrics, LogFormat logFormat, Boolean ackFrequency,
                       Boolean hyStart, Integer drainTimeoutSeconds) {
    /** Seconds a stopping LB waits for in-flight requests by default. */
    public static final int DEFAULT_DRAIN_TIMEOUT_SECONDS = 10;

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
        return new LbConfig(source, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
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
        root.finish();
        return new LbConfig(file.toString(), name, listen, mode, policy, backends, routes, control, cert, key,
                metrics, log, ackFrequency, hyStart, drain);
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
                or(flags.drainTimeoutSeconds, drainTimeoutSeconds));
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
        ControlTlsConfig c = ControlTlsConfig.check(control, source);
        return new LbConfig(source, or(name, "lb"), listen, or(mode, LoadBalancerCore.Mode.AUTO),
                or(policy, "round-robin"), backends, rs, c, cert, key, metrics, logFormat, or(ackFrequency, true),
                or(hyStart, true), or(drainTimeoutSeconds, DEFAULT_DRAIN_TIMEOUT_SECONDS));
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
        String tlsWhere = p.where(flags.control != null && flags.control.tlsDir() != null, "--control-tls",
                "control.tls");
        p.directory(tlsWhere, control.tlsDir());
        p.controlTlsFiles(tlsWhere, control.tlsDir(), name, "--lb-name");
    }

    /** How long a stopping LB waits for in-flight requests (of a resolved configuration). */
    public java.time.Duration drainTimeout() {
        return java.time.Duration.ofSeconds(drainTimeoutSeconds);
    }

    /** The load balancer's settings for a resolved configuration (mode, ACK frequency, HyStart++). */
    public LoadBalancerCore.Settings settings() {
        LoadBalancerCore.Settings s = LoadBalancerCore.Settings.defaults().withMode(mode);
        org.qdsr.quic.connection.ConnectionConfig cc = s.connectionConfig();
        if (Boolean.FALSE.equals(ackFrequency)) {
            cc = cc.withAckFrequency(null, false);
        }
        if (Boolean.FALSE.equals(hyStart)) {
            cc = cc.withHyStart(false);
        }
        return s.withConnectionConfig(cc);
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
