package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.sim.LinkConditions;

/** Session resumption and 0-RTT (RFC 9001 §4.5, §4.6) end to end on the virtual network. */
class ResumptionTest {
    private static final long SECOND = 1_000_000_000L;

    /** Opens a stream as soon as the connection allows, possibly before the handshake (0-RTT). */
    private static final class EarlyClient implements ConnectionHandler {
        final byte[] payload;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        ResumptionState ticket;
        Boolean earlyAccepted;
        long stream = -1;
        boolean done;

        EarlyClient(byte[] payload) {
            this.payload = payload;
        }

        void start(QuicConnection c) {
            stream = c.openStream(true);
            if (stream >= 0) {
                c.write(stream, payload, 0, payload.length);
                c.finish(stream);
            }
        }

        @Override
        public void onActivity(QuicConnection c, long now) {
            ConnectionEvent e;
            while ((e = c.pollEvent()) != null) {
                if (e instanceof ConnectionEvent.SessionTicket t) {
                    ticket = t.state();
                } else if (e instanceof ConnectionEvent.HandshakeCompleted h) {
                    earlyAccepted = h.earlyDataAccepted();
                }
            }
            if (stream < 0 && c.isEstablished()) {
                start(c);
            }
            byte[] buf = new byte[4096];
            int n;
            while (stream >= 0 && (n = c.read(stream, buf, 0, buf.length)) > 0) {
                received.write(buf, 0, n);
            }
            done |= stream >= 0 && c.read(stream, buf, 0, 0) < 0;
        }
    }

    @Test
    void resumedConnectionSendsZeroRttDataThatTheServerAccepts() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        QuicConnection[] server = new QuicConnection[1];
        try (SimPair pair = new SimPair(11, config, c -> {
            server[0] = c;
            return SimPair.echo();
        })) {
            pair.net.setDefaultConditions(LinkConditions.delay(20_000_000));
            EarlyClient first = new EarlyClient("first".getBytes());
            pair.connect(pair.clientOptions(config), first);
            pair.net.runUntil(() -> first.done && first.ticket != null, 10 * SECOND);
            assertThat(first.ticket).as("session ticket").isNotNull();
            assertThat(first.earlyAccepted).isFalse();

            byte[] early = "sent in 0-RTT".getBytes();
            EarlyClient second = new EarlyClient(early);
            QuicConnection c = pair.connect(pair.clientOptions(config).withResumption(first.ticket), second);
            second.start(c);
            assertThat(second.stream).as("stream opened before the handshake").isGreaterThanOrEqualTo(0);
            pair.net.runUntil(() -> second.done, 10 * SECOND);
            assertThat(second.earlyAccepted).isTrue();
            assertThat(second.received.toByteArray()).isEqualTo(early);
            assertThat(server[0].zeroRttPacketsReceived()).isPositive();
        }
    }

    @Test
    void rejectedZeroRttDataIsSentAgainInOneRtt() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(12, config, c -> SimPair.echo())) {
            pair.net.setDefaultConditions(LinkConditions.delay(20_000_000));
            EarlyClient first = new EarlyClient("first".getBytes());
            pair.connect(pair.clientOptions(config), first);
            pair.net.runUntil(() -> first.done && first.ticket != null, 10 * SECOND);

            SimPair.TLS.setAcceptEarlyData(false);
            try {
                byte[] early = "rejected early data".getBytes();
                EarlyClient second = new EarlyClient(early);
                QuicConnection c = pair.connect(pair.clientOptions(config).withResumption(first.ticket), second);
                second.start(c);
                pair.net.runUntil(() -> second.done, 10 * SECOND);
                assertThat(second.earlyAccepted).isFalse();
                assertThat(second.received.toByteArray()).isEqualTo(early);
            } finally {
                SimPair.TLS.setAcceptEarlyData(true);
            }
        }
    }
}
