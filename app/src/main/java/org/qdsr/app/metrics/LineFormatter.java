package org.qdsr.app.metrics;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import org.qdsr.app.config.LogFormat;

/**
 * One line per log event. {@link LogFormat#TEXT}: {@code ts level logger msg key=value...};
 * {@link LogFormat#JSON}: one object {@code {"ts":..,"level":..,"logger":..,"msg":..,...}}.
 * Keys after the message: {@code thread}, and for a record with a throwable {@code error} (class
 * and message) and {@code at} (the top stack frame). Line breaks inside values are escaped.
 * This formatter prints only what callers log; keeping secrets out of log calls is theirs (the
 * snapshot and message types redact in toString()), and LogSecrecyTest checks it end to end.
 */
public final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private final LogFormat format;

    public LineFormatter(LogFormat format) {
        this.format = format;
    }

    @Override
    public String format(LogRecord r) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("ts", TS.format(Instant.ofEpochMilli(r.getMillis())));
        fields.put("level", r.getLevel().getName());
        fields.put("logger", r.getLoggerName() == null ? "" : r.getLoggerName());
        fields.put("msg", formatMessage(r));
        fields.put("thread", Thread.currentThread().getName());
        Throwable t = r.getThrown();
        if (t != null) {
            fields.put("error", t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            StackTraceElement[] st = t.getStackTrace();
            if (st.length > 0) {
                fields.put("at", st[0].toString());
            }
        }
        return format == LogFormat.JSON ? json(fields) : text(fields);
    }

    private static String text(Map<String, String> f) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(f.get("ts")).append(' ').append(f.get("level")).append(' ').append(f.get("logger")).append(' ')
                .append(escapeLine(f.get("msg")));
        for (Map.Entry<String, String> e : f.entrySet()) {
            if (!Map.of("ts", 1, "level", 1, "logger", 1, "msg", 1).containsKey(e.getKey())) {
                sb.append(' ').append(e.getKey()).append('=').append(textValue(e.getValue()));
            }
        }
        return sb.append('\n').toString();
    }

    private static String textValue(String v) {
        String s = escapeLine(v);
        boolean plain = !s.isEmpty() && s.chars().noneMatch(c -> c == ' ' || c == '"' || c == '=');
        return plain ? s : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String escapeLine(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static String json(Map<String, String> f) {
        StringBuilder sb = new StringBuilder(160).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : f.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, e.getKey());
            sb.append(':');
            quote(sb, e.getValue());
        }
        return sb.append("}\n").toString();
    }

    /**
     * Appends a JSON string literal (RFC 8259 §7). Beyond what JSON requires, DEL, the C1 controls,
     * U+2028/U+2029 and unpaired surrogates are escaped too: the line stays one valid line for
     * stricter readers (YAML, JavaScript, terminals).
     */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029 || unpaired(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean unpaired(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }
}
