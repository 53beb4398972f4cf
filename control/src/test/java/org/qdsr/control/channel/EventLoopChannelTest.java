package org.qdsr.control.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.ProxyData;
import org.qdsr.control.message.StreamReport;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.quic.tls.Certificates;
import org.qdsr.quic.tls.CertifiedKey;

/**
 * Control connections driven by the LB's real UDP event loop ({@link UdpEventLoop#registerChannel}) against a
 * real {@link ControlServer} over mutual TLS on loopback: after the handshake every callback runs
 * on the loop thread and no reader thread is left; writes the socket cannot take wait for
 * OP_WRITE on the loop; heartbeats keep an idle channel up; a lost RS is reconnected onto the
 * loop; closing the loop closes its channels; a loop on the epoll path (no Selector) leaves the
 * channel on its reader thread.
 */
@Timeout(60)
class EventLoopChannelTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final ControlOptions FAST = ControlOptions.defaults().withHeartbeat(Duration.ofMillis(100), 3)
            .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    private static final Duration DAY = Duration.ofDays(1);
    private static final CertifiedKey CA = Certificates.generateCa("qdsr test CA", DAY);
    private static final ControlTls LB_TLS = ControlTls.of(Certificates.issue(CA, "lb", List.of("lb"), true, DAY),
            List.of(CA.certificate()));
    private static final ControlTls RS_TLS = ControlTls.of(Certificates.issue(CA, "rs", List.of("rs"), true, DAY),
            List.of(CA.certificate()));

    private final UdpEventLoop loop;
    private final Recorder lb = new Recorder();

    EventLoopChannelTest() throws Exception {
        loop = UdpEventLoop.start("qdsr-test-control-loop");
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void openChannelRunsOnTheLoopInBothDirections() throws Exception {
        int count = 20_000;
        Recorder rs = new Recorder();
        try (ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", FAST, ch -> rs);
             ControlClient client = connect(server)) {
            ControlChannel rsChannel = rs.awaitOpen();
            lb.awaitOpen();
            assertThat(readerThreadsFor(server)).as("the LB's reader thread ended after the handshake").isEmpty();
            for (int i = 0; i < count; i++) {
                rsChannel.send(new StreamReport(i, 4, StreamReport.Outcome.FINISHED, 0, 10, 10, 200));
            }
            for (int i = 0; i < count; i++) {
                assertThat(((StreamReport) lb.awaitMessage()).connectionKey()).isEqualTo(i);
            }
            loop.execute(() -> {
                for (int i = 0; i < count; i++) {
                    client.send(new AckForward(i, 1, 25, new long[] {5, 9, 0, 2}));
                }
            });
            for (int i = 0; i < count; i++) {
                assertThat(((AckForward) rs.awaitMessage()).connectionKey()).isEqualTo(i);
            }
            assertThat(lb.messageThreads).containsOnly(loop.thread().getName());
            assertThat(lb.closed).isEmpty();
        }
    }

    @Test
    void onOpenRunsOnTheLoopBeforeMessagesThatCameWithTheHello() throws Exception {
        for (int round = 0; round < 20; round++) {
            List<String> events = new CopyOnWriteArrayList<>();
            Recorder lbRound = new Recorder() {
                @Override
                public void onOpen(ControlChannel channel) {
                    events.add("open on " + Thread.currentThread().getName());
                    super.onOpen(channel);
                }

                @Override
                public void onMessage(ControlChannel channel, ControlMessage m) {
                    events.add("message on " + Thread.currentThread().getName());
                    super.onMessage(channel, m);
                }
            };
            Recorder greeter = new Recorder() {
                @Override
                public void onOpen(ControlChannel channel) {
                    super.onOpen(channel); // sends at once: the report may share a read with the HelloAck
                    channel.send(new StreamReport(42, 4, StreamReport.Outcome.FINISHED, 0, 10, 10, 200));
                }
            };
            try (ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", FAST, ch -> greeter);
                 ControlClient client = ControlClient.connect(server.localAddress(), LB_TLS, "lb", FAST, lbRound,
                         loop)) {
                lbRound.awaitOpen();
                assertThat(((StreamReport) lbRound.awaitMessage()).connectionKey()).isEqualTo(42);
                String onLoop = " on " + loop.thread().getName();
                assertThat(events).containsExactly("open" + onLoop, "message" + onLoop);
                assertThat(client.isOpen()).isTrue();
            }
        }
    }

    @Test
    void bothEndsRunOnLoops() throws Exception {
        Recorder rs = new Recorder();
        try (UdpEventLoop rsLoop = UdpEventLoop.start("qdsr-test-rs-loop");
             ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", FAST, ch -> rs, rsLoop);
             ControlClient client = connect(server)) {
            ControlChannel rsChannel = rs.awaitOpen();
            lb.awaitOpen();
            rsLoop.afterTurn(rsChannel::flush);
            rsLoop.execute(() -> {
                for (int i = 0; i < 1000; i++) {
                    rsChannel.send(new StreamReport(i, 4, StreamReport.Outcome.FINISHED, 0, 10, 10, 200));
                }
            });
            loop.execute(() -> {
                for (int i = 0; i < 1000; i++) {
                    client.send(new AckForward(i, 1, 25, new long[] {5, 9, 0, 2}));
                }
            });
            for (int i = 0; i < 1000; i++) {
                assertThat(((StreamReport) lb.awaitMessage()).connectionKey()).isEqualTo(i);
                assertThat(((AckForward) rs.awaitMessage()).connectionKey()).isEqualTo(i);
            }
            Thread.sleep(500); // heartbeats both ways, answered on both loops
            assertThat(rs.messageThreads).containsOnly(rsLoop.thread().getName());
            assertThat(lb.messageThreads).containsOnly(loop.thread().getName());
            assertThat(rs.closed).isEmpty();
            assertThat(lb.closed).isEmpty();
            assertThat(readerThreadsFor(server)).isEmpty();
        }
    }

    @Test
    void writesTheSocketCannotTakeWaitForTheLoop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recorder rs = stopsReadingUntil(release); // its socket buffers fill up
        int count = 200_000; // about 9 MB, far more than both socket buffers
        // slow heartbeats: the RS's blocked reader cannot answer them while it holds the first message
        ControlOptions slow = ControlOptions.defaults().withHeartbeat(Duration.ofSeconds(5), 3);
        try (ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", slow, ch -> rs);
             ControlClient client = connect(server, slow)) {
            lb.awaitOpen();
            AtomicReference<Long> unsent = new AtomicReference<>();
            loop.call(() -> {
                for (int i = 0; i < count; i++) {
                    if (!client.send(new AckForward(i, 1, 25, new long[] {5, 9, 0, 2}))) {
                        unsent.compareAndSet(null, (long) i);
                    }
                }
                return null;
            });
            assertThat(unsent.get()).as("the loop never blocks: over capacity rather than waiting").isNull();
            release.countDown();
            for (int i = 0; i < count; i++) {
                assertThat(((AckForward) rs.awaitMessage()).connectionKey()).isEqualTo(i);
            }
            assertThat(client.writeStats().socketWrites()).isGreaterThan(1);
        }
    }

    @Test
    void aPeerThatStopsReadingIsCutOffInsteadOfGrowingTheBacklog() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recorder rs = stopsReadingUntil(release);
        ControlOptions slow = ControlOptions.defaults().withHeartbeat(Duration.ofSeconds(5), 3);
        byte[] chunk = new byte[16 * 1024];
        try (ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", slow, ch -> rs);
             ControlClient client = connect(server, slow)) {
            lb.awaitOpen();
            long refused = loop.call(() -> {
                long n = 0;
                for (int i = 0; i < 20_000; i++) { // 320 MB to a peer that reads nothing after the first message
                    if (!client.send(new ProxyData(i, 0, 0, chunk, false))) {
                        n++;
                    }
                }
                return n;
            });
            assertThat(refused).as("sends refused once the backlog passed its limit").isPositive();
            assertThat(lb.awaitClose()).asString().contains("peer is not reading");
        } finally {
            release.countDown();
        }
    }

    @Test
    void heartbeatsKeepAnIdleChannelOpen() throws Exception {
        Recorder rs = new Recorder();
        ControlOptions tolerant = FAST.withHeartbeat(Duration.ofMillis(100), 10); // a busy machine may stall 300 ms
        try (ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", tolerant, ch -> rs);
             ControlClient client = connect(server, tolerant)) {
            lb.awaitOpen();
            Thread.sleep(1_500); // 15 heartbeat intervals; dead after 10 missed
            assertThat(lb.closed).isEmpty();
            assertThat(rs.closed).isEmpty();
            assertThat(client.isOpen()).isTrue();
            assertThat(client.lastRttNanos()).as("HeartbeatAcks were read on the loop").isPositive();
        }
    }

    @Test
    void aLostServerIsReconnectedOntoTheLoop() throws Exception {
        Recorder rs = new Recorder();
        ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", FAST, ch -> rs);
        InetSocketAddress address = server.localAddress();
        try (ControlClient client = connect(server)) {
            lb.awaitOpen();
            server.close();
            assertThat(lb.awaitClose()).isNotNull();
            server = ControlServer.start(address, RS_TLS, "rs-a", FAST, ch -> rs);
            lb.awaitOpen();
            rs.awaitOpen(); // the first server's channel
            ControlChannel rsChannel = rs.awaitOpen();
            rsChannel.send(new StreamReport(7, 4, StreamReport.Outcome.FINISHED, 0, 10, 10, 200));
            assertThat(((StreamReport) lb.awaitMessage()).connectionKey()).isEqualTo(7);
            assertThat(lb.messageThreads).containsOnly(loop.thread().getName());
            assertThat(readerThreadsFor(server)).isEmpty();
        } finally {
            server.close();
        }
    }

    @Test
    void aLoopOnTheEpollPathOnlyBatchesAndTheChannelKeepsItsReaderThread() throws Exception {
        String saved = System.getProperty("qdsr.io.transport");
        System.setProperty("qdsr.io.transport", "epoll");
        UdpEventLoop epoll;
        try {
            epoll = UdpEventLoop.start("qdsr-test-epoll-loop");
        } finally {
            if (saved == null) {
                System.clearProperty("qdsr.io.transport");
            } else {
                System.setProperty("qdsr.io.transport", saved);
            }
        }
        Recorder rs = new Recorder();
        try (UdpEventLoop l = epoll;
             ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", FAST, ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), LB_TLS, "lb", FAST, lb, l)) {
            assertThat(l.isEpoll()).as("Netty's native epoll transport loads here").isTrue();
            assertThat(l.drivesChannels()).isFalse();
            l.afterTurn(client::flush);
            ControlChannel rsChannel = rs.awaitOpen();
            lb.awaitOpen();
            rsChannel.send(new StreamReport(3, 4, StreamReport.Outcome.FINISHED, 0, 10, 10, 200));
            assertThat(((StreamReport) lb.awaitMessage()).connectionKey()).isEqualTo(3);
            assertThat(lb.messageThreads).allMatch(t -> t.startsWith("qdsr-control-read-"));
            l.execute(() -> client.send(new AckForward(5, 1, 25, new long[] {5, 9, 0, 2})));
            assertThat(((AckForward) rs.awaitMessage()).connectionKey()).isEqualTo(5);
        }
    }

    @Test
    void closingTheLoopClosesItsChannels() throws Exception {
        Recorder rs = new Recorder();
        // heartbeats far apart: under load 300 ms without a message would close the channel first
        ControlOptions slow = ControlOptions.defaults().withHeartbeat(Duration.ofSeconds(5), 3);
        try (ControlServer server = ControlServer.start(LOOPBACK, RS_TLS, "rs-a", slow, ch -> rs);
             ControlClient client = connect(server, slow)) {
            lb.awaitOpen();
            loop.close();
            assertThat(lb.awaitClose()).asString().contains("control loop closed");
            assertThat(rs.awaitClose()).isNotNull();
            assertThat(client.isOpen()).isFalse();
        }
    }

    private ControlClient connect(ControlServer server) {
        return connect(server, FAST);
    }

    private ControlClient connect(ControlServer server, ControlOptions options) {
        ControlClient client = ControlClient.connect(server.localAddress(), LB_TLS, "lb", options, lb, loop);
        loop.afterTurn(client::flush); // as LoadBalancer does: one write per turn
        return client;
    }

    /** Live threads reading a connection to {@code server} on the LB's side (named after the RS's port). */
    private static List<String> readerThreadsFor(ControlServer server) throws InterruptedException {
        String name = "qdsr-control-read-" + server.localAddress().getAddress().getHostAddress() + ":"
                + server.localAddress().getPort();
        for (int i = 0; i < 100; i++) {
            if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(name))) {
                return List.of();
            }
            Thread.sleep(20);
        }
        return List.of(name);
    }

    /** An RS whose reader holds its first message until {@code release}: it reads nothing more meanwhile. */
    private static Recorder stopsReadingUntil(CountDownLatch release) {
        return new Recorder() {
            @Override
            public void onMessage(ControlChannel channel, ControlMessage m) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onMessage(channel, m);
            }
        };
    }
}
