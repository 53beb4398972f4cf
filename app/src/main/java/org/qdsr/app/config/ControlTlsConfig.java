package org.qdsr.app.config;

import java.nio.file.Path;
import org.qdsr.app.net.HostPort;

/**
 * The control channel: its mutual-TLS folder (written by {@code qdsr certs}) or {@code insecure}
 * (plain TCP, loopback only); for a real server also the address it listens on.
 */
public record ControlTlsConfig(HostPort listen, Path tlsDir, Boolean insecure) {
    static ControlTlsConfig read(YamlNode node, boolean withListen) throws ConfigException {
        if (node == null) {
            return null;
        }
        HostPort listen = withListen ? node.hostPort("listen") : null;
        Path dir = node.file("tls");
        Boolean insecure = node.bool("insecure");
        node.finish();
        return new ControlTlsConfig(listen, dir, insecure);
    }

    static ControlTlsConfig overlay(ControlTlsConfig base, ControlTlsConfig flags) {
        if (base == null) {
            return flags;
        }
        // Choosing TLS on the command line cancels an insecure file setting and the other way round.
        boolean flagsChoose = flags.tlsDir != null || Boolean.TRUE.equals(flags.insecure);
        return new ControlTlsConfig(LbConfig.or(flags.listen, base.listen),
                flagsChoose ? flags.tlsDir : base.tlsDir,
                flagsChoose ? flags.insecure : base.insecure);
    }

    /** Exactly one of a TLS folder or insecure=true; returns the resolved value. */
    static ControlTlsConfig check(ControlTlsConfig c, String source) throws ConfigException {
        boolean insecure = c != null && Boolean.TRUE.equals(c.insecure);
        Path dir = c == null ? null : c.tlsDir;
        if (insecure == (dir != null)) {
            throw ConfigException.at(source, "control", "exactly one of control.tls DIR (--control-tls)"
                    + " or control.insecure: true (--insecure-control) is required");
        }
        return new ControlTlsConfig(c.listen, dir, insecure);
    }

    public boolean isInsecure() {
        return Boolean.TRUE.equals(insecure);
    }
}
