package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.http3.Http3Error;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3RequestException;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.CloseReason;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.sim.LinkConditions;

/**
 * The load balancer's graceful shutdown (RFC 9114 §5.2) on the virtual network: a response in
 * flight when it starts completes byte for byte wherever it is served, a request sent after
 * GOAWAY is refused as retryable, the connection then closes with H3_NO_ERROR, no new
 * connection is accepted, and a shutdown whose time ran out closes what is left at once.
 */
class GracefulShutdownTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int SIZE = 2_000_000;
    /** 10 ms each way, 20 Mbit/s: the 2 MB response takes most of a second. */
    private static final LinkConditions LINK = LinkConditions.delay(10_000_000).withBandwidth(2_500_000, 256 * 1024);

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ISOLATED, true", "PROXY, false", "INSTRUCTED, false"})
    void aResponseInFlightCompletesThenTheConnectionClosesCleanly(LoadBalancerCore.Mode mode, boolean serverPaths)
            throws Exception {
        Topology t = new Topology(91, 2, mode);
        Download d = startDownload(t, serverPaths);
        Http3ClientSession session = d.session();
        QuicConnection client = d.client();
        ByteArrayOutputStream body = d.body();
        CompletableFuture<Http3Result> inFlight = d.result();
        assertThat(body.size()).as("the response has started").isBetween(100_001, SIZE - 1);

        t.lb.shutdown(t.net.now());
        t.net.runFor(SECOND / 20); // the GOAWAY arrives; the response goes on
        assertThat(session.goawayId()).as("GOAWAY received").isGreaterThanOrEqualTo(0);
        assertThat(inFlight).isNotDone();
        CompletableFuture<Http3Result> late = Topology.get(session, "/bytes/1000", new ByteArrayOutputStream());

        t.net.runUntil(() -> inFlight.isDone() && client.state() != QuicConnection.State.ESTABLISHED, 30 * SECOND);
        assertThat(inFlight.get().response().status()).isEqualTo(200);
        assertThat(Topology.matchesSynthetic(body.toByteArray(), SIZE)).as("byte-exact body").isTrue();
        assertThat(late).isCompletedExceptionally();
        assertThat(causeOf(late)).isInstanceOfSatisfying(Http3RequestException.class,
                e -> assertThat(e.retryable()).as("refused without processing: retryable").isTrue());
        // our client closes by itself once idle after GOAWAY (§5.2), usually before the LB would
        CloseReason reason = client.closeReason();
        assertThat(reason.kind()).isIn(CloseReason.Kind.LOCAL_CLOSE, CloseReason.Kind.PEER_CLOSE);
        assertThat(reason.application()).isTrue();
        assertThat(reason.errorCode()).isEqualTo(Http3Error.H3_NO_ERROR.code());
        t.net.runUntil(t.lb::drained, 5 * SECOND);
        assertThat(t.lb.drained()).isTrue();
        assertThat(t.lb.stats().streamsFailed).isZero();
    }

    @Test
    void aNewConnectionIsRefusedAtOnceWhileShuttingDown() throws Exception {
        Topology t = new Topology(92, 1, LoadBalancerCore.Mode.ISOLATED);
        t.net.setDefaultConditions(LinkConditions.delay(10_000_000));
        t.lb.shutdown(t.net.now());
        assertThat(t.lb.drained()).as("nothing was open").isTrue();
        t.connect(true);
        QuicConnection refused = t.lastClient;
        t.net.runUntil(() -> refused.state() != QuicConnection.State.HANDSHAKE, SECOND);
        CloseReason reason = refused.closeReason();
        assertThat(reason).as("closed within one round trip, not at the handshake timeout").isNotNull();
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.PEER_CLOSE);
        assertThat(reason.application()).isFalse();
        assertThat(reason.errorCode()).isEqualTo(org.qdsr.quic.TransportError.CONNECTION_REFUSED.code());
        assertThat(t.lb.drained()).as("a refused connection is no LB connection").isTrue();
        t.net.runFor(5 * SECOND);
        assertThat(t.lb.connectionCount()).as("its closing state ends").isZero();
    }

    @Test
    void closeAllEndsOpenConnectionsAtOnceWithNoError() throws Exception {
        Topology t = new Topology(93, 2, LoadBalancerCore.Mode.ISOLATED);
        Download d = startDownload(t, true);
        QuicConnection client = d.client();
        CompletableFuture<Http3Result> inFlight = d.result();

        t.lb.closeAll(t.net.now());
        t.net.runUntil(() -> client.state() != QuicConnection.State.ESTABLISHED, 5 * SECOND);
        assertThat(client.closeReason().kind()).isEqualTo(CloseReason.Kind.PEER_CLOSE);
        assertThat(client.closeReason().errorCode()).isEqualTo(Http3Error.H3_NO_ERROR.code());
        t.net.runUntil(inFlight::isDone, 5 * SECOND);
        assertThat(inFlight).as("the cut response fails instead of hanging").isCompletedExceptionally();
    }

    /** A 2 MB download on a fresh connection over {@link #LINK}, run until 100 KB arrived. */
    private record Download(Http3ClientSession session, QuicConnection client, ByteArrayOutputStream body,
                            CompletableFuture<Http3Result> result) {
    }

    private static Download startDownload(Topology t, boolean serverPaths) throws Exception {
        t.net.setDefaultConditions(LINK);
        Http3ClientSession session = t.connect(serverPaths);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CompletableFuture<Http3Result> result = Topology.get(session, "/bytes/" + SIZE, body);
        t.net.runUntil(() -> body.size() > 100_000, 10 * SECOND);
        return new Download(session, t.lastClient, body, result);
    }

    private static Throwable causeOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
