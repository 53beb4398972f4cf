package org.qdsr.app;

import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.qdsr.app.config.LbConfig;
import org.qdsr.lb.LoadBalancer;
import org.qdsr.quic.tls.ServerTlsContext;

/**
 * The LB's certificate on a reload: {@code tls.cert} and {@code tls.key} are read again, also when
 * their paths did not change (a renewal writes the same files), and when what they hold changed,
 * new client connections get the new certificate while open ones keep theirs. The contexts made
 * here close when the LB stops ({@link #close}): a handshake that began before a swap may still
 * issue its session ticket from the one it started with. One reload at a time (the caller's lock).
 */
final class ClientTlsReload implements AutoCloseable {
    /** A certificate read and checked, not yet serving. */
    record Prepared(ServerTlsContext tls, byte[] files) {
    }

    private ServerTlsContext current;
    private byte[] files;
    private final List<ServerTlsContext> created = new ArrayList<>();

    /** {@code started}: the context the LB started with, made from {@code config}'s files (if any). */
    ClientTlsReload(ServerTlsContext started, LbConfig config) throws IOException {
        this.current = started;
        this.files = config.cert() == null ? null : read(config);
    }

    /** The context serving new connections. */
    ServerTlsContext current() {
        return current;
    }

    /**
     * Reads {@code next}'s certificate and key; null when they hold what serves already (or the
     * LB makes its own certificate). IOException (the reload fails, nothing changes) when a file
     * cannot be read or does not hold a usable certificate and key.
     */
    Prepared prepare(LbConfig next) throws IOException {
        if (next.cert() == null || files == null) {
            return null; // self-signed, or a switch to or from it: a restart's job (restartOnly)
        }
        try {
            byte[] nextFiles = read(next);
            if (Arrays.equals(nextFiles, files)) {
                return null;
            }
            return new Prepared(ServerTlsContext.fromPem(next.cert(), next.key(), ServerCommand.ALPN), nextFiles);
        } catch (IOException | RuntimeException e) {
            throw new IOException("tls: " + e.getMessage(), e);
        }
    }

    /** Serves new connections with {@code p}'s certificate; returns the reload line's part. */
    String apply(Prepared p, LoadBalancer lb) throws IOException {
        p.tls().setAcceptEarlyData(current.acceptEarlyData());
        lb.replaceTls(p.tls()); // throws before anything changed: the caller closes p's context
        created.add(p.tls());
        current = p.tls();
        files = p.files();
        X509Certificate c = p.tls().certificate();
        return "; tls certificate now " + c.getSubjectX500Principal().getName() + " (valid until "
                + c.getNotAfter().toInstant() + ")";
    }

    private static byte[] read(LbConfig c) throws IOException {
        byte[] cert = Files.readAllBytes(c.cert());
        byte[] key = Files.readAllBytes(c.key());
        byte[] both = Arrays.copyOf(cert, cert.length + key.length);
        System.arraycopy(key, 0, both, cert.length, key.length);
        return both;
    }

    /** Closes the contexts reloads made (the one the LB started with is its owner's). */
    @Override
    public void close() {
        for (ServerTlsContext t : created) {
            t.close();
        }
        created.clear();
    }
}
