package org.qdsr.control.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.CreditGrant;
import org.qdsr.control.message.ProxyData;

/**
 * The caller-thread write path: backlog when the peer does not read, order and whole messages
 * across threads, close versus abort with a backlog, and TLS 1.3 KeyUpdate in both directions.
 */
@Timeout(60)
class ChannelWritePathTest {
    /** Slow heartbeats: a peer whose reader is parked in a callback must not time out meanwhile. */
    static final ControlOptions SMALL_QUEUE = new ControlOptions(Duration.ofSeconds(1), 30, Duration.ofMillis(20),
            Duration.ofMillis(200), Duration.ofSeconds(10), 64, 16 * 1024 * 1024);
    /** Default queue, slow heartbeats: a loaded build machine must not turn into a liveness failure. */
    static final ControlOptions TOLERANT = ControlChannelTest.FAST.withHeartbeat(Duration.ofSeconds(1), 30);
    static final byte[] CHUNK = new byte[16 * 1024];

    final TestPki pki = new TestPki();

    /** An RS that parks its reader on the first message until {@code gate} opens, and records keys. */
    static final class GatedPeer extends Recorder {
        final CountDownLatch gate = new CountDownLatch(1);
        final List<Long> keys = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(ControlChannel channel, ControlMessage m) {
            if (keys.isEmpty()) {
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            keys.add(m instanceof ProxyData d ? d.connectionKey() : -1L);
        }

        void awaitKeys(long count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (keys.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    /** trySend until the channel is full: the socket took what it could, the rest is backlog. */
    private static long fill(Connection c) {
        long sent = 0;
        while (c.trySend(new ProxyData(sent, 0, 0, CHUNK, false))) {
            sent++;
        }
        return sent;
    }

    @Test
    void backlogKeepsOrderAndDrainsWhenThePeerReadsAgain() throws Exception {
        GatedPeer rs = new GatedPeer();
        Recorder lb = new Recorder();
        try (ControlServer server = ControlServer.start(ControlChannelTest.LOOPBACK, pki.rsTls(), "rs", SMALL_QUEUE,
                ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", SMALL_QUEUE, lb)) {
            Connection c = (Connection) lb.awaitOpen();
            long sent = fill(c);
            assertThat(c.backlogEvents()).isPositive();
            assertThat(c.pendingBytes()).isPositive();
            assertThat(c.isOpen()).isTrue();
            rs.gate.countDown();
            for (int i = 0; i < 200; i++) {
                assertThat(c.send(new ProxyData(sent++, 0, 0, CHUNK, false))).isTrue(); // waits for room
            }
            rs.awaitKeys(sent);
            assertThat(rs.keys).hasSize((int) sent);
            for (int i = 0; i < sent; i++) {
                assertThat(rs.keys.get(i)).isEqualTo(i);
            }
            assertThat(c.pendingBytes()).isZero();
        }
    }

    @Test
    void closeWritesTheBacklogFirst() throws Exception {
        GatedPeer rs = new GatedPeer();
        Recorder lb = new Recorder();
        try (ControlServer server = ControlServer.start(ControlChannelTest.LOOPBACK, pki.rsTls(), "rs", SMALL_QUEUE,
                ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", SMALL_QUEUE, lb)) {
            Connection c = (Connection) lb.awaitOpen();
            long sent = fill(c);
            assertThat(c.pendingBytes()).isPositive();
            client.close();
            assertThat(c.send(new ProxyData(sent, 0, 0, CHUNK, false))).isFalse();
            rs.gate.countDown();
            assertThat(rs.awaitClose()).isNotNull(); // the peer saw us go, after reading everything
            assertThat(rs.keys).hasSize((int) sent);
            assertThat(lb.awaitClose()).isEqualTo("orderly");
        }
    }

    @Test
    void abortDropsTheBacklog() throws Exception {
        GatedPeer rs = new GatedPeer();
        Recorder lb = new Recorder();
        try (ControlServer server = ControlServer.start(ControlChannelTest.LOOPBACK, pki.rsTls(), "rs", SMALL_QUEUE,
                ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", SMALL_QUEUE, lb)) {
            Connection c = (Connection) lb.awaitOpen();
            long sent = fill(c);
            assertThat(c.pendingBytes()).isPositive();
            IOException cause = new IOException("test abort");
            c.abort(cause);
            assertThat(c.pendingBytes()).isZero();
            assertThat(c.trySend(new CreditGrant(1, 1))).isFalse();
            assertThat(lb.awaitClose()).isSameAs(cause);
            rs.gate.countDown();
            rs.awaitClose();
            assertThat(rs.keys.size()).isLessThan((int) sent);
        }
    }

    @Test
    void listenerCallbackSendingOverCapacityDoesNotDeadlock() throws Exception {
        int count = 2_000; // 32 MB: past the socket buffers and the capacity of 64, to an LB not reading for now
        Recorder rs = new Recorder() {
            @Override
            public void onMessage(ControlChannel channel, ControlMessage m) {
                for (int i = 0; i < count; i++) {
                    if (!channel.send(new ProxyData(i, 0, 0, CHUNK, false))) {
                        throw new AssertionError("send " + i + " refused");
                    }
                }
                super.onMessage(channel, m);
            }
        };
        GatedPeer lb = new GatedPeer();
        try (ControlServer server = ControlServer.start(ControlChannelTest.LOOPBACK, pki.rsTls(), "rs", SMALL_QUEUE,
                ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", SMALL_QUEUE, lb)) {
            lb.awaitOpen();
            assertThat(client.send(new CreditGrant(1, 1))).isTrue();
            assertThat(rs.awaitMessage()).isEqualTo(new CreditGrant(1, 1)); // the RS reader came back
            lb.gate.countDown();
            lb.awaitKeys(count);
            assertThat(lb.keys).hasSize(count);
            assertThat(lb.keys.get(count - 1)).isEqualTo(count - 1);
        }
    }

    @Test
    void twoSendingThreadsInterleaveWholeMessages() throws Exception {
        int perThread = 5_000;
        AtomicReference<String> error = new AtomicReference<>();
        long[] next = new long[2];
        CountDownLatch all = new CountDownLatch(2 * perThread);
        Recorder rsEvents = new Recorder() {
            @Override
            public void onMessage(ControlChannel channel, ControlMessage m) {
                AckForward a = (AckForward) m;
                int t = (int) (a.connectionKey() >>> 32);
                long i = a.connectionKey() & 0xffff_ffffL;
                if (i != next[t]++ || !a.equals(ack(t, i))) {
                    error.compareAndSet(null, "thread " + t + " message " + i + " was " + a);
                }
                all.countDown();
            }
        };
        Recorder lb = new Recorder();
        try (ControlServer server = ControlServer.start(ControlChannelTest.LOOPBACK, pki.rsTls(), "rs",
                TOLERANT, ch -> rsEvents);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb",
                     TOLERANT, lb)) {
            ControlChannel c = lb.awaitOpen();
            Thread batching = new Thread(() -> sendAll(c, 0, perThread, true), "batching");
            Thread direct = new Thread(() -> sendAll(c, 1, perThread, false), "direct");
            c.batchOn(batching);
            batching.start();
            direct.start();
            batching.join();
            direct.join();
            assertThat(all.await(30, TimeUnit.SECONDS)).as("received %s", List.of(next[0], next[1])).isTrue();
            assertThat(error.get()).isNull();
        }
    }

    @Test
    void batchedMessagesLeaveInOneRecordAndOneWritePerFlush() throws Exception {
        Recorder rs = new Recorder();
        Recorder lb = new Recorder();
        try (ControlServer server = ControlServer.start(ControlChannelTest.LOOPBACK, pki.rsTls(), "rs", TOLERANT,
                ch -> rs);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb", TOLERANT, lb)) {
            lb.awaitOpen();
            client.batchOn(Thread.currentThread());
            WriteStats before = client.writeStats();
            for (int i = 0; i < 20; i++) {
                assertThat(client.send(ack(0, i))).isTrue();
            }
            client.flush();
            WriteStats d = client.writeStats().minus(before);
            for (int i = 0; i < 20; i++) {
                assertThat(rs.messages.poll(10, TimeUnit.SECONDS)).isEqualTo(ack(0, i));
            }
            assertThat(d.messages()).isEqualTo(20);
            // one flush of this thread; a heartbeat of the I/O thread may add one more
            assertThat(d.flushes()).isBetween(1L, 2L);
            assertThat(d.records()).isBetween(1L, 2L);
            assertThat(d.socketWrites()).isBetween(1L, 2L);
        }
    }

    static AckForward ack(int thread, long i) {
        long base = 100 + 7 * i;
        return new AckForward(((long) thread << 32) | i, thread, i % 64, new long[] {base + 5, base + 6, base, base + 2});
    }

    private static void sendAll(ControlChannel c, int thread, int count, boolean flushEvery7) {
        for (int i = 0; i < count; i++) {
            if (!c.send(ack(thread, i))) {
                throw new AssertionError("send failed at " + i);
            }
            if (flushEvery7 && i % 7 == 6) {
                c.flush();
            }
        }
        c.flush();
    }

    @Test
    void keyUpdatesInBothDirectionsKeepTheStreamIntact() throws Exception {
        int count = 3_000;
        AtomicReference<String> error = new AtomicReference<>();
        long[] next = new long[1];
        CountDownLatch all = new CountDownLatch(count);
        Recorder rsEvents = new Recorder() {
            @Override
            public void onMessage(ControlChannel channel, ControlMessage m) {
                if (!m.equals(ack(0, next[0]))) {
                    error.compareAndSet(null, "message " + next[0] + " was " + m);
                }
                next[0]++;
                channel.send(new CreditGrant(next[0], 1)); // and the RS talks back on every message
                all.countDown();
            }
        };
        Recorder lb = new Recorder();
        try (ControlServer server = ControlServer.start(ControlChannelTest.LOOPBACK, pki.rsTls(), "rs",
                TOLERANT, ch -> rsEvents);
             ControlClient client = ControlClient.connect(server.localAddress(), pki.lbTls(), "lb",
                     TOLERANT, lb)) {
            Connection c = (Connection) lb.awaitOpen();
            Connection rs = (Connection) rsEvents.awaitOpen();
            int updates = 0;
            for (int i = 0; i < count; i++) {
                if (!c.send(ack(0, i))) {
                    throw new AssertionError("send " + i + " failed: closed by " + lb.awaitClose());
                }
                if (i % 300 == 150) {
                    c.requestKeyUpdate();
                    rs.requestKeyUpdate(); // from a foreign thread, while the RS reader also sends
                    updates++;
                }
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).as("received %s", next[0]).isTrue();
            assertThat(error.get()).isNull();
            for (int i = 1; i <= count; i++) {
                assertThat(lb.awaitMessage()).isEqualTo(new CreditGrant(i, 1));
            }
            // each side sent its own KeyUpdates and answered the other's update_requested ones (RFC 8446 §4.6.3)
            assertThat(updates).isEqualTo(10);
            assertThat(rs.ownRecords()).isGreaterThanOrEqualTo(2 * updates);
            assertThat(c.ownRecords()).isGreaterThanOrEqualTo(2 * updates);
            assertThat(c.isOpen()).isTrue();
        }
    }
}
