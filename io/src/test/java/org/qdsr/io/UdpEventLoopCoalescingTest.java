package org.qdsr.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.qdsr.io.TestEndpoints.Recorder;

/**
 * Receive coalescing on a real loop and real sockets ({@link UdpEventLoop#coalesce}). The windows
 * are long (hundreds of ms to seconds) so that what is asserted is the behaviour (one turn for a
 * burst, a task or a lone datagram not kept waiting), not the machine's speed.
 */
class UdpEventLoopCoalescingTest {
    private static final long MS = 1_000_000L;
    private UdpEventLoop loop;
    private Recorder recorder;
    private InetSocketAddress address;
    private DatagramChannel client;

    @BeforeEach
    void start() throws Exception {
        loop = UdpEventLoop.start("coalescing");
        recorder = new Recorder();
        address = loop.register(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), recorder,
                UdpOptions.defaults()).localAddress();
        client = DatagramChannel.open();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        loop.close();
    }

    private void send(int n) throws Exception {
        client.send(ByteBuffer.wrap(new byte[] {(byte) n}), address);
    }

    /** Read from the loop's counters, not with a task: a task would wake the loop and end its pause. */
    private long received() {
        return loop.counters().datagramsIn();
    }

    private void awaitReceived(int n, long timeoutMs) throws Exception {
        long end = System.nanoTime() + timeoutMs * MS;
        while (received() < n && System.nanoTime() < end) {
            Thread.sleep(2);
        }
        assertThat(received()).as("datagrams received").isEqualTo(n);
    }

    @Test
    void aBusyLoopServesTheDatagramsOfItsPauseInOneTurn() throws Exception {
        loop.coalesce(1_000 * MS);
        send(1);
        awaitReceived(1, 5_000);
        send(2); // woken again well within the window: the loop is busy now and pauses after this turn
        awaitReceived(2, 5_000);
        Thread.sleep(200); // into the pause (it ends a window after datagram 2's wake-up)
        long turnsBefore = loop.counters().turns();
        for (int i = 3; i <= 10; i++) {
            send(i);
        }
        Thread.sleep(150);
        assertThat(received()).as("held in the socket during the pause").isEqualTo(2);
        awaitReceived(10, 5_000);
        assertThat(loop.counters().coalescedTurns()).as("turns after a pause").isGreaterThanOrEqualTo(1);
        assertThat(loop.counters().turns() - turnsBefore).as("turns that read the 8").isLessThanOrEqualTo(2);
        assertThat(loop.call(() -> recorder.payloads.stream().map(p -> (int) p[0]).toList()))
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void aTaskQueuedDuringAPauseRunsAtOnce() throws Exception {
        loop.coalesce(30_000 * MS);
        send(1);
        awaitReceived(1, 5_000);
        send(2);
        Thread.sleep(200); // busy now (two wake-ups within the window): pausing for up to 30 s
        long t0 = System.nanoTime();
        assertThat(loop.submit(() -> "ran").get(10, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat((System.nanoTime() - t0) / MS).as("ms until the task ran (the pause is 30 000)").isLessThan(10_000);
        awaitReceived(2, 5_000);
    }

    @Test
    void aLoneDatagramOnAQuietLoopIsNotKeptWaiting() throws Exception {
        loop.coalesce(1_500 * MS);
        send(1);
        awaitReceived(1, 5_000);
        Thread.sleep(2_000); // longer than the window: the next datagram finds the loop not busy
        long t0 = System.nanoTime();
        send(2);
        awaitReceived(2, 5_000);
        assertThat((System.nanoTime() - t0) / MS).as("ms until a lone datagram was read (window 1500)")
                .isLessThan(1_000);
        assertThat(loop.counters().coalescedTurns()).isZero();
    }

    @Test
    void offByDefault() {
        assertThat(loop.coalesceWindow()).isZero();
    }
}
