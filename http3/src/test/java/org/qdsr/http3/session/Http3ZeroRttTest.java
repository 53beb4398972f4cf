package org.qdsr.http3.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.connection.ResumptionState;

/**
 * A client that resumes a session sends its control streams and its request in 0-RTT (RFC 9114
 * §7.2.4.2, RFC 9001 §4.6): the response arrives one round trip after the first flight instead of
 * two. A server that declines 0-RTT still answers: the data goes again in 1-RTT. 10 ms each way.
 */
class Http3ZeroRttTest {
    private static final long RTT = 20_000_000L;

    private static CompletableFuture<Http3Result> get(Http3ClientSession s, String path, ByteArrayOutputStream body) {
        return s.request("GET", "https", "localhost", path, List.of(), null, Http3ClientSession.collector(body));
    }

    /** A first connection that gets a ticket; returns it. */
    private static ResumptionState ticket(H3Sim sim) throws Exception {
        Http3ClientSession first = new Http3ClientSession();
        List<ResumptionState> tickets = new ArrayList<>();
        first.setTicketListener(tickets::add);
        sim.connect(first);
        var r = get(first, "/first", new ByteArrayOutputStream());
        sim.runUntil(() -> r.isDone() && !tickets.isEmpty(), 10);
        assertThat(r.get().response().status()).isEqualTo(200);
        assertThat(first.earlyDataAccepted()).as("nothing to resume").isFalse();
        return tickets.get(0);
    }

    private static RequestHandler echoPath() {
        return (req, body) -> Http3Response.of(200, "text/plain", ("served " + req.path()).getBytes(StandardCharsets.US_ASCII));
    }

    /** A request on a connection that resumes {@code ticket}, made before any packet left; with its time to answer. */
    private record Resumed(Http3ClientSession session, QuicConnection connection, Http3Result result, String body,
                           long nanos) {
    }

    private static Resumed resumedGet(H3Sim sim, ResumptionState ticket, String path) throws Exception {
        Http3ClientSession session = new Http3ClientSession();
        QuicConnection c = sim.connect(session, ticket);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long start = sim.net.now();
        var r = get(session, path, body);
        sim.client.poke(start); // the application acts before any packet left: the request goes in 0-RTT
        long[] done = {-1};
        r.thenRun(() -> done[0] = sim.net.now());
        sim.runUntil(r::isDone, 10);
        return new Resumed(session, c, r.get(), body.toString(StandardCharsets.US_ASCII), done[0] - start);
    }

    @Test
    void aResumedClientGetsItsResponseOneRoundTripAfterItsFirstFlight() throws Exception {
        H3Sim sim = new H3Sim(61, echoPath());
        Resumed r = resumedGet(sim, ticket(sim), "/early");
        assertThat(r.result().response().status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("served /early");
        assertThat(r.session().earlyDataAccepted()).isTrue();
        assertThat(sim.serverConnections.get(1).zeroRttPacketsReceived()).isPositive();
        assertThat(r.nanos()).as("one round trip (plus processing), not two").isLessThan(2 * RTT);
        assertThat(r.connection().isEstablished()).isTrue();
    }

    @Test
    void aServerThatDeclinesZeroRttStillAnswersInOneRtt() throws Exception {
        H3Sim sim = new H3Sim(62, echoPath());
        ResumptionState ticket = ticket(sim);
        H3Sim.TLS.setAcceptEarlyData(false);
        try {
            Resumed r = resumedGet(sim, ticket, "/late");
            assertThat(r.result().response().status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("served /late");
            assertThat(r.session().earlyDataAccepted()).isFalse();
            assertThat(r.nanos()).as("sent again after the handshake").isGreaterThanOrEqualTo(2 * RTT);
        } finally {
            H3Sim.TLS.setAcceptEarlyData(true);
        }
    }
}
