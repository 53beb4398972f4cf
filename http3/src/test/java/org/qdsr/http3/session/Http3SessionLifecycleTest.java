package org.qdsr.http3.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.FrameWriter;
import org.qdsr.http3.Http3Error;
import org.qdsr.http3.Http3Settings;
import org.qdsr.quic.connection.ConnectionEvent;
import org.qdsr.quic.connection.QuicConnection;

class Http3SessionLifecycleTest {
    /** A body of unknown length that never produces a byte: the request stays pending. */
    private static final BodySource NEVER = new BodySource() {
        @Override
        public long length() {
            return -1;
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            return 0;
        }
    };

    private static final RequestHandler OK = (req, body) -> Http3Response.of(200, "text/plain", "ok".getBytes());

    /** A body source that has nothing ready returns 0; {@code resume()} continues the response later. */
    @Test
    void resumeContinuesAStalledBody() throws Exception {
        boolean[] ready = new boolean[1];
        BodySource stalling = new BodySource() {
            private boolean sent;

            @Override
            public long length() {
                return 3;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (!ready[0]) {
                    return 0;
                }
                if (sent) {
                    return -1;
                }
                sent = true;
                buf[off] = 'a';
                buf[off + 1] = 'b';
                buf[off + 2] = 'c';
                return 3;
            }
        };
        H3Sim sim = new H3Sim(31, (req, body) -> new Http3Response(200, List.of(), stalling));
        Http3ClientSession client = new Http3ClientSession();
        sim.connect(client);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var f = client.request("GET", "https", "localhost", "/slow", List.of(), null, Http3ClientSession.collector(out));
        sim.runUntil(() -> sim.sessions.size() == 1 && sim.serverSession().activeRequests() == 1, 10);
        sim.net.runFor(2 * H3Sim.SECOND);
        assertThat(f).isNotDone();

        ready[0] = true;
        sim.net.schedule(sim.net.now(), () -> {
            sim.serverSession().resume();
            sim.server.poke(sim.net.now()); // resume() runs outside the endpoint's callbacks: let it drain
        });
        sim.runUntil(f::isDone, 10);
        assertThat(f.get().response().status()).isEqualTo(200);
        assertThat(out.toString()).isEqualTo("abc");
    }

    /** When the connection closes, every pending request fails with the close reason. */
    @Test
    void connectionCloseFailsPendingRequests() throws Exception {
        H3Sim sim = new H3Sim(32, (req, body) -> new Http3Response(200, List.of(), NEVER));
        Http3ClientSession client = new Http3ClientSession();
        sim.connect(client);
        var a = client.request("GET", "https", "localhost", "/a", List.of(), null, null);
        var b = client.request("GET", "https", "localhost", "/b", List.of(), null, null);
        sim.runUntil(() -> sim.sessions.size() == 1 && sim.serverSession().activeRequests() == 2, 10);
        QuicConnection server = sim.serverConnections.get(0);
        sim.net.schedule(sim.net.now(), () -> server.close(0x1234, "operator says so", sim.net.now()));
        sim.runUntil(() -> a.isDone() && b.isDone(), 10);

        for (var f : List.of(a, b)) {
            Throwable t = catchThrowable(f::get);
            assertThat(t).cause().isInstanceOf(Http3RequestException.class).hasMessageContaining("0x1234");
        }
        var after = client.request("GET", "https", "localhost", "/c", List.of(), null, null);
        assertThat(after).isCompletedExceptionally();
    }

    /** RFC 9114 §6.2: an unknown (reserved) stream type is not an error; the server stops it with H3_STREAM_CREATION_ERROR. */
    @Test
    void unknownUniStreamIsStoppedAndTheConnectionLives() throws Exception {
        H3Sim sim = new H3Sim(33, OK);
        long[] ids = new long[2];
        RawClient raw = new RawClient(c -> {
            ids[0] = c.openStream(false);
            byte[] grease = {0x40, 0x21, 1, 2, 3}; // type 0x21 (2-byte varint) and junk
            c.write(ids[0], grease, 0, grease.length);
            ids[1] = c.openStream(true);
            byte[] req = FrameWriter.headersFrame(List.of(new org.qdsr.http3.qpack.Field(":method", "GET"),
                    new org.qdsr.http3.qpack.Field(":scheme", "https"),
                    new org.qdsr.http3.qpack.Field(":authority", "localhost"),
                    new org.qdsr.http3.qpack.Field(":path", "/")));
            c.write(ids[1], req, 0, req.length);
            c.finish(ids[1]);
        });
        QuicConnection c = sim.connect(raw);
        sim.runUntil(() -> raw.finished.contains(ids[1]) && stopped(raw, ids[0]), 10);
        assertThat(stopped(raw, ids[0])).isTrue();
        assertThat(c.closeReason()).isNull();
        assertThat(sim.serverSession().requestsServed()).isEqualTo(1);
    }

