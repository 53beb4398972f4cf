package org.qdsr.app;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.qdsr.app.metrics.LineFormatter;
import org.qdsr.lb.LbAccessLog;
import org.qdsr.rs.AccessLog;

/**
 * {@code rs --access-log FILE|-} and {@code lb --access-log FILE|-}: one JSON object per line,
 * appended to FILE (or written to standard output for {@code -}). Both start with {@code time}
 * (ISO-8601 UTC, when the line was written), {@code connection} (the LB's connection key),
 * {@code stream}; then the RS writes {@code lb} (the control link), the LB {@code backend}; both
 * {@code mode}, {@code client}, {@code method}, {@code authority}, {@code path}, {@code status},
 * {@code bytes}, {@code outcome}, the LB also {@code reason}, and {@code duration_ms} last
 * (docs/operations.md "Access log"). Lines are buffered on the caller's (loop) thread, which never
 * waits for the disk but when the buffer is full; a timer thread flushes them every
 * {@value #FLUSH_MILLIS} ms, and {@link #close} flushes the rest. A write error is reported once on
 * stderr and the server goes on.
 */
final class AccessLogFile implements AccessLog, LbAccessLog, AutoCloseable {
    static final long FLUSH_MILLIS = 200;
    private static final int BUFFER = 64 * 1024;
    private final Writer out;
    private final boolean closeIt;
    private final ScheduledExecutorService flusher;
    private volatile boolean dirty;
    private volatile boolean failed;

    private AccessLogFile(Writer out, boolean closeIt) {
        this.out = out;
        this.closeIt = closeIt;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qdsr-access-log");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushIfDirty, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    static AccessLogFile open(String target) throws IOException {
        if ("-".equals(target)) {
            return new AccessLogFile(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
                    BUFFER), false);
        }
        Writer w = Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new AccessLogFile(new BufferedWriter(w, BUFFER), true);
    }

    @Override
    public void log(AccessLog.Entry e) {
        write(format(e, Instant.now()));
    }

    @Override
    public void log(LbAccessLog.Entry e) {
        write(format(e, Instant.now()));
    }

    /** Appends one line (Writer methods lock the writer: the timer's flush cannot tear it). */
    private void write(String line) {
        try {
            out.write(line);
            dirty = true;
        } catch (IOException x) {
            failed(x);
        }
    }

    private void flushIfDirty() {
        if (dirty) {
            dirty = false;
            try {
                out.flush();
            } catch (IOException x) {
                failed(x);
            }
        }
    }

    private void failed(IOException x) {
        if (!failed) {
            failed = true;
            System.err.println("access log: cannot write (" + x.getMessage() + "); further errors not shown");
        }
    }

    /** A real server's line. */
    static String format(AccessLog.Entry e, Instant time) {
        StringBuilder sb = start(time);
        sb.append(",\"lb\":").append(e.link());
        stream(sb, e.connectionKey(), e.streamId(), e.mode());
        request(sb, e.client(), e.method(), e.authority(), e.path());
        result(sb, e.status(), e.bytes(), e.outcome());
        return end(sb, e.durationNanos());
    }

    /** A load balancer's line. */
    static String format(LbAccessLog.Entry e, Instant time) {
        StringBuilder sb = start(time);
        stream(sb, e.connectionKey(), e.streamId(), e.mode());
        text(sb, "backend", e.backend());
        request(sb, e.client(), e.method(), e.authority(), e.path());
        result(sb, e.status(), e.bytes(), e.outcome());
        text(sb, "reason", e.reason());
        return end(sb, e.durationNanos());
    }

    private static StringBuilder start(Instant time) {
        return new StringBuilder(256).append("{\"time\":\"").append(time).append('"');
    }

    private static void stream(StringBuilder sb, long connection, long stream, String mode) {
        sb.append(",\"connection\":").append(connection).append(",\"stream\":").append(stream);
        text(sb, "mode", mode);
    }

    private static void request(StringBuilder sb, InetSocketAddress client, String method, String authority,
                                String path) {
        text(sb, "client", client == null ? "-" : client.getAddress().getHostAddress() + ":" + client.getPort());
        text(sb, "method", octets(method));
        text(sb, "authority", octets(authority));
        text(sb, "path", octets(path));
    }

    /**
     * Request fields are octets (one ISO-8859-1 char each, {@code Field}): UTF-8 ones are written
     * as the text they spell, others as they are (each octet as the char of its value).
     */
    static String octets(String s) {
        if (s == null) {
            return null;
        }
        int i = 0;
        while (i < s.length() && s.charAt(i) < 0x80) {
            i++;
        }
        if (i == s.length()) {
            return s; // ASCII: nothing to decode
        }
        for (int j = i; j < s.length(); j++) {
            if (s.charAt(j) > 0xff) {
                return s; // already text
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return s;
        }
    }

    private static void result(StringBuilder sb, int status, long bytes, String outcome) {
        sb.append(",\"status\":").append(status).append(",\"bytes\":").append(bytes);
        text(sb, "outcome", outcome);
    }

    private static String end(StringBuilder sb, long durationNanos) {
        sb.append(",\"duration_ms\":").append(String.format(Locale.ROOT, "%.3f", durationNanos / 1e6));
        return sb.append("}\n").toString();
    }

    private static void text(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":");
        LineFormatter.quote(sb, value == null ? "" : value);
    }

    @Override
    public void close() throws IOException {
        flusher.shutdownNow();
        try {
            flusher.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closeIt) {
            out.close();
        } else {
            out.flush();
        }
    }
}
