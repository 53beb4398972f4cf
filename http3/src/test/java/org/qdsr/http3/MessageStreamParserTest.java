package org.qdsr.http3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.http3.TestBytes.concat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.qdsr.http3.MessageEvent.Body;
import org.qdsr.http3.MessageEvent.End;
import org.qdsr.http3.MessageEvent.RequestHead;
import org.qdsr.http3.MessageEvent.ResponseHead;
import org.qdsr.http3.MessageEvent.Trailers;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;
import org.qdsr.http3.qpack.QpackEncoder;

class MessageStreamParserTest {
    static List<Field> fields(String... nv) {
        List<Field> out = new ArrayList<>();
        for (int i = 0; i < nv.length; i += 2) {
            out.add(new Field(nv[i], nv[i + 1]));
        }
        return out;
    }

    static final String[] GET = {":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "/"};

    static String[] get(String... extra) {
        String[] out = new String[GET.length + extra.length];
        System.arraycopy(GET, 0, out, 0, GET.length);
        System.arraycopy(extra, 0, out, GET.length, extra.length);
        return out;
    }

    static Stream<Arguments> requestHeads() {
        return Stream.of(
            Arguments.of("plain GET", fields(GET), null),
            Arguments.of("with regular fields", fields(get("accept", "*/*", "te", "trailers")), null),
            Arguments.of("host instead of :authority", fields(":method", "GET", ":scheme", "https", ":path", "/", "host", "h"), null),
            Arguments.of("OPTIONS *", fields(":method", "OPTIONS", ":scheme", "https", ":authority", "a", ":path", "*"), null),
            Arguments.of("CONNECT", fields(":method", "CONNECT", ":authority", "a:443"), null),
            Arguments.of("missing :method", fields(":scheme", "https", ":authority", "a", ":path", "/"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("missing :path", fields(":method", "GET", ":scheme", "https", ":authority", "a"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("missing :scheme", fields(":method", "GET", ":authority", "a", ":path", "/"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("empty :path", fields(":method", "GET", ":scheme", "https", ":authority", "a", ":path", ""), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("relative :path", fields(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "x"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("* path for GET", fields(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "*"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("no authority nor host", fields(":method", "GET", ":scheme", "https", ":path", "/"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("authority differs from host", fields(get("host", "other")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("userinfo in authority", fields(":method", "GET", ":scheme", "https", ":authority", "u@a", ":path", "/"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("duplicate :path", fields(get(":path", "/b")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("pseudo after regular", fields(":method", "GET", "accept", "*/*", ":scheme", "https", ":authority", "a", ":path", "/"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("unknown pseudo", fields(get(":protocol", "websocket")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of(":status in request", fields(get(":status", "200")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("space in name", fields(get("a b", "1")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("CR in value", fields(get("a", "1\r\n2")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("NUL in value", fields(get("a", "\u0000")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("connection", fields(get("connection", "close")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("keep-alive", fields(get("keep-alive", "1")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("proxy-connection", fields(get("proxy-connection", "x")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("transfer-encoding", fields(get("transfer-encoding", "chunked")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("upgrade", fields(get("upgrade", "h2c")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("te gzip", fields(get("te", "gzip")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("CONNECT with :path", fields(":method", "CONNECT", ":authority", "a:443", ":path", "/"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("CONNECT without authority", fields(":method", "CONNECT"), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("bad content-length", fields(get("content-length", "1x")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("conflicting content-length", fields(get("content-length", "1", "content-length", "2")), Http3Error.H3_MESSAGE_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestHeads")
    void validatesRequestHeads(String name, List<Field> head, Http3Error expected) throws Exception {
        byte[] stream = FrameWriter.headersFrame(head);
        RequestStreamParser p = new RequestStreamParser(new QpackDecoder());
        p.feed(stream, 0, stream.length);
        p.endOfStream();
        if (expected == null) {
            assertThat(p.next()).isInstanceOf(RequestHead.class);
            assertThat(p.next()).isInstanceOf(End.class);
            assertThat(p.next()).isNull();
        } else {
            assertThatThrownBy(p::next).isInstanceOfSatisfying(Http3Exception.class, e -> {
                assertThat(e.error()).isEqualTo(expected);
                assertThat(e.streamError()).isTrue();
            });
        }
    }

    /** Drives a parser with the stream in {@code step}-byte slices; returns events as strings. */
    static List<String> run(MessageStreamParser p, byte[] stream, int step) throws Http3Exception {
        List<String> out = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int off = 0; off <= stream.length; off += step) {
            int n = Math.min(step, stream.length - off);
            if (n > 0) {
                p.feed(stream, off, n);
            }
            if (off + n >= stream.length) {
                p.endOfStream();
            }
            for (MessageEvent e; (e = p.next()) != null; ) {
                if (e instanceof Body b) {
                    body.write(b.buf(), b.off(), b.len());
                } else {
                    if (body.size() > 0) {
                        out.add("body " + body);
                        body.reset();
                    }
                    out.add(e instanceof RequestHead h ? "request " + h.request().method() + " " + h.request().path()
                            : e instanceof ResponseHead h ? "response " + h.response().status()
                            : e instanceof Trailers t ? "trailers " + t.fields() : "end");
                }
            }
            if (p.isComplete()) {
                break;
            }
        }
        return out;
    }

    static byte[] data(String s) {
        return FrameWriter.dataFrame(s.getBytes(), 0, s.length());
    }

    @Test
    void fullRequestWithBodyAndTrailers() throws Exception {
        byte[] stream = concat(FrameWriter.headersFrame(fields(get("content-length", "11"))), data("hello"),
                FrameWriter.frame(0x21, new byte[2]), data(" world"), FrameWriter.headersFrame(fields("x-sum", "1")));
        for (int step : new int[] {1, 3, stream.length}) {
            assertThat(run(new RequestStreamParser(new QpackDecoder()), stream, step)).containsExactly(
                    "request GET /", "body hello world", "trailers [Field[name=x-sum, value=1]]", "end");
        }
        RequestStreamParser p = new RequestStreamParser(new QpackDecoder());
        p.feed(stream, 0, stream.length);
        Request r = ((RequestHead) p.next()).request();
        assertThat(r).isEqualTo(new Request("GET", "https", "example.com", "/", fields("content-length", "11")));
        assertThat(r.header("content-length")).isEqualTo("11");
    }

    static Stream<Arguments> badSequences() {
        byte[] head = FrameWriter.headersFrame(fields(GET));
        byte[] trailers = FrameWriter.headersFrame(fields("x", "1"));
        return Stream.of(
            Arguments.of("DATA before HEADERS", concat(data("x"), head), Http3Error.H3_FRAME_UNEXPECTED),
            Arguments.of("empty DATA before HEADERS", concat(data(""), head), Http3Error.H3_FRAME_UNEXPECTED),
            Arguments.of("DATA after trailers", concat(head, trailers, data("x")), Http3Error.H3_FRAME_UNEXPECTED),
            Arguments.of("HEADERS after trailers", concat(head, trailers, trailers), Http3Error.H3_FRAME_UNEXPECTED),
            Arguments.of("SETTINGS on request stream", concat(head, FrameWriter.settingsFrame(Map.of())), Http3Error.H3_FRAME_UNEXPECTED),
            Arguments.of("GOAWAY on request stream", concat(FrameWriter.goaway(0)), Http3Error.H3_FRAME_UNEXPECTED),
            Arguments.of("PUSH_PROMISE from client", concat(head, FrameWriter.frame(5, new byte[] {0, 0, 0})), Http3Error.H3_FRAME_UNEXPECTED),
            Arguments.of("body shorter than content-length",
                    concat(FrameWriter.headersFrame(fields(get("content-length", "3"))), data("ab")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("body longer than content-length",
                    concat(FrameWriter.headersFrame(fields(get("content-length", "1"))), data("ab")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("pseudo-header in trailers", concat(head, FrameWriter.headersFrame(fields(":path", "/"))), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("FIN before HEADERS", new byte[0], Http3Error.H3_REQUEST_INCOMPLETE),
            Arguments.of("FIN inside a frame", Arrays.copyOf(concat(head, data("abc")), head.length + 3), Http3Error.H3_FRAME_ERROR),
            Arguments.of("uppercase field name", FrameWriter.headersFrame(concat(new QpackEncoder().encode(fields(GET)),
                    TestBytes.hex("26"), "Accept".getBytes(), TestBytes.hex("03"), "*/*".getBytes())), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("dynamic table reference", FrameWriter.headersFrame(new byte[] {1, 0}), Http3Error.QPACK_DECOMPRESSION_FAILED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSequences")
    void rejectsBadFrameSequences(String name, byte[] stream, Http3Error expected) {
        assertThatThrownBy(() -> run(new RequestStreamParser(new QpackDecoder()), stream, Math.max(1, stream.length)))
                .isInstanceOfSatisfying(Http3Exception.class, e -> assertThat(e.error()).isEqualTo(expected));
    }

    @Test
    void responseWithInterimHeadsBodyAndTrailers() throws Exception {
        byte[] stream = concat(FrameWriter.headersFrame(fields(":status", "103", "link", "</a>")),
                FrameWriter.headersFrame(fields(":status", "200", "content-type", "text/plain")),
                data("ok"), FrameWriter.headersFrame(fields("grpc-status", "0")));
        assertThat(run(new ResponseStreamParser(new QpackDecoder(), false), stream, 1)).containsExactly(
                "response 103", "response 200", "body ok", "trailers [Field[name=grpc-status, value=0]]", "end");
    }

    static Stream<Arguments> responses() {
        return Stream.of(
            Arguments.of("HEAD response with content-length, no body", false, true,
                    concat(FrameWriter.headersFrame(fields(":status", "200", "content-length", "100"))), null),
            Arguments.of("HEAD response with body", false, true,
                    concat(FrameWriter.headersFrame(fields(":status", "200")), data("x")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("204 with body", false, false,
                    concat(FrameWriter.headersFrame(fields(":status", "204")), data("x")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("304 with empty DATA", false, false,
                    concat(FrameWriter.headersFrame(fields(":status", "304")), data("")), null),
            Arguments.of("status 101", false, false, FrameWriter.headersFrame(fields(":status", "101")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("status 99", false, false, FrameWriter.headersFrame(fields(":status", "099")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("status text", false, false, FrameWriter.headersFrame(fields(":status", "2xx")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("no status", false, false, FrameWriter.headersFrame(fields("a", "b")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of(":path in response", false, false, FrameWriter.headersFrame(fields(":status", "200", ":path", "/")), Http3Error.H3_MESSAGE_ERROR),
            Arguments.of("only interim then FIN", false, false, FrameWriter.headersFrame(fields(":status", "100")), Http3Error.H3_REQUEST_INCOMPLETE),
            Arguments.of("PUSH_PROMISE", false, false, concat(FrameWriter.headersFrame(fields(":status", "200")),
                    FrameWriter.frame(5, new byte[] {0, 0, 0})), Http3Error.H3_ID_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void validatesResponses(String name, boolean unused, boolean head, byte[] stream, Http3Error expected) throws Exception {
        ResponseStreamParser p = new ResponseStreamParser(new QpackDecoder(), head);
        if (expected == null) {
            assertThat(run(p, stream, stream.length)).last().isEqualTo("end");
        } else {
            assertThatThrownBy(() -> run(p, stream, stream.length)).isInstanceOfSatisfying(Http3Exception.class,
                    e -> assertThat(e.error()).isEqualTo(expected));
        }
    }
}