    private static boolean stopped(RawClient raw, long id) {
        return raw.events.stream().anyMatch(e -> e instanceof ConnectionEvent.StopSending s && s.streamId() == id
                && s.errorCode() == Http3Error.H3_STREAM_CREATION_ERROR.code());
    }

    /** RFC 9114 §6.2.1: closing the control stream is a connection error H3_CLOSED_CRITICAL_STREAM. */
    @Test
    void closedControlStreamIsAConnectionError() throws Exception {
        H3Sim sim = new H3Sim(34, OK);
        RawClient raw = new RawClient(c -> {
            long id = c.openStream(false);
            byte[] preface = FrameWriter.controlStreamPreface(Http3Settings.local(1024));
            c.write(id, preface, 0, preface.length);
            c.finish(id);
        });
        QuicConnection c = sim.connect(raw);
        sim.runUntil(() -> c.closeReason() != null, 10);
        assertThat(c.closeReason()).isNotNull();
        assertThat(c.closeReason().errorCode()).isEqualTo(Http3Error.H3_CLOSED_CRITICAL_STREAM.code());
    }

    /** The server honours the client's SETTINGS_MAX_FIELD_SECTION_SIZE (§4.2.2): an oversized head becomes a bare 500. */
    @Test
    void oversizedResponseHeadIsReplaced() throws Exception {
        String huge = "x".repeat(70_000);
        H3Sim sim = new H3Sim(35, (req, body) -> new Http3Response(200,
                List.of(new org.qdsr.http3.qpack.Field("x-huge", huge)), BodySource.ofBytes("body".getBytes())));
        Http3ClientSession client = new Http3ClientSession();
        sim.connect(client);
        // Let the client's SETTINGS (64 KiB limit) reach the server before the request does.
        sim.runUntil(() -> !sim.sessions.isEmpty() && sim.net.now() > H3Sim.SECOND / 10, 10);
        var f = client.request("GET", "https", "localhost", "/", List.of(), null, null);
        sim.runUntil(f::isDone, 10);
        assertThat(f.get().response().status()).isEqualTo(500);
        assertThat(f.get().response().header("x-huge")).isNull();
        assertThat(f.get().bodyBytes()).isZero();
    }

    /** Shutdown of an idle connection: GOAWAY 4 after one request, then a clean H3_NO_ERROR close. */
    @Test
    void idleShutdownClosesCleanly() throws Exception {
        H3Sim sim = new H3Sim(36, OK);
        Http3ClientSession client = new Http3ClientSession();
        QuicConnection c = sim.connect(client);
        var f = client.request("GET", "https", "localhost", "/", List.of(), null, null);
        sim.runUntil(f::isDone, 10);
        assertThat(f.get().response().status()).isEqualTo(200);

        sim.net.schedule(sim.net.now(), () -> {
            sim.serverSession().shutdown();
            sim.server.poke(sim.net.now());
        });
        sim.runUntil(() -> c.closeReason() != null, 10);
        assertThat(sim.serverSession().goawayId()).isEqualTo(4);
        assertThat(c.closeReason()).isNotNull();
        assertThat(c.closeReason().errorCode()).isEqualTo(Http3Error.H3_NO_ERROR.code());
        assertThat(client.goawayId()).isEqualTo(4);
    }

    /** {@code close()} fails what is pending and closes with H3_NO_ERROR; the server sees that code. */
    @Test
    void clientCloseFailsPendingAndClosesCleanly() throws Exception {
        H3Sim sim = new H3Sim(37, (req, body) -> new Http3Response(200, List.of(), NEVER));
        Http3ClientSession client = new Http3ClientSession();
        sim.connect(client);
        var f = client.request("GET", "https", "localhost", "/", List.of(), null, null);
        sim.runUntil(() -> sim.sessions.size() == 1 && sim.serverSession().activeRequests() == 1, 10);
        client.close();
        assertThat(f).isCompletedExceptionally();
        QuicConnection server = sim.serverConnections.get(0);
        sim.runUntil(() -> server.closeReason() != null, 10);
        assertThat(server.closeReason().kind()).isEqualTo(org.qdsr.quic.connection.CloseReason.Kind.PEER_CLOSE);
        assertThat(server.closeReason().errorCode()).isEqualTo(Http3Error.H3_NO_ERROR.code());
        assertThat(sim.serverSession().activeRequests()).isZero();
    }
}
