package org.qdsr.app;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.qdsr.app.metrics.LineFormatter;
import org.qdsr.rs.AccessLog;

/**
 * {@code rs --access-log FILE|-}: one JSON object per line and response, appended to FILE (or
 * written to standard output for {@code -}): {@code time} (ISO-8601 UTC, when the response
 * ended), {@code lb} (the control link), {@code connection}, {@code stream}, {@code mode},
 * {@code client} ("-" in proxy mode), {@code method}, {@code authority}, {@code path},
 * {@code status}, {@code bytes}, {@code outcome}, {@code duration_ms}. Each line is flushed; a
 * write error is reported once on stderr and the server goes on.
 */
final class AccessLogFile implements AccessLog, AutoCloseable {
    private final Writer out;
    private final boolean closeIt;
    private boolean failed;

    private AccessLogFile(Writer out, boolean closeIt) {
        this.out = out;
        this.closeIt = closeIt;
    }

    static AccessLogFile open(String target) throws IOException {
        if ("-".equals(target)) {
            return new AccessLogFile(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        }
        Writer w = Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new AccessLogFile(w instanceof BufferedWriter ? w : new BufferedWriter(w), true);
    }

    @Override
    public void log(Entry e) {
        String line = format(e, Instant.now());
        try {
            out.write(line);
            out.flush();
        } catch (IOException x) {
            if (!failed) {
                failed = true;
                System.err.println("access log: cannot write (" + x.getMessage() + "); further errors not shown");
            }
        }
    }

    static String format(Entry e, Instant time) {
        StringBuilder sb = new StringBuilder(256).append("{\"time\":\"").append(time).append('"');
        sb.append(",\"lb\":").append(e.link()).append(",\"connection\":").append(e.connectionKey())
                .append(",\"stream\":").append(e.streamId());
        text(sb, "mode", e.mode());
        text(sb, "client", e.client() == null ? "-"
                : e.client().getAddress().getHostAddress() + ":" + e.client().getPort());
        text(sb, "method", e.method());
        text(sb, "authority", e.authority());
        text(sb, "path", e.path());
        sb.append(",\"status\":").append(e.status()).append(",\"bytes\":").append(e.bytes());
        text(sb, "outcome", e.outcome());
        sb.append(",\"duration_ms\":").append(String.format(java.util.Locale.ROOT, "%.3f", e.durationNanos() / 1e6));
        return sb.append("}\n").toString();
    }

    private static void text(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":");
        LineFormatter.quote(sb, value == null ? "" : value);
    }

    @Override
    public void close() throws IOException {
        if (closeIt) {
            out.close();
        } else {
            out.flush();
        }
    }
}
