package org.qdsr.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.qdsr.quic.connection.ResumptionState;

/**
 * {@code qdsr get --session-file FILE}: the state that resumes a session with each server
 * (HOST:PORT), kept between runs, so that a later run's requests leave in 0-RTT (RFC 9001 §4.6).
 * One line per server: HOST:PORT, then server name, ALPN, session ticket and the server's
 * transport parameters, each in base64, separated by tabs. It holds session tickets, so it is
 * written readable by its owner only; a line that does not parse is ignored (a full handshake).
 */
final class SessionFile {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Path file;
    private final Map<String, ResumptionState> states = new ConcurrentHashMap<>();

    private SessionFile(Path file) {
        this.file = file;
    }

    /** Reads {@code file}; a file that does not exist yet holds nothing. */
    static SessionFile load(Path file) throws IOException {
        SessionFile f = new SessionFile(file);
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] p = line.split("\t", -1);
                if (p.length != 5) {
                    continue;
                }
                try {
                    f.states.put(p[0], new ResumptionState(text(p[1]), text(p[2]), B64D.decode(p[3]), B64D.decode(p[4])));
                } catch (IllegalArgumentException e) {
                    // not base64: that server gets a full handshake
                }
            }
        }
        return f;
    }

    private static String text(String b64) {
        return new String(B64D.decode(b64), StandardCharsets.UTF_8);
    }

    /**
     * The state to resume {@code server} with, taken out: tickets may be single-use (RFC 8446
     * §8.1), so the connection that uses one keeps the server's next ticket instead ({@link #put}).
     */
    ResumptionState take(String server) {
        return states.remove(server);
    }

    /** The newest ticket of {@code server} replaces the one kept. */
    void put(String server, ResumptionState state) {
        states.put(server, state);
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits until {@code server} has a ticket or {@code deadlineNanos} (System.nanoTime) passed. */
    synchronized boolean awaitTicket(String server, long deadlineNanos) throws InterruptedException {
        long left;
        while (!states.containsKey(server) && (left = deadlineNanos - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        return states.containsKey(server);
    }

    /** Writes every server's state, replacing the file at once, owner-only. */
    void save() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ResumptionState> e : new TreeMap<>(states).entrySet()) {
            ResumptionState s = e.getValue();
            sb.append(e.getKey()).append('\t')
                    .append(B64.encodeToString(s.serverName().getBytes(StandardCharsets.UTF_8))).append('\t')
                    .append(B64.encodeToString(s.alpn().getBytes(StandardCharsets.UTF_8))).append('\t')
                    .append(B64.encodeToString(s.ticket())).append('\t')
                    .append(B64.encodeToString(s.transportParameters())).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".qdsr-session", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own default
            }
            Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
