package org.qdsr.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.qdsr.app.config.LogFormat;

class LineFormatterTest {
    private static LogRecord record() {
        LogRecord r = new LogRecord(Level.INFO, "backend {0} down: {1}");
        r.setParameters(new Object[] {"rs1", "line one\nline \"two\""});
        r.setLoggerName("org.qdsr.lb.LoadBalancer");
        r.setMillis(1_700_000_000_123L);
        r.setThrown(new IOException("reset by peer"));
        return r;
    }

    @Test
    void textIsOneLineWithKeyValues() {
        String line = new LineFormatter(LogFormat.TEXT).format(record());
        assertThat(line).endsWith("\n").hasLineCount(1);
        assertThat(line).startsWith("2023-11-14T22:13:20.123Z INFO org.qdsr.lb.LoadBalancer backend rs1 down: "
                + "line one\\nline \"two\" thread=");
        assertThat(line).contains(" error=\"java.io.IOException: reset by peer\"").contains(" at=");
    }

    @Test
    void jsonIsOneObjectPerLine() {
        String line = new LineFormatter(LogFormat.JSON).format(record());
        assertThat(line).endsWith("}\n").hasLineCount(1);
        assertThat(line).startsWith("{\"ts\":\"2023-11-14T22:13:20.123Z\",\"level\":\"INFO\","
                + "\"logger\":\"org.qdsr.lb.LoadBalancer\",\"msg\":\"backend rs1 down: line one\\nline \\\"two\\\"\","
                + "\"thread\":\"");
        assertThat(line).contains("\"error\":\"java.io.IOException: reset by peer\"");
        StringBuilder sb = new StringBuilder();
        LineFormatter.quote(sb, "\u0001\t\\");
        assertThat(sb.toString()).isEqualTo("\"\\u0001\\t\\\\\"");
    }
}
