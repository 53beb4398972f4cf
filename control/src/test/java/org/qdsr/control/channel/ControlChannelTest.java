package org.qdsr.control.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.CreditGrant;
import org.qdsr.control.message.StreamReport;

@Timeout(60)
class ControlChannelTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final ControlOptions FAST = ControlOptions.defaults().withHeartbeat(Duration.ofMillis(100), 3)
            .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    final TestPki pki = new TestPki();

    @Test
    void mutualTlsCarriesHundredThousandAckForwardsInOrder() throws Exception {
        int count = 100_000;
        CountDownLatch all = new CountDownLatch(1);
        AtomicLong next = new AtomicLong();
        AtomicReference<String> error = new AtomicReference<>();
        Recorder rsEvents = new Recorder();
        ControlListener rs = new ControlListener() {
            @Override
            public void onOpen(ControlChannel channel) {
                rsEvents.onOpen(channel);
            }

            @Override
            public void onClose(ControlChannel channel, Throwable cause) {
                rsEvents.onClose(channel, cause);
            }

            @Override
            public void onMessage(ControlChannel channel, ControlMessage m) {
                long expected = next.getAndIncrement();
                if (!(m instanceof AckForward a) || a.connectionKey() != expected) {
                    error.compareAndSet(null, "message " + expected + " was " + m);
                }
                if (expected == count - 1) {
                    channel.send(new StreamReport(1, 4, StreamReport.Outcome.FINISHED, 0, 10, 10, 200));
                    all.countDown();
                }
            }
        };
        Recorder lb = new Recorder();
        try (ControlServer server = ControlServer.start(LOOPBACK, pki.rsTls(), "rs-a", FAST, ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", FAST, lb)) {
            ControlChannel lbChannel = lb.awaitOpen();
            ControlChannel rsChannel = rsEvents.awaitOpen();
            assertThat(lbChannel.peerName()).isEqualTo("rs-a");
            assertThat(rsChannel.peerName()).isEqualTo("lb");
            assertThat(rsChannel.peerIdentity()).contains("CN=lb");
            assertThat(lbChannel.peerIdentity()).contains("CN=rs");
            assertThat(lb.threads).allMatch(t -> t.startsWith("qdsr-control-read-"));
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long base = 10L * i;
                if (!client.send(new AckForward(i, 1, 25, new long[] {base + 5, base + 9, base, base + 2}))) {
                    throw new AssertionError("send " + i + " failed: " + lbChannel + " closed by " + lb.awaitClose()
                            + ", RS side by " + rsEvents.awaitClose());
                }
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).as("received %s, lb closes %s", next, lb.closed).isTrue();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("control channel: %d AckForward in %.3f s = %.0f messages/s%n", count, seconds,
                    count / seconds);
            assertThat(error.get()).isNull();
            assertThat(lb.awaitMessage()).isInstanceOf(StreamReport.class);
        }
        assertThat(lb.awaitClose()).isEqualTo("orderly");
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        assertRefused(ControlTls.withoutCertificate(List.of(pki.ca.certificate())));
    }

    @Test
    void clientWithCertificateFromAnotherCaIsRefused() throws Exception {
        assertRefused(ControlTls.of(pki.intruder, List.of(pki.ca.certificate())));
    }

    private void assertRefused(ControlTls clientTls) throws Exception {
        Recorder rs = new Recorder();
        Recorder lb = new Recorder();
        ControlOptions slowRetry = FAST.withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (ControlServer server = ControlServer.start(LOOPBACK, pki.rsTls(), "rs", slowRetry, ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), clientTls, "lb", slowRetry, lb)) {
            Object serverSide = rs.awaitClose();
            assertThat(serverSide).isInstanceOf(SSLException.class);
            Object clientSide = lb.awaitClose();
            assertThat(clientSide).isInstanceOf(Exception.class);
            assertThat(rs.opened).isEmpty();
            assertThat(lb.opened).isEmpty();
            assertThat(client.isOpen()).isFalse();
            assertThat(client.send(new CreditGrant(1, 1))).isFalse();
        }
    }

    @Test
    void serverRefusesAServerThatIsNotFromTheClusterCa() throws Exception {
        Recorder rs = new Recorder();
        Recorder lb = new Recorder();
        ControlTls foreignRs = ControlTls.of(pki.intruder, List.of(pki.ca.certificate()));
        ControlOptions slowRetry = FAST.withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (ControlServer server = ControlServer.start(LOOPBACK, foreignRs, "rs", slowRetry, ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", slowRetry, lb)) {
            assertThat(lb.awaitClose()).isInstanceOf(SSLException.class);
            assertThat(lb.opened).isEmpty();
        }
    }

    @Test
    void reconnectsAfterServerRestartOnSamePort() throws Exception {
        Recorder lb = new Recorder();
        Recorder rs1 = new Recorder();
        ControlServer first = ControlServer.start(LOOPBACK, pki.rsTls(), "rs", FAST, ch -> rs1);
        InetSocketAddress address = first.localAddress();
        try (ControlClient client = ControlClient.connect(address, pki.lbTls(), "lb", FAST, lb)) {
            lb.awaitOpen();
            first.close();
            assertThat(lb.awaitClose()).isInstanceOf(ControlChannelException.class);
            Recorder rs2 = new Recorder();
            try (ControlServer second = ControlServer.start(address, pki.rsTls(), "rs", FAST, ch -> rs2)) {
                lb.awaitOpen();
                assertThat(client.send(new CreditGrant(7, 1000))).isTrue();
                assertThat(rs2.awaitMessage()).isEqualTo(new CreditGrant(7, 1000));
            }
        } finally {
            first.close();
        }
    }

    @Test
    void closeFreesThePortForAServerStartedAtOnce() throws Exception {
        ControlTls insecure = ControlTls.insecureLoopback();
        for (int i = 0; i < 40; i++) {
            ControlServer first = ControlServer.start(LOOPBACK, insecure, "rs", FAST, ch -> new Recorder());
            InetSocketAddress address = first.localAddress();
            Thread.sleep(2); // the acceptor is blocked in accept, which holds the listening socket until it wakes
            first.close();
            ControlServer.start(address, insecure, "rs", FAST, ch -> new Recorder()).close();
        }
    }

    @Test
    void heartbeatsMeasureRttAndKeepAnIdleChannelOpen() throws Exception {
        Recorder lb = new Recorder();
        Recorder rs = new Recorder();
        ControlOptions tolerant = FAST.withHeartbeat(Duration.ofMillis(100), 10);
        try (ControlServer server = ControlServer.start(LOOPBACK, pki.rsTls(), "rs", tolerant, ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", tolerant, lb)) {
            lb.awaitOpen();
            Thread.sleep(1500); // fifteen intervals: only heartbeats keep it alive
            assertThat(client.isOpen()).isTrue();
            assertThat(lb.closed).isEmpty();
            assertThat(client.lastRttNanos()).isPositive();
        }
    }

    @Test
    void insecureModeIsLoopbackOnly() throws Exception {
        ControlTls insecure = ControlTls.insecureLoopback();
        assertThatThrownBy(() -> ControlClient.connect(new InetSocketAddress("192.0.2.1", 7000), insecure, "lb",
                FAST, new Recorder())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> ControlServer.start(new InetSocketAddress("0.0.0.0", 0), insecure, "rs", FAST,
                ch -> new Recorder())).isInstanceOf(IllegalArgumentException.class);
        Recorder lb = new Recorder();
        Recorder rs = new Recorder();
        try (ControlServer server = ControlServer.start(LOOPBACK, insecure, "rs", FAST, ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), insecure, "lb", FAST, lb)) {
            lb.awaitOpen();
            assertThat(client.send(new CreditGrant(1, 2))).isTrue();
            assertThat(rs.awaitMessage()).isEqualTo(new CreditGrant(1, 2));
            assertThat(client.peerIdentity()).isEqualTo("insecure");
        }
    }

    @Test
    void serverCloseDuringHandshakeClosesTheSocketAtOnce() throws Exception {
        Recorder rs = new Recorder();
        ControlServer server = ControlServer.start(LOOPBACK, pki.rsTls(), "rs", FAST, ch -> rs);
        try (java.net.Socket idle = new java.net.Socket(server.localAddress().getAddress(),
                server.localAddress().getPort())) {
            while (server.connectionCount() == 0) {
                Thread.sleep(5);
            }
            server.close();
            rs.awaitClose();
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
        } finally {
            server.close();
        }
    }

    @Test
    void tlsClientCannotTalkToInsecureServer() throws Exception {
        Recorder lb = new Recorder();
        Recorder rs = new Recorder();
        ControlOptions slowRetry = FAST.withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (ControlServer server = ControlServer.start(LOOPBACK, ControlTls.insecureLoopback(), "rs", slowRetry,
                ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", slowRetry, lb)) {
            lb.awaitClose();
            assertThat(lb.opened).isEmpty();
            assertThat(rs.opened).isEmpty();
        }
    }
}
