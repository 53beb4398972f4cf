package org.qdsr.control.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backend nobody listens on (not started yet, wrong port) used to be logged at FINE only: an LB
 * with a mistyped backend address said nothing at all. Now the first failure is INFO, the retries
 * with the same reason FINE.
 */
class ControlClientConnectLogTest {
    @Test
    @Timeout(20)
    void unreachableBackendIsLoggedOnceAtInfoNotOncePerRetry() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Logger log = Logger.getLogger(ControlClient.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = log.getLevel();
        log.setLevel(Level.ALL);
        log.addHandler(h);
        ControlOptions fastRetry = ControlOptions.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(20));
        try (ControlClient client = ControlClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                ControlTls.insecureLoopback(), "lb", fastRetry, new Recorder())) {
            while (records.size() < 4) {
                Thread.sleep(10);
            }
        } finally {
            log.removeHandler(h);
            log.setLevel(before);
        }
        List<LogRecord> info = records.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()).toList();
        assertThat(info).hasSize(1);
        assertThat(info.get(0).getMessage()).startsWith("control connect to {0} failed: {1} (retrying");
        assertThat(info.get(0).getParameters()[1].toString()).contains("Connection refused");
    }
}
