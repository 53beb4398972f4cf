package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.lb.LbAccessLog;
import org.qdsr.rs.AccessLog;
import org.yaml.snakeyaml.Yaml;

class AccessLogFileTest {
    @TempDir
    Path dir;

    @Test
    void oneJsonLinePerResponseWithTheRequestsTextEscaped() {
        AccessLog.Entry e = new AccessLog.Entry(2, 7, 12, "isolated", new InetSocketAddress("198.18.0.2", 50000),
                "GET", "example.test", "/a\"b\\c\nd\u0001", 200, 1234, "finished", 2_500_000);
        String line = AccessLogFile.format(e, Instant.parse("2026-11-27T06:00:00Z"));
        assertThat(line).isEqualTo("{\"time\":\"2026-11-27T06:00:00Z\",\"lb\":2,\"connection\":7,\"stream\":12,"
                + "\"mode\":\"isolated\",\"client\":\"198.18.0.2:50000\",\"method\":\"GET\","
                + "\"authority\":\"example.test\",\"path\":\"/a\\\"b\\\\c\\nd\\u0001\",\"status\":200,\"bytes\":1234,"
                + "\"outcome\":\"finished\",\"duration_ms\":2.500}\n");
        AccessLog.Entry proxy = new AccessLog.Entry(1, 1, 0, "proxy", null, "HEAD", null, "/", 0, 0, "closed", 0);
        assertThat(AccessLogFile.format(proxy, Instant.EPOCH)).contains("\"client\":\"-\"", "\"authority\":\"\"");
    }

    @Test
    void theLbsLineHasTheSameFieldsWhereTheyMeanTheSameAndEscapesAHostilePath() {
        String text = "/a\"b\\c\nd\u0001\u001f\u007f\u00e9\u4e2d\ud83d\ude00/";
        String octets = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        LbAccessLog.Entry e = new LbAccessLog.Entry(7, 12, new InetSocketAddress("198.18.0.2", 50000), "GET",
                "example.test", octets, "local", "-", 400, 17, "answered", "bad-path", 0);
        String line = AccessLogFile.format(e, Instant.parse("2026-11-27T06:00:00Z"));
        assertThat(line).startsWith("{\"time\":\"2026-11-27T06:00:00Z\",\"connection\":7,\"stream\":12,"
                + "\"mode\":\"local\",\"backend\":\"-\",\"client\":\"198.18.0.2:50000\",\"method\":\"GET\","
                + "\"authority\":\"example.test\",\"path\":\"/a\\\"b\\\\c\\nd\\u0001\\u001f")
                .endsWith(",\"status\":400,\"bytes\":17,\"outcome\":\"answered\",\"reason\":\"bad-path\","
                        + "\"duration_ms\":0.000}\n")
                .hasLineCount(1);
        assertThat(line).contains("\\u007f");
        Map<String, Object> parsed = new Yaml().load(line); // JSON is YAML: an independent parser
        assertThat(parsed.get("path")).as("the path's UTF-8 octets as the text they spell").isEqualTo(text);
        assertThat(parsed).containsEntry("status", 400).containsEntry("reason", "bad-path")
                .containsEntry("client", "198.18.0.2:50000");
        // the keys both logs share come in the same order, so one pipeline reads both
        AccessLog.Entry rs = new AccessLog.Entry(2, 7, 12, "isolated", null, "GET", "h", "/x", 200, 1, "finished", 0);
        Map<String, Object> rsLine = new Yaml().load(AccessLogFile.format(rs, Instant.EPOCH));
        List<String> lbKeys = new ArrayList<>(parsed.keySet());
        lbKeys.removeAll(List.of("backend", "reason"));
        List<String> rsKeys = new ArrayList<>(rsLine.keySet());
        rsKeys.remove("lb");
        assertThat(lbKeys).isEqualTo(rsKeys);
    }

    @Test
    void octetsThatAreNotUtf8StayAsTheyAre() {
        String latin1 = "/caf\u00e9"; // one octet 0xE9: not UTF-8
        assertThat(AccessLogFile.octets(latin1)).isEqualTo(latin1);
        assertThat(AccessLogFile.octets("/plain")).isEqualTo("/plain");
        assertThat(AccessLogFile.octets(null)).isNull();
        LbAccessLog.Entry lone = new LbAccessLog.Entry(1, 0, null, "GET", "h", "/\ud800x\u2028", "local", "-", 400, 0,
                "answered", "bad-path", 0);
        assertThat(AccessLogFile.format(lone, Instant.EPOCH)).as("unpaired surrogate, line separator")
                .contains("\"path\":\"/\\ud800x\\u2028\"");
    }

    @Test
    void linesReachTheFileWithoutAClose() throws Exception {
        Path f = dir.resolve("lb.log");
        try (AccessLogFile log = AccessLogFile.open(f.toString())) {
            log.log(new LbAccessLog.Entry(1, 0, null, "GET", "h", "/", "proxy", "rs1", 200, 5, "finished", "-", 1));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Files.size(f) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // the timer flushes within FLUSH_MILLIS
            }
            assertThat(Files.readAllLines(f)).hasSize(1);
        }
    }

    @Test
    void appendsToTheFile() throws Exception {
        Path f = dir.resolve("access.log");
        Files.writeString(f, "earlier\n");
        AccessLog.Entry e = new AccessLog.Entry(1, 1, 0, "proxy", null, "GET", "h", "/x", 404, 10, "finished", 1);
        try (AccessLogFile log = AccessLogFile.open(f.toString())) {
            log.log(e);
            log.log(e);
        }
        assertThat(Files.readAllLines(f)).hasSize(3).first().isEqualTo("earlier");
    }
}
