package org.qdsr.http3.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.FrameWriter;
import org.qdsr.http3.Http3Error;
import org.qdsr.http3.MessageEvent;
import org.qdsr.http3.ResponseStreamParser;
import org.qdsr.http3.TestBytes;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;
import org.qdsr.quic.connection.CloseReason;
import org.qdsr.quic.connection.QuicConnection;

class Http3SessionErrorTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    private static final RequestHandler HELLO_HANDLER = (req, body) -> Http3Response.of(200, "text/plain", HELLO);

    private static List<Field> getHead(String path) {
        return List.of(new Field(":method", "GET"), new Field(":scheme", "https"),
                new Field(":authority", "localhost"), new Field(":path", path));
    }

    /** RFC 9114 §4.1: DATA before HEADERS is an invalid frame sequence, a connection error H3_FRAME_UNEXPECTED. */
    @Test
    void dataBeforeHeadersClosesTheConnectionWithFrameUnexpected() throws Exception {
        H3Sim sim = new H3Sim(21, HELLO_HANDLER);
        RawClient raw = new RawClient(c -> {
            long id = c.openStream(true);
            byte[] data = FrameWriter.dataFrame(HELLO, 0, HELLO.length);
            c.write(id, data, 0, data.length);
            c.finish(id);
        });
        QuicConnection c = sim.connect(raw);
        sim.runUntil(() -> c.closeReason() != null, 30);

        CloseReason reason = c.closeReason();
        assertThat(reason).isNotNull();
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.PEER_CLOSE);
        assertThat(reason.application()).isTrue();
        assertThat(reason.errorCode()).isEqualTo(Http3Error.H3_FRAME_UNEXPECTED.code());
        assertThat(sim.serverSession().requestsServed()).isZero();
    }

    /** RFC 9114 §4.2, §4.1.2: an uppercase field name makes the request malformed: a stream error H3_MESSAGE_ERROR. */
    @Test
    void malformedRequestResetsOnlyItsStream() throws Exception {
        // Field section: RIC 0, Base 0; :method GET (static 17), :scheme https (23), :path / (1),
        // :authority "localhost" (name ref 0), then literal name "X-Foo" (uppercase!) = "bar".
        byte[] section = TestBytes.concat(TestBytes.hex("0000 d1 d7 c1 50 09"), "localhost".getBytes(),
                new byte[] {0x25}, "X-Foo".getBytes(), new byte[] {0x03}, "bar".getBytes());
        H3Sim sim = new H3Sim(22, HELLO_HANDLER);
        long[] ids = new long[2];
        RawClient raw = new RawClient(c -> {
            ids[0] = writeRequest(c, FrameWriter.headersFrame(section));
            ids[1] = writeRequest(c, FrameWriter.headersFrame(getHead("/ok")));
        });
        QuicConnection c = sim.connect(raw);
        sim.runUntil(() -> raw.finished.contains(ids[1]) && raw.sawReset(ids[0], 0x10e), 30);

        assertThat(raw.sawReset(ids[0], Http3Error.H3_MESSAGE_ERROR.code())).isTrue();
        List<MessageEvent> response = parseResponse(raw.received.get(ids[1]).toByteArray());
        assertThat(response.get(0)).isInstanceOfSatisfying(MessageEvent.ResponseHead.class,
                h -> assertThat(h.response().status()).isEqualTo(200));
        assertThat(response.get(1)).isInstanceOfSatisfying(MessageEvent.Body.class,
                b -> assertThat(new String(b.buf(), b.off(), b.len(), StandardCharsets.US_ASCII)).isEqualTo("hello"));
        assertThat(response.get(response.size() - 1)).isInstanceOf(MessageEvent.End.class);
        assertThat(c.closeReason()).isNull();
        assertThat(sim.serverSession().requestsServed()).isEqualTo(1);
    }

    /**
     * RFC 9114 §4.2.2: a request head larger than the server will process is that request's
     * problem (a stream error H3_EXCESSIVE_LOAD, or a 431), not the connection's: browsers do not
     * honour SETTINGS_MAX_FIELD_SECTION_SIZE, and other requests on the connection must go on.
     */
    @Test
    void oversizedRequestHeadResetsOnlyItsStream() throws Exception {
        List<Field> big = new ArrayList<>(getHead("/big"));
        big.add(new Field("x-big", "z".repeat(100_000)));
        H3Sim sim = new H3Sim(23, HELLO_HANDLER);
        long[] ids = new long[2];
        RawClient raw = new RawClient(c -> {
            ids[0] = writeRequest(c, FrameWriter.headersFrame(big));
            ids[1] = writeRequest(c, FrameWriter.headersFrame(getHead("/ok")));
        });
        QuicConnection c = sim.connect(raw);
        sim.runUntil(() -> c.closeReason() != null
                || raw.finished.contains(ids[1]) && raw.sawReset(ids[0], Http3Error.H3_EXCESSIVE_LOAD.code()), 30);

        assertThat(c.closeReason()).isNull();
        assertThat(raw.sawReset(ids[0], Http3Error.H3_EXCESSIVE_LOAD.code())).isTrue();
        List<MessageEvent> response = parseResponse(raw.received.get(ids[1]).toByteArray());
        assertThat(response.get(0)).isInstanceOfSatisfying(MessageEvent.ResponseHead.class,
                h -> assertThat(h.response().status()).isEqualTo(200));
        assertThat(sim.serverSession().requestsServed()).isEqualTo(1);
    }

    private static long writeRequest(QuicConnection c, byte[] bytes) {
        long id = c.openStream(true);
        assertThat(c.write(id, bytes, 0, bytes.length)).isEqualTo(bytes.length);
        c.finish(id);
        return id;
    }

    private static List<MessageEvent> parseResponse(byte[] bytes) throws Exception {
        ResponseStreamParser p = new ResponseStreamParser(new QpackDecoder(), false);
        p.feed(bytes, 0, bytes.length);
        p.endOfStream();
        List<MessageEvent> events = new ArrayList<>();
        for (MessageEvent e; (e = p.next()) != null; ) {
            events.add(e);
        }
        return events;
    }

    /** A request answered with a stream reset fails with the code in its exception; the connection lives on. */
    @Test
    void clientSeesServerStreamResetWithCode() throws Exception {
        H3Sim sim = new H3Sim(23, HELLO_HANDLER);
        Http3ClientSession client = new Http3ClientSession();
        QuicConnection c = sim.connect(client);
        // "Host" differing from :authority is malformed (§4.3.1): the server resets with H3_MESSAGE_ERROR.
        var bad = client.request("GET", "https", "localhost", "/", List.of(new Field("host", "elsewhere")), null, null);
        var good = client.request("GET", "https", "localhost", "/", List.of(), null, null);
        sim.runUntil(() -> bad.isDone() && good.isDone(), 30);

        Throwable t = catchThrowable(bad::get);
        assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(Http3RequestException.class)
                .hasMessageContaining("0x10e");
        assertThat(((Http3RequestException) t.getCause()).retryable()).isFalse();
        assertThat(good.get().response().status()).isEqualTo(200);
        assertThat(c.closeReason()).isNull();
    }

    /** RFC 9114 §5.2: after GOAWAY in-flight requests complete, later ones fail as retryable, then the connection closes cleanly. */
    @Test
    void gracefulShutdownFinishesInFlightAndRejectsNewRequests() throws Exception {
        byte[] big = new byte[3 << 20];
        new java.util.Random(1).nextBytes(big);
        H3Sim sim = new H3Sim(24, (req, body) -> Http3Response.of(200, "application/octet-stream", big));
        Http3ClientSession client = new Http3ClientSession();
        QuicConnection c = sim.connect(client);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        var inFlight = client.request("GET", "https", "localhost", "/big", List.of(), null,
                Http3ClientSession.collector(first));
        sim.runUntil(() -> first.size() > 0, 30);
        assertThat(first.size()).isPositive();

        sim.serverSession().shutdown();
        sim.server.poke(sim.net.now()); // outside the endpoint's callbacks: let it drain
        var raced = client.request("GET", "https", "localhost", "/big", List.of(), null, null); // crosses the GOAWAY
        sim.runUntil(() -> client.goawayId() >= 0 && raced.isDone(), 30);
        var late = client.request("GET", "https", "localhost", "/big", List.of(), null, null);
        sim.runUntil(() -> inFlight.isDone() && c.closeReason() != null, 60);

        assertThat(sim.serverSession().goawayId()).isEqualTo(4);
        assertThat(client.goawayId()).isEqualTo(4);
        assertThat(inFlight.get().response().status()).isEqualTo(200);
        assertThat(first.toByteArray()).isEqualTo(big);
        for (CompletableFuture<Http3Result> f : List.of(raced, late)) {
            Throwable t = catchThrowable(f::get);
            assertThat(t).cause().isInstanceOf(Http3RequestException.class);
            assertThat(((Http3RequestException) t.getCause()).retryable()).as(t.getCause().getMessage()).isTrue();
        }
        assertThat(c.closeReason().errorCode()).isEqualTo(Http3Error.H3_NO_ERROR.code());
        assertThat(sim.serverSession().requestsServed()).isEqualTo(1);
    }

    /** A server answering with DATA before HEADERS: the client closes with H3_FRAME_UNEXPECTED and fails the request. */
    @Test
    void clientClosesOnServerFrameSequenceError() throws Exception {
        H3Sim sim = new H3Sim(25, conn -> (c, now) -> {
            byte[] buf = new byte[4096];
            for (org.qdsr.quic.connection.ConnectionEvent e; (e = c.pollEvent()) != null; ) {
                if (e instanceof org.qdsr.quic.connection.ConnectionEvent.StreamReadable r && r.streamId() % 4 == 0) {
                    int n;
                    while ((n = c.read(r.streamId(), buf, 0, buf.length)) > 0) {
                        // ignore the request
                    }
                    if (n < 0) {
                        byte[] data = FrameWriter.dataFrame(HELLO, 0, HELLO.length);
                        c.write(r.streamId(), data, 0, data.length);
                        c.finish(r.streamId());
                    }
                }
            }
        });
        Http3ClientSession client = new Http3ClientSession();
        QuicConnection c = sim.connect(client);
        var f = client.request("GET", "https", "localhost", "/", List.of(), null, null);
        sim.runUntil(() -> f.isDone() && c.closeReason() != null, 30);

        assertThat(catchThrowable(f::get)).cause().isInstanceOf(org.qdsr.http3.Http3Exception.class)
                .hasMessageContaining("H3_FRAME_UNEXPECTED");
        assertThat(c.closeReason().kind()).isEqualTo(CloseReason.Kind.LOCAL_CLOSE);
        assertThat(c.closeReason().errorCode()).isEqualTo(Http3Error.H3_FRAME_UNEXPECTED.code());
        assertThat(client.request("GET", "https", "localhost", "/", List.of(), null, null)).isCompletedExceptionally();
    }
}
