package org.qdsr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.qdsr.io.TestEndpoints.Echo;
import org.qdsr.io.TestEndpoints.Recorder;
import org.qdsr.io.TestEndpoints.WindowedSender;
import org.qdsr.quic.DatagramSink;

class UdpEventLoopTest {
    static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private UdpEventLoop loop(String name) throws Exception {
        UdpEventLoop loop = UdpEventLoop.start(name);
        toClose.add(loop);
        return loop;
    }

    @Test
    void twoLoopsExchangeTenThousandDatagrams() throws Exception {
        UdpEventLoop a = loop("loop-a");
        UdpEventLoop b = loop("loop-b");
        Echo echo = new Echo();
        UdpRegistration echoReg = b.register(LOOPBACK_ANY_PORT, echo, UdpOptions.defaults());
        WindowedSender sender = new WindowedSender(echoReg.localAddress(), 10_000, 64);
        a.register(LOOPBACK_ANY_PORT, sender, UdpOptions.defaults());
        a.wakeup();

        assertThat(sender.done.await(30, TimeUnit.SECONDS)).as("all echoes received").isTrue();

        assertThat(b.call(() -> echo.seen.cardinality())).isEqualTo(10_000);
        assertThat(a.call(() -> sender.acked.cardinality())).isEqualTo(10_000);
        assertThat(a.counters().datagramsOut()).isGreaterThanOrEqualTo(10_000);
        assertThat(a.counters().bytesOut()).isGreaterThanOrEqualTo(2_000_000);
        assertThat(b.counters().datagramsIn()).isGreaterThanOrEqualTo(10_000);
        assertThat(a.counters().endpointExceptions()).isZero();
    }

    @Test
    void endpointThatThrowsDoesNotStopTheLoop() throws Exception {
        UdpEventLoop loop = loop("throwing");
        Recorder thrower = new Recorder() {
            @Override
            public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
                super.onDatagram(data, off, len, from, now);
                if (payloads.size() % 10 == 0) {
                    throw new IllegalStateException("boom on datagram " + payloads.size());
                }
            }
        };
        InetSocketAddress target = loop.register(LOOPBACK_ANY_PORT, thrower, UdpOptions.defaults()).localAddress();

        try (DatagramChannel client = DatagramChannel.open()) {
            client.bind(LOOPBACK_ANY_PORT);
            for (int i = 0; i < 100; i++) {
                client.send(ByteBuffer.wrap(new byte[] {(byte) i}), target);
            }
            awaitCondition(loop, () -> thrower.payloads.size() == 100);
        }

