package org.qdsr.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import org.qdsr.app.net.HostPort;
import org.qdsr.rs.RealServer;
import org.qdsr.rs.RealServerCore;

/**
 * Settings of {@code qdsr rs}, from a YAML file ({@link #load}), flags, or both (flags win). A null
 * field is "not set"; {@link #resolve} fills defaults and checks the whole. Schema: docs/operations.md.
 *
 * @param drainTimeoutSeconds how long a stopping RS keeps serving the streams it has after telling
 *     the load balancers it drains; default {@value LbConfig#DEFAULT_DRAIN_TIMEOUT_SECONDS}, 0 stops at once
 * @param hyStart whether the congestion controllers of the RS's own packet-number spaces (isolated
 *     mode) leave their initial slow start on an RTT rise (HyStart++, RFC 9406); on by default
 * @param accessLog where each ended response is logged, one JSON line each: a file (appended) or
 *     {@code -} for standard output; null: no access log
 */
public record RsConfig(String source, String name, HostPort vip, RealServer.Bind bind, ControlTlsConfig control,
                       Content content, HostPort metrics, LogFormat logFormat, Integer drainTimeoutSeconds,
                       Boolean hyStart, String accessLog) {
    /**
     * Where response bodies come from: exactly one of a directory, an HTTP/1.1 origin ({@code http}
     * or {@code https}; {@code originCa}: the PEM certificates an https origin's must chain to,
     * null: the JDK's default trust store) or synthetic bytes.
     */
    public record Content(Path root, URI origin, boolean synthetic, Path originCa) {
        public Content(Path root, URI origin, boolean synthetic) {
            this(root, origin, synthetic, null);
        }

        int count() {
            return (root != null ? 1 : 0) + (origin != null ? 1 : 0) + (synthetic ? 1 : 0);
        }
    }

    public static RsConfig empty(String source) {
        return new RsConfig(source, null, null, null, null, null, null, null, null, null, null);
    }

    /** Reads and checks the shape of {@code file}; unknown keys are errors. */
    public static RsConfig load(Path file) throws ConfigException {
        YamlNode root = YamlNode.load(file);
        String name = root.string("name");
        HostPort vip = root.hostPort("vip");
        RealServer.Bind bind = parseBind(root);
        ControlTlsConfig control = ControlTlsConfig.read(root.child("control"), true);
        Content content = content(root);
        HostPort metrics = root.hostPort("metrics");
        LogFormat log = LogFormat.read(root, "log-format");
        Integer drain = root.integer("drain-timeout-seconds");
        Boolean hyStart = root.bool("hystart");
        String accessLog = root.string("access-log");
        root.finish();
        return new RsConfig(file.toString(), name, vip, bind, control, content, metrics, log, drain, hyStart,
                accessLog);
    }

    private static RealServer.Bind parseBind(YamlNode root) throws ConfigException {
        String s = root.string("bind");
        if (s == null) {
            return null;
        }
        try {
            return RealServer.Bind.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw root.error("bind", "unknown bind mode '" + s + "' (auto, wildcard, exact)");
        }
    }

    private static Content content(YamlNode root) throws ConfigException {
        YamlNode c = root.child("content");
        if (c == null) {
            return null;
        }
        Path dir = c.file("root");
        String origin = c.string("origin");
        Path originCa = c.file("origin-ca");
        Boolean synthetic = c.bool("synthetic");
        c.finish();
        URI uri = null;
        if (origin != null) {
            try {
                uri = URI.create(origin);
            } catch (IllegalArgumentException e) {
                throw c.error("origin", "not a URL: " + origin);
            }
            if (!org.qdsr.rs.content.OriginSource.isOriginUrl(uri)) {
                throw c.error("origin", "expected http://HOST:PORT or https://HOST:PORT, got " + origin);
            }
        }
        if (originCa != null && (uri == null || !"https".equals(uri.getScheme()))) {
            throw c.error("origin-ca", "only for an https:// origin");
        }
        Content content = new Content(dir, uri, Boolean.TRUE.equals(synthetic), originCa);
        if (content.count() != 1) {
            throw new ConfigException(root.source() + ": content: exactly one of root, origin or synthetic: true");
        }
        return content;
    }

    /** These values, with every field that {@code flags} sets replacing this one's (errors name this one's source). */
    public RsConfig overriddenBy(RsConfig flags) {
        return new RsConfig(source, LbConfig.or(flags.name, name),
                LbConfig.or(flags.vip, vip), LbConfig.or(flags.bind, bind),
                flags.control != null ? ControlTlsConfig.overlay(control, flags.control) : control,
                LbConfig.or(flags.content, content), LbConfig.or(flags.metrics, metrics),
                LbConfig.or(flags.logFormat, logFormat), LbConfig.or(flags.drainTimeoutSeconds, drainTimeoutSeconds),
                LbConfig.or(flags.hyStart, hyStart), LbConfig.or(flags.accessLog, accessLog));
    }

    /** Fills defaults and checks the combination. */
    public RsConfig resolve() throws ConfigException {
        if (vip == null) {
            throw fail("vip (--vip)", "required (the load balancer's VIP:PORT to send from)");
        }
        if (control == null || control.listen() == null) {
            throw fail("control.listen (--control)", "required (HOST:PORT that load balancers connect to)");
        }
        if (content == null) {
            throw fail("content", "required: one of root DIR (--root), origin URL (--origin) or synthetic: true"
                    + " (--synthetic)");
        }
        if (drainTimeoutSeconds != null && drainTimeoutSeconds < 0) {
            throw fail("drain-timeout-seconds (--drain-timeout)", "must be 0 or more, was " + drainTimeoutSeconds);
        }
        ControlTlsConfig c = ControlTlsConfig.check(control, source);
        return new RsConfig(source, LbConfig.or(name, "rs"), vip, LbConfig.or(bind, RealServer.Bind.AUTO), c,
                content, metrics, logFormat, LbConfig.or(drainTimeoutSeconds, LbConfig.DEFAULT_DRAIN_TIMEOUT_SECONDS),
                LbConfig.or(hyStart, true), accessLog);
    }

    /** The real server's core settings for a resolved configuration. */
    public RealServerCore.Config coreConfig() {
        return RealServerCore.Config.defaults().withHyStart(!Boolean.FALSE.equals(hyStart));
    }

    /** How long a stopping RS finishes its streams (of a resolved configuration). */
    public java.time.Duration drainTimeout() {
        return java.time.Duration.ofSeconds(drainTimeoutSeconds);
    }

    private ConfigException fail(String field, String problem) {
        return ConfigException.at(source, field, problem);
    }

    /**
     * For resolved settings: the hosts they name resolve and their folders exist. Errors name
     * the flag that set the value (in {@code flags}), else the file's key.
     */
    public void checkReferences(RsConfig flags) throws ConfigException {
        Preflight p = new Preflight(source);
        p.resolves(p.where(flags.vip != null, "--vip", "vip"), vip);
        p.resolves(p.where(flags.control != null && flags.control.listen() != null, "--control", "control.listen"),
                control.listen());
        p.resolves(p.where(flags.metrics != null, "--metrics", "metrics"), metrics);
        String tlsWhere = p.where(flags.control != null && flags.control.tlsDir() != null, "--control-tls",
                "control.tls");
        p.directory(tlsWhere, control.tlsDir());
        p.controlTlsFiles(tlsWhere, control.tlsDir(), name, "--rs-names");
        p.directory(p.where(flags.content != null, "--root", "content.root"), content.root());
        p.readableFile(p.where(flags.content != null, "--origin-ca", "content.origin-ca"), content.originCa());
        if (accessLog != null && !"-".equals(accessLog)) {
            java.nio.file.Path parent = java.nio.file.Path.of(accessLog).toAbsolutePath().getParent();
            p.directory(p.where(flags.accessLog != null, "--access-log", "access-log"), parent);
        }
    }
}
