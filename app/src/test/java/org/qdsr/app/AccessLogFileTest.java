package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.rs.AccessLog;

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
