package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.recovery.CongestionController;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimEvent;

/** RFC 9000 §9.3/§9.4 on the server: events, validation, congestion reset, amplification limit toward a new address. */
class PeerAddressChangeTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int BODY = 1 << 20;

    /** Echo server on stream 0 that records its events and the congestion window when a new address is validated. */
    private static ConnectionHandler recording(List<ConnectionEvent> events, QuicConnection[] holder, long[] cwndAtValidation) {
        byte[] buf = new byte[65536];
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        boolean[] fin = {false, false};
        return (c, now) -> {
            holder[0] = c;
            ConnectionEvent e;
            while ((e = c.pollEvent()) != null) {
                events.add(e);
                if (e instanceof ConnectionEvent.PeerAddressValidated) {
                    cwndAtValidation[0] = c.recovery.cc().congestionWindow();
                }
            }
            if (events.stream().noneMatch(x -> x instanceof ConnectionEvent.StreamOpened)) {
                return;
            }
            int n;
            while (!fin[0] && (n = c.read(0, buf, 0, buf.length)) != 0) {
                if (n < 0) {
                    fin[0] = true;
                } else {
                    pending.write(buf, 0, n);
                }
            }
            byte[] data = pending.toByteArray();
            int written = data.length == 0 ? 0 : c.write(0, data, 0, data.length);
            pending.reset();
            pending.write(data, written, data.length - written);
            if (fin[0] && pending.size() == 0 && !fin[1]) {
                fin[1] = true;
                c.finish(0);
            }
        };
    }

    @Test
    void portOnlyRebindingIsValidatedAndKeepsCongestionState() throws Exception {
        Run r = run(new InetSocketAddress("198.18.0.2", 50001), 31);
        var validated = r.validated();
        assertThat(validated.ipChanged()).isFalse();
        assertThat(r.cwndAtValidation[0]).as("window kept").isGreaterThan(4 * CongestionController.initialWindow(1200));
    }

    @Test
    void newIpIsValidatedAndResetsCongestionState() throws Exception {
        Run r = run(new InetSocketAddress("198.18.0.99", 40000), 32);
        var validated = r.validated();
        assertThat(validated.ipChanged()).isTrue();
        assertThat(validated.previous()).isEqualTo(SimPair.CLIENT);
        assertThat(r.cwndAtValidation[0]).as("window reset (RFC 9000 §9.4)")
                .isLessThanOrEqualTo(2 * CongestionController.initialWindow(1500));
    }

    @Test
    void aSpoofedSourceGetsAtMostThreeTimesItsBytesAndIsNeverValidated() throws Exception {
        List<ConnectionEvent> events = new ArrayList<>();
        QuicConnection[] server = new QuicConnection[1];
        InetSocketAddress victim = new InetSocketAddress("198.19.0.9", 9999);
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(33, config, c -> recording(events, server, new long[1]))) {
            pair.net.setDefaultConditions(LinkConditions.delay(10_000_000));
            EchoClient app = new EchoClient(new byte[BODY]);
            pair.connect(pair.clientOptions(config), app);
            pair.net.runUntil(() -> server[0] != null && server[0].bytesReceived() > 200_000, 30 * SECOND);
            long[] spoofed = {0, 0}; // bytes injected, bytes sent to the victim
            boolean[] injected = {false};
            pair.net.addTap(e -> {
                if (e.kind() == SimEvent.Kind.SENT && e.to().equals(victim)) {
                    spoofed[1] += e.data().length;
                } else if (e.kind() == SimEvent.Kind.SENT && e.from().equals(SimPair.CLIENT) && !injected[0]) {
                    injected[0] = true; // an on-path attacker races a copy from another source ahead of the original
                    byte[] copy = e.data().clone();
                    spoofed[0] += copy.length;
                    pair.net.schedule(e.time(), () -> pair.server.onDatagram(copy, 0, copy.length, victim, pair.net.now()));
                }
            });
            pair.net.runUntil(() -> app.done, 60 * SECOND);
            assertThat(app.done).isTrue();
            assertThat(events).anyMatch(e -> e instanceof ConnectionEvent.PeerAddressChanged c && c.current().equals(victim));
            assertThat(events).noneMatch(e -> e instanceof ConnectionEvent.PeerAddressValidated);
            assertThat(spoofed[1]).as("bytes to the spoofed address").isPositive().isLessThanOrEqualTo(3 * spoofed[0]);
            assertThat(server[0].validatedPeerAddress()).isEqualTo(SimPair.CLIENT);
            assertThat(server[0].peerAddress()).as("back on the real address").isEqualTo(SimPair.CLIENT);
        }
    }

    /**
     * RFC 9000 §8.2.4, §9.3.2: a spoofed copy of the client's packet races ahead of the original,
     * which is lost, and the client cannot get through for a while. The server follows the spoofed
     * source, challenges it, gets no answer, and after the validation timeout sends to the last
     * validated address again on its own (its probes reach the client before the client's own
     * packets get through again); the victim gets no more datagrams after that.
     */
    @Test
    void anUnansweredValidationRevertsToTheLastValidatedAddress() throws Exception {
        List<ConnectionEvent> events = new ArrayList<>();
        QuicConnection[] server = new QuicConnection[1];
        InetSocketAddress victim = new InetSocketAddress("198.19.0.9", 9999);
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(35, config, c -> recording(events, server, new long[1]))) {
            LinkConditions normal = LinkConditions.delay(10_000_000);
            pair.net.setDefaultConditions(normal);
            EchoClient app = new EchoClient(new byte[2000]);
            QuicConnection client = pair.connect(pair.clientOptions(config), app);
            pair.net.runUntil(() -> app.done, 30 * SECOND);
            pair.net.runFor(SECOND);

            long[] injectedAt = {-1};
            long[] spoofed = {0, 0}; // bytes injected, bytes sent to the victim
            List<Long> toVictimAt = new ArrayList<>();
            long[] backAt = {-1};
            pair.net.setConditions(SimPair.CLIENT, SimPair.SERVER, normal.withLoss(1.0));
            pair.net.addTap(e -> {
                if (e.kind() != SimEvent.Kind.SENT) {
                    return;
                }
                if (e.to().equals(victim)) {
                    toVictimAt.add(e.time());
                    spoofed[1] += e.data().length;
                } else if (e.from().equals(SimPair.CLIENT) && injectedAt[0] < 0) {
                    injectedAt[0] = e.time(); // the original is lost; its copy arrives from elsewhere
                    byte[] copy = e.data().clone();
                    spoofed[0] += copy.length;
                    pair.net.schedule(e.time(), () -> pair.server.onDatagram(copy, 0, copy.length, victim, pair.net.now()));
                } else if (e.from().equals(SimPair.SERVER) && e.to().equals(SimPair.CLIENT) && injectedAt[0] >= 0
                        && !toVictimAt.isEmpty() && backAt[0] < 0) {
                    backAt[0] = e.time();
                }
            });
            long stream = client.openStream(true);
            client.write(stream, new byte[] {42}, 0, 1);
            pair.client.poke(pair.net.now());
            pair.net.runFor(8 * SECOND);
            long healedAt = pair.net.now();
            pair.net.setConditions(SimPair.CLIENT, SimPair.SERVER, normal);
            pair.net.runFor(5 * SECOND);

            assertThat(toVictimAt).as("the server followed the spoofed source").isNotEmpty();
            assertThat(events).anyMatch(e -> e instanceof ConnectionEvent.PeerAddressAbandoned a
                    && a.abandoned().equals(victim) && a.revertedTo().equals(SimPair.CLIENT));
            assertThat(events).noneMatch(e -> e instanceof ConnectionEvent.PeerAddressValidated);
            assertThat(server[0].pathValidationsAbandoned()).isEqualTo(1);
            assertThat(server[0].peerAddress()).isEqualTo(SimPair.CLIENT);
            assertThat(backAt[0]).as("back at the client without the client's help")
                    .isGreaterThanOrEqualTo(injectedAt[0] + PathValidator.abandonTimeout(0)).isLessThan(healedAt);
            assertThat(toVictimAt).as("nothing to the victim after the revert").allMatch(t -> t < backAt[0]);
            assertThat(spoofed[1]).isLessThanOrEqualTo(3 * spoofed[0]);
            assertThat(server[0].isClosed()).as("the connection lives on").isFalse();
        }
    }

    /**
     * RFC 9000 §8.2.1: the datagram with the PATH_CHALLENGE to a new address is expanded to 1200
     * bytes, or as far as the anti-amplification limit allows. Here the move comes once the echo
     * is over, with a one-byte stream: without the padding the server's datagram would be tiny.
     */
    @Test
    void thePathChallengeDatagramIsPaddedWithinTheAmplificationLimit() throws Exception {
        List<ConnectionEvent> events = new ArrayList<>();
        QuicConnection[] server = new QuicConnection[1];
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(34, config, c -> recording(events, server, new long[1]))) {
            InetSocketAddress moved = new InetSocketAddress("198.18.0.77", 41000);
            List<Integer> fromMoved = new ArrayList<>();
            List<Integer> toMoved = new ArrayList<>();
            echoThenMove(pair, config, server, moved, client -> pair.net.addTap(e -> {
                if (e.kind() == SimEvent.Kind.SENT && e.to().equals(moved)) {
                    toMoved.add(e.data().length);
                } else if (e.kind() == SimEvent.Kind.SENT && e.from().equals(moved)) {
                    fromMoved.add(e.data().length);
                }
            }));

            assertThat(server[0].validatedPeerAddress()).isEqualTo(moved);
            int received = fromMoved.get(0);
            assertThat(toMoved.get(0)).as("first datagram to %s after %d bytes from it", moved, received)
                    .isGreaterThanOrEqualTo(Math.min(1200, 3 * received))
                    .isLessThanOrEqualTo(Math.max(1200, 3 * received));
        }
    }

    /**
     * RFC 9000 §9.5: a client that moves with a new connection ID of the server's (active
     * migration) gets every datagram at its new address under a connection ID of its own that the
     * old path never carried, and the old one is retired; a client that only rebinds (same ID,
     * a NAT it cannot see) keeps the server's ID, as §9.5 allows.
     */
    @Test
    void activeMigrationIsAnsweredWithAFreshConnectionIdAndRebindingIsNot() throws Exception {
        for (boolean active : new boolean[] {true, false}) {
            List<ConnectionEvent> events = new ArrayList<>();
            QuicConnection[] server = new QuicConnection[1];
            ConnectionConfig config = ConnectionConfig.defaults();
            try (SimPair pair = new SimPair(36, config, c -> recording(events, server, new long[1]))) {
                InetSocketAddress moved = new InetSocketAddress("198.18.0.78", 41000);
                List<byte[]> toMoved = new ArrayList<>();
                org.qdsr.quic.wire.ConnectionId[] idBefore = new org.qdsr.quic.wire.ConnectionId[1];
                QuicConnection client = echoThenMove(pair, config, server, moved, c -> {
                    idBefore[0] = server[0].peerConnectionId();
                    pair.net.addTap(e -> {
                        if (e.kind() == SimEvent.Kind.SENT && e.to().equals(moved)) {
                            toMoved.add(e.data());
                        }
                    });
                    if (active) {
                        assertThat(c.rotatePeerConnectionId()).as("the client has a spare ID of the server's").isTrue();
                    }
                });
                org.qdsr.quic.wire.ConnectionId before = idBefore[0];
                pair.net.runFor(SECOND);

                assertThat(server[0].validatedPeerAddress()).isEqualTo(moved);
                assertThat(toMoved).as("datagrams to the new address").isNotEmpty();
                for (byte[] d : toMoved) {
                    assertThat(d[0] & 0x80).as("short header").isZero();
                    boolean oldId = before.matches(d, 1, before.length());
                    assertThat(oldId).as("active=%s: the old path's ID toward the new address", active)
                            .isEqualTo(!active);
                }
                assertThat(events).filteredOn(e -> e instanceof ConnectionEvent.PeerAddressChanged)
                        .as("active=%s", active).singleElement()
                        .matches(e -> ((ConnectionEvent.PeerAddressChanged) e).newConnectionId() == active);
                assertThat(client.localConnectionIds()).as("active=%s: the old ID retired", active)
                        .matches(ids -> ids.contains(before) != active);
            }
        }
    }

    /**
     * Echoes 2000 bytes, lets the connection settle for a second, runs {@code beforeMove} (taps,
     * a client-side change), moves the client to {@code moved} and writes one byte from there;
     * returns once the server validated the new address (or after 10 s).
     */
    private static QuicConnection echoThenMove(SimPair pair, ConnectionConfig config, QuicConnection[] server,
                                               InetSocketAddress moved,
                                               java.util.function.Consumer<QuicConnection> beforeMove) throws Exception {
        pair.net.setDefaultConditions(LinkConditions.delay(10_000_000));
        EchoClient app = new EchoClient(new byte[2000]);
        QuicConnection client = pair.connect(pair.clientOptions(config), app);
        pair.net.runUntil(() -> app.done, 30 * SECOND);
        pair.net.runFor(SECOND);
        beforeMove.accept(client);
        pair.net.rebind(pair.net.nodeAt(SimPair.CLIENT), moved);
        long stream = client.openStream(true);
        client.write(stream, new byte[] {42}, 0, 1);
        pair.client.poke(pair.net.now());
        pair.net.runUntil(() -> server[0].validatedPeerAddress().equals(moved), 10 * SECOND);
        return client;
    }

    private record Run(List<ConnectionEvent> events, long[] cwndAtValidation) {
        ConnectionEvent.PeerAddressValidated validated() {
            assertThat(events).anyMatch(e -> e instanceof ConnectionEvent.PeerAddressChanged);
            return events.stream().filter(e -> e instanceof ConnectionEvent.PeerAddressValidated)
                    .map(e -> (ConnectionEvent.PeerAddressValidated) e).findFirst().orElseThrow();
        }
    }

    private Run run(InetSocketAddress moved, long seed) throws Exception {
        List<ConnectionEvent> events = new ArrayList<>();
        QuicConnection[] server = new QuicConnection[1];
        long[] cwnd = {-1};
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(seed, config, c -> recording(events, server, cwnd))) {
            pair.net.setDefaultConditions(LinkConditions.delay(10_000_000));
            EchoClient app = new EchoClient(new byte[BODY]);
            pair.connect(pair.clientOptions(config), app);
            pair.net.runUntil(() -> server[0] != null && server[0].bytesReceived() > BODY / 2, 30 * SECOND);
            assertThat(app.done).isFalse();
            pair.net.rebind(pair.net.nodeAt(SimPair.CLIENT), moved);
            pair.net.runUntil(() -> app.done, 60 * SECOND);
            assertThat(app.done).as("echo completes after the move").isTrue();
            assertThat(server[0].peerAddress()).isEqualTo(moved);
            assertThat(server[0].validatedPeerAddress()).isEqualTo(moved);
            return new Run(events, cwnd);
        }
    }
}