        assertThat(loop.counters().endpointExceptions()).isEqualTo(10);
        assertThat(loop.submit(() -> "alive").get(5, TimeUnit.SECONDS)).isEqualTo("alive");
    }

    @Test
    void executeAndSubmitRunOnTheLoopThread() throws Exception {
        UdpEventLoop loop = loop("tasks");
        CountDownLatch ran = new CountDownLatch(1);
        String[] threadName = new String[1];
        loop.execute(() -> {
            threadName[0] = Thread.currentThread().getName();
            ran.countDown();
        });
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(threadName[0]).isEqualTo("tasks");
        assertThat(loop.submit(loop::inLoop).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.inLoop()).isFalse();
        assertThatThrownBy(() -> loop.submit(() -> {
            throw new IllegalArgumentException("from task");
        }).join()).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deadlinesFireInOrderAndNotBeforeTheirTime() throws Exception {
        UdpEventLoop loop = loop("timers");
        List<long[]> fired = new ArrayList<>(); // {requested, now}
        CountDownLatch three = new CountDownLatch(3);
        Recorder timed = new Recorder() {
            long deadline = Long.MAX_VALUE;
            final long[] offsets = {3_000_000, 500_000, 20_000_000};
            int next;

            @Override
            public long nextDeadline() {
                if (deadline == Long.MAX_VALUE && next < offsets.length) {
                    deadline = System.nanoTime() + offsets[next++];
                }
                return deadline;
            }

            @Override
            public void onDeadline(long now) {
                fired.add(new long[] {deadline, now});
                deadline = Long.MAX_VALUE;
                three.countDown();
            }
        };
        loop.register(LOOPBACK_ANY_PORT, timed, UdpOptions.defaults());
        loop.wakeup();

        assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
        List<long[]> snapshot = loop.call(() -> List.copyOf(fired));
        assertThat(snapshot).hasSize(3).allSatisfy(f -> assertThat(f[1]).isGreaterThanOrEqualTo(f[0]));
        assertThat(snapshot.get(0)[1]).isLessThanOrEqualTo(snapshot.get(1)[0]);
        assertThat(snapshot.get(1)[1]).isLessThanOrEqualTo(snapshot.get(2)[0]);
    }

    @Test
    void sendOnlyWildcardSocketSharesThePortAndSendsFromIt() throws Exception {
        UdpEventLoop loop = loop("dsr");
        Recorder specific = new Recorder();
        UdpRegistration specificReg = loop.register(LOOPBACK_ANY_PORT, specific,
                UdpOptions.defaults().withReuseAddress(true));
        int port = specificReg.localAddress().getPort();
        Recorder dsrServer = new Recorder();
        UdpRegistration wildcard = loop.register(new InetSocketAddress("0.0.0.0", port), dsrServer,
                UdpOptions.sendOnly());
        Recorder third = new Recorder();
        InetSocketAddress thirdAddr = loop.register(LOOPBACK_ANY_PORT, third, UdpOptions.defaults()).localAddress();
        assertThat(wildcard.localAddress().getPort()).isEqualTo(port);

        try (DatagramChannel client = DatagramChannel.open()) {
            client.bind(LOOPBACK_ANY_PORT);
            for (int i = 0; i < 20; i++) {
                client.send(ByteBuffer.wrap(new byte[] {(byte) i}), new InetSocketAddress("127.0.0.1", port));
            }
            awaitCondition(loop, () -> specific.payloads.size() == 20);
        }
        loop.execute(() -> dsrServer.queue(new byte[] {7, 7}, thirdAddr));
        awaitCondition(loop, () -> third.payloads.size() == 1);

        assertThat(loop.call(() -> List.copyOf(third.sources)))
                .containsExactly(new InetSocketAddress("127.0.0.1", port));
        assertThat(loop.call(() -> dsrServer.payloads.size())).isZero();
    }

    @Test
    void anEndpointSendsThroughOneSocketOnlyAndClosedLoopRejects() throws Exception {
        UdpEventLoop loop = UdpEventLoop.start("closing");
        Recorder ep = new Recorder();
        loop.register(LOOPBACK_ANY_PORT, ep, UdpOptions.defaults());
        assertThatThrownBy(() -> loop.register(LOOPBACK_ANY_PORT, ep, UdpOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
        UdpRegistration rxOnly = loop.register(LOOPBACK_ANY_PORT, ep,
                UdpOptions.defaults().withMode(UdpOptions.Mode.RECEIVE_ONLY));
        rxOnly.close();

        loop.close();

        assertThatThrownBy(() -> loop.execute(() -> { })).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        assertThatThrownBy(() -> loop.register(LOOPBACK_ANY_PORT, new Recorder(), UdpOptions.defaults()))
                .isInstanceOf(RuntimeException.class);
    }

    /** A closed registration's port is free at once, for a socket of another program as for a restart. */
    @Test
    void closingARegistrationFreesItsPortAtOnce() throws Exception {
        UdpEventLoop loop = loop("rebinding");
        for (int i = 0; i < 30; i++) {
            UdpRegistration reg = loop.register(LOOPBACK_ANY_PORT, new Recorder(), UdpOptions.defaults());
            InetSocketAddress address = reg.localAddress();
            reg.close();
            try (DatagramChannel other = DatagramChannel.open()) {
                other.bind(address); // no SO_REUSEADDR: fails while the old socket holds the port
            }
            loop.register(address, new Recorder(), UdpOptions.defaults()).close();
        }
    }

    @Test
    void sinkSendsSlicesOfOneArray() throws Exception {
        UdpEventLoop loop = loop("slices");
        Recorder rx = new Recorder();
        InetSocketAddress rxAddr = loop.register(LOOPBACK_ANY_PORT, rx, UdpOptions.defaults()).localAddress();
        byte[] big = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Recorder tx = new Recorder() {
            boolean sent;

            @Override
            public void drainTransmit(long now, DatagramSink sink) {
                if (!sent) {
                    sent = sink.send(big, 2, 3, rxAddr) & sink.send(big, 6, 4, rxAddr);
                }
            }
        };
        loop.register(LOOPBACK_ANY_PORT, tx, UdpOptions.defaults());
        loop.wakeup();
        awaitCondition(loop, () -> rx.payloads.size() == 2);
        assertThat(loop.call(() -> List.copyOf(rx.payloads))).containsExactly(new byte[] {2, 3, 4}, new byte[] {6, 7, 8, 9});
    }

    /** Polls {@code condition} on the loop thread until it holds (10 s at most). */
    static void awaitCondition(UdpEventLoop loop, java.util.function.BooleanSupplier condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!loop.call(condition::getAsBoolean)) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(end);
            Thread.sleep(5);
        }
    }
}
