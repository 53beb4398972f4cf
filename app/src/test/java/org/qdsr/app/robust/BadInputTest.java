package org.qdsr.app.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.io.UdpOptions;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.wire.ByteReader;

/**
 * A running server (our endpoint, echo application, real UDP event loop) receives over 100 000
 * bad datagrams while a live connection keeps exchanging data; afterwards the loop is alive, no
 * endpoint callback threw, every connection idles out and a fresh client completes an echo.
 */
class BadInputTest {
    private static final int FUZZ_DATAGRAMS = 100_000;
    private static final int MAX_IN_FLIGHT = 1000;
    private static final int RESET_PROBES = 500;
    /** The shortest datagram that can be a protected short-header packet with 8-byte CIDs (1 + 8 + 4 + 16). */
    private static final int MIN_RESET_TRIGGER = 29;
    private static final ConnectionConfig CONFIG = ConnectionConfig.defaults().withMaxIdleTimeout(Duration.ofSeconds(2));

    /** Responses the fuzzing socket got back. */
    private static final class Responses {
        long versionNegotiation;
        long shortHeader;
        long other;
        int largestShortHeader;
    }

    @Test
    void serverSurvivesHundredThousandBadDatagrams() {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "robust-pinger");
                t.setDaemon(true);
                return t;
            });
            try (UdpEchoServer server = new UdpEchoServer(CONFIG);
                 UdpEventLoop clientLoop = UdpEventLoop.start("robust-live-client");
                 DatagramChannel fuzz = openChannel();
                 DatagramChannel probe = openChannel()) {
                run(server, clientLoop, fuzz, probe, pinger);
            } finally {
                pinger.shutdownNow();
            }
        });
    }

    private void run(UdpEchoServer server, UdpEventLoop clientLoop, DatagramChannel fuzz, DatagramChannel probe,
                     ScheduledExecutorService pinger) throws Exception {
        // 1. a live connection, recorded, to harvest real Initial, Handshake and 1-RTT datagrams
        QuicClientEndpoint clientEndpoint = new QuicClientEndpoint();
        RecordingEndpoint recorder = new RecordingEndpoint(clientEndpoint);
        clientLoop.register(new InetSocketAddress("127.0.0.1", 0), recorder, UdpOptions.defaults());
        RepeatingEchoClient live = new RepeatingEchoClient();
        QuicConnection liveConnection = clientLoop.call(() -> {
            QuicConnection c = QuicConnection.connect(options(server), System.nanoTime());
            clientEndpoint.add(c, live);
            return c;
        });
        await(() -> live.established, 5, "live handshake");
        for (int i = 0; i < 5; i++) {
            clientLoop.call(() -> live.startEcho(liveConnection, 3000));
        }
        await(() -> live.exact.get() >= 5, 5, "live echoes");
        List<byte[]> initials = new ArrayList<>();
        List<byte[]> handshakes = new ArrayList<>();
        List<byte[]> shorts = new ArrayList<>();
        for (byte[] d : recorder.sent) {
            int type = FuzzCorpus.longType(d);
            (type == 0 ? initials : type == 2 ? handshakes : type == -1 ? shorts : new ArrayList<byte[]>()).add(d);
            if (type == 0 && containsHandshakePacket(d)) {
                handshakes.add(d);
            }
        }
        assertThat(initials).as("captured client Initial datagrams").isNotEmpty();
        assertThat(shorts).as("captured client 1-RTT datagrams").isNotEmpty();
        assertThat(handshakes).as("captured client Handshake datagrams").isNotEmpty();

        // keep the live connection busy during the fuzzing: a small echo every 250 ms
        pinger.scheduleAtFixedRate(() -> clientLoop.execute(() -> live.startEcho(liveConnection, 200)),
                0, 250, TimeUnit.MILLISECONDS);

        // 2. the fuzz, paced by the server loop's datagramsIn counter
        FuzzCorpus corpus = new FuzzCorpus(20240601L, initials, handshakes, shorts);
        Map<FuzzCorpus.Kind, Integer> sentByKind = new EnumMap<>(FuzzCorpus.Kind.class);
        Responses responses = new Responses();
        long inBefore = server.counters().datagramsIn();
        InetSocketAddress target = server.address();
        for (int sent = 0; sent < FUZZ_DATAGRAMS; sent++) {
            FuzzCorpus.Kind kind = corpus.pick();
            send(fuzz, corpus.next(kind), target);
            sentByKind.merge(kind, 1, Integer::sum);
            if (sent % 64 == 0) {
                drainResponses(fuzz, responses);
                paceAgainst(server, inBefore, sent + 1);
            }
        }
        paceAgainst(server, inBefore, FUZZ_DATAGRAMS);
        Thread.sleep(200);
        drainResponses(fuzz, responses);
        long arrived = server.counters().datagramsIn() - inBefore;

        // 3. paired stateless-reset probes: every reset must be smaller than its trigger
        int[] resetStats = probeStatelessResets(probe, target, corpus);

        pinger.shutdownNow();
        long accepted = server.loop.call(server.endpoint::connectionsAccepted);
        System.out.printf("BadInputTest: sent %s; arrived %d; VN %d, short-header responses %d (largest %d),"
                        + " other %d; probes %d answered %d; accepted connections %d; live echoes %d; counters %s%n",
                sentByKind, arrived, responses.versionNegotiation, responses.shortHeader,
                responses.largestShortHeader, responses.other, resetStats[0], resetStats[1], accepted,
                live.exact.get(), server.counters());

        // the live connection survived the storm
        assertThat(live.closed).as("live connection close reason").isNull();
        assertThat(live.corrupted.get()).isZero();
        int echoed = live.exact.get();
        clientLoop.call(() -> live.startEcho(liveConnection, 5000));
        await(() -> live.exact.get() > echoed, 5, "live echo after fuzzing");

        assertThat(arrived).as("fuzz datagrams that reached the server loop").isGreaterThanOrEqualTo(FUZZ_DATAGRAMS * 95L / 100);
        assertThat(responses.versionNegotiation).as("VN responses")
                .isGreaterThanOrEqualTo(sentByKind.get(FuzzCorpus.Kind.RANDOM_VERSION) * 9L / 10);
        assertThat(server.counters().endpointExceptions()).as("endpoint exceptions").isZero();

        // 4. everything idles out, the loop is alive, and a fresh client completes an echo
        clientLoop.call(() -> {
            liveConnection.close(0, "bye", System.nanoTime());
            return null;
        });
        await(() -> countQuietly(server) == 0, 20, "server connections idle out");
        assertThat(server.loop.call(() -> true)).isTrue();
        freshClientEcho(server, clientLoop);
        assertThat(server.counters().endpointExceptions()).as("endpoint exceptions").isZero();
    }

    private static ClientOptions options(UdpEchoServer server) {
        return ClientOptions.of(SimHarness.clientTls(), server.address()).withConfig(CONFIG);
    }

    /** Walks coalesced long-header packets (RFC 9000 §12.2) looking for a Handshake packet. */
    static boolean containsHandshakePacket(byte[] d) {
        try {
            ByteReader r = new ByteReader(d);
            while (r.remaining() > 0 && (r.peekUint8() & 0x80) != 0) {
                int type = (r.readUint8() >> 4) & 3;
                if (type == 2) {
                    return true;
                }
                r.readUint32();
                r.skip(r.readUint8());
                r.skip(r.readUint8());
                if (type == 0) {
                    r.skip(r.readVarIntAsLength());
                }
                r.skip(r.readVarIntAsLength());
            }
        } catch (RuntimeException e) {
            return false;
        }
        return false;
    }

    private static DatagramChannel openChannel() throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
        return ch;
    }

    private static void send(DatagramChannel ch, byte[] d, InetSocketAddress to) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(d);
        if (d.length == 0) {
            ch.send(b, to); // an empty datagram: send() returns 0 bytes either way
            return;
        }
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ch.send(b, to) == 0) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("send buffer stayed full for 5 s");
            }
            Thread.sleep(1);
        }
    }

    /** Waits while more than {@link #MAX_IN_FLIGHT} sent datagrams have not been read by the server loop. */
    private static void paceAgainst(UdpEchoServer server, long inBefore, long sent) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (sent - (server.counters().datagramsIn() - inBefore) > MAX_IN_FLIGHT && System.nanoTime() < giveUp) {
            Thread.sleep(1);
        }
    }

    private static void drainResponses(DatagramChannel ch, Responses r) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        while (true) {
            b.clear();
            if (ch.receive(b) == null) {
                return;
            }
            int len = b.position();
            byte[] d = b.array();
            if (len >= 5 && (d[0] & 0x80) != 0 && d[1] == 0 && d[2] == 0 && d[3] == 0 && d[4] == 0) {
                r.versionNegotiation++;
            } else if (len > 0 && (d[0] & 0xc0) == 0x40) {
                r.shortHeader++;
                r.largestShortHeader = Math.max(r.largestShortHeader, len);
            } else {
                r.other++;
            }
        }
    }

    /** Sends short headers with unknown CIDs one at a time; returns {triggers of a packet's size, answered}. */
    private static int[] probeStatelessResets(DatagramChannel ch, InetSocketAddress to, FuzzCorpus corpus)
            throws Exception {
        drainResponses(ch, new Responses());
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        ByteBuffer b = ByteBuffer.allocate(65536);
        int eligible = 0;
        int answered = 0;
        for (int i = 0; i < RESET_PROBES; i++) {
            int len = 21 + random.nextInt(200);
            byte[] trigger = corpus.randomCidShortHeader(len);
            eligible += len >= MIN_RESET_TRIGGER ? 1 : 0;
            send(ch, trigger, to);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(len >= MIN_RESET_TRIGGER ? 200 : 20);
            while (System.nanoTime() < until) {
                b.clear();
                if (ch.receive(b) != null) {
                    int n = b.position();
                    assertThat(n).as("stateless reset for a %d-byte trigger", len).isLessThan(len);
                    assertThat(n).as("stateless reset size (RFC 9000 §10.3)").isGreaterThanOrEqualTo(21);
                    assertThat(b.array()[0] & 0xc0).as("short header form").isEqualTo(0x40);
                    answered++;
                    break;
                }
                Thread.sleep(0, 200_000);
            }
        }
        assertThat(answered).as("stateless resets answered").isGreaterThanOrEqualTo(eligible * 9 / 10)
                .isLessThanOrEqualTo(eligible);
        return new int[] {eligible, answered};
    }

    private static void freshClientEcho(UdpEchoServer server, UdpEventLoop loop) throws Exception {
        QuicClientEndpoint endpoint = new QuicClientEndpoint();
        loop.register(new InetSocketAddress("127.0.0.1", 0), endpoint, UdpOptions.defaults());
        List<byte[]> payloads = Fixtures.payloads(3, 50_000, 77);
        MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
        loop.call(() -> {
            QuicConnection c = QuicConnection.connect(options(server), System.nanoTime());
            endpoint.add(c, app);
            return c;
        });
        app.done.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(app.received(i)).isEqualTo(payloads.get(i));
        }
    }

    private static int countQuietly(UdpEchoServer server) {
        try {
            return server.connectionCount();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
