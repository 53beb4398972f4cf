package org.qdsr.http3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.http3.TestBytes.concat;
import static org.qdsr.http3.TestBytes.hex;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.FrameReader.DataChunk;
import org.qdsr.http3.Http3Frame.DataFrame;
import org.qdsr.http3.Http3Frame.GoawayFrame;
import org.qdsr.http3.Http3Frame.HeadersFrame;
import org.qdsr.http3.Http3Frame.PushPromiseFrame;
import org.qdsr.http3.Http3Frame.SettingsFrame;
import org.qdsr.http3.qpack.Field;

class FrameReaderTest {
    static final byte[] STREAM = concat(
            FrameWriter.headersFrame(List.of(new Field(":method", "GET"), new Field(":path", "/x"))),
            FrameWriter.dataFrame("hello".getBytes(), 0, 5),
            FrameWriter.frame(0x21 + 0x1f * 3, new byte[] {1, 2, 3}), // reserved: skipped
            FrameWriter.frame(0x1234, new byte[0]),                    // unknown: skipped
            FrameWriter.dataFrame(new byte[0], 0, 0),
            FrameWriter.dataFrame(new byte[300], 0, 300),
            FrameWriter.settingsFrame(Map.of(6L, 100L)),
            FrameWriter.goaway(8),
            FrameWriter.frame(Http3Frame.TYPE_PUSH_PROMISE, hex("05aabb")),
            FrameWriter.headersFrame(List.of(new Field("x-t", "1"))));

    /** Events as comparable strings, DATA chunks merged per frame. */
    static List<String> events(byte[] stream, int step) throws Http3Exception {
        FrameReader r = new FrameReader();
        List<String> out = new ArrayList<>();
        ByteArrayOutputStream data = null;
        for (int off = 0; off < stream.length; off += step) {
            r.feed(stream, off, Math.min(step, stream.length - off));
            for (FrameReader.Event e; (e = r.next()) != null; ) {
                if (e instanceof DataChunk c) {
                    data.write(c.buf(), c.off(), c.len());
                    continue;
                }
                if (data != null) {
                    out.add("DATA " + TestBytes.hex(data.toByteArray()));
                    data = null;
                }
                if (e instanceof DataFrame d) {
                    out.add("DATAFRAME " + d.length());
                    data = new ByteArrayOutputStream();
                } else if (e instanceof HeadersFrame h) {
                    out.add("HEADERS " + TestBytes.hex(h.fieldSection()));
                } else if (e instanceof PushPromiseFrame p) {
                    out.add("PUSH_PROMISE " + p.pushId() + " " + TestBytes.hex(p.fieldSection()));
                } else {
                    out.add(e.toString());
                }
            }
        }
        if (data != null) {
            out.add("DATA " + TestBytes.hex(data.toByteArray()));
        }
        r.endOfStream();
        return out;
    }

    @Test
    void yieldsFramesAndSkipsUnknownTypes() throws Exception {
        List<String> ev = events(STREAM, STREAM.length);
        assertThat(ev).hasSize(11);
        assertThat(ev.get(0)).startsWith("HEADERS 0000");
        assertThat(ev.subList(1, 7)).containsExactly("DATAFRAME 5", "DATA " + TestBytes.hex("hello".getBytes()),
                "DATAFRAME 0", "DATA ", "DATAFRAME 300", "DATA " + "00".repeat(300));
        assertThat(ev.get(7)).isEqualTo(new SettingsFrame(Map.of(6L, 100L)).toString());
        assertThat(ev.get(8)).isEqualTo(new GoawayFrame(8).toString());
        assertThat(ev.get(9)).isEqualTo("PUSH_PROMISE 5 aabb");
    }

    @Test
    void oneByteAtATimeMatchesWholeInput() throws Exception {
        List<String> whole = events(STREAM, STREAM.length);
        for (int step : new int[] {1, 2, 3, 7, 64}) {
            assertThat(events(STREAM, step)).as("step " + step).isEqualTo(whole);
        }
    }

    @Test
    void dataIsStreamedNotBuffered() throws Exception {
        FrameReader r = new FrameReader();
        byte[] header = new byte[FrameWriter.dataFrameHeaderLength(1L << 40)];
        FrameWriter.writeDataFrameHeader(new org.qdsr.quic.wire.ByteWriter(header), 1L << 40);
        r.feed(header, 0, header.length);
        assertThat(r.next()).isEqualTo(new DataFrame(1L << 40));
        byte[] chunk = new byte[1000];
        r.feed(chunk, 0, chunk.length);
        FrameReader.Event e = r.next();
        assertThat(e).isInstanceOfSatisfying(DataChunk.class, c -> {
            assertThat(c.buf()).isSameAs(chunk);
            assertThat(c.len()).isEqualTo(1000);
        });
        assertThat(r.next()).isNull();
        assertThatThrownBy(r::endOfStream).isInstanceOfSatisfying(Http3Exception.class,
                x -> assertThat(x.error()).isEqualTo(Http3Error.H3_FRAME_ERROR));
    }

    @Test
    void rejectsHttp2FrameTypes() {
        for (int type : new int[] {0x02, 0x06, 0x08, 0x09}) {
            assertError(FrameWriter.frame(type, new byte[0]), Http3Error.H3_FRAME_UNEXPECTED);
        }
    }

    @Test
    void capsHeadersAndSettingsSize() {
        assertError(FrameWriter.frame(Http3Frame.TYPE_HEADERS, new byte[FrameReader.DEFAULT_MAX_HEADERS_PAYLOAD + 1]),
                Http3Error.H3_EXCESSIVE_LOAD);
        // only the header needs to arrive for the cap to apply
        assertError(hex("01 80100000"), Http3Error.H3_EXCESSIVE_LOAD);
        assertError(hex("04 80100000"), Http3Error.H3_EXCESSIVE_LOAD);
    }

    /** RFC 9114 §4.2.2: an oversized field section fails its message only; an oversized SETTINGS the connection. */
    @Test
    void oversizedFieldSectionIsAStreamError() {
        FrameReader headers = new FrameReader();
        headers.feed(hex("01 80100000"), 0, 5);
        assertThatThrownBy(headers::next).isInstanceOfSatisfying(Http3Exception.class,
                x -> assertThat(x.streamError()).isTrue());
        FrameReader settings = new FrameReader();
        settings.feed(hex("04 80100000"), 0, 5);
        assertThatThrownBy(settings::next).isInstanceOfSatisfying(Http3Exception.class,
                x -> assertThat(x.streamError()).isFalse());
    }

    @Test
    void rejectsMalformedFixedFrames() {
        assertError(hex("07 02 0800"), Http3Error.H3_FRAME_ERROR);       // GOAWAY with trailing byte
        assertError(hex("07 00"), Http3Error.H3_FRAME_ERROR);            // GOAWAY without id
        assertError(hex("07 09 000000000000000000"), Http3Error.H3_FRAME_ERROR); // longer than any varint
        assertError(hex("04 01 06"), Http3Error.H3_FRAME_ERROR);         // setting without value
        assertError(hex("04 04 0601 0602"), Http3Error.H3_SETTINGS_ERROR); // duplicate
        assertError(hex("04 02 0200"), Http3Error.H3_SETTINGS_ERROR);    // HTTP/2 ENABLE_PUSH
    }

    @Test
    void feedingBeforeDrainingIsAnApiError() throws Exception {
        FrameReader r = new FrameReader();
        byte[] two = concat(FrameWriter.goaway(0), FrameWriter.goaway(4));
        r.feed(two, 0, two.length);
        assertThat(r.next()).isEqualTo(new GoawayFrame(0));
        assertThatThrownBy(() -> r.feed(two, 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    static void assertError(byte[] stream, Http3Error error) {
        assertThatThrownBy(() -> events(stream, stream.length)).isInstanceOfSatisfying(Http3Exception.class,
                e -> assertThat(e.error()).isEqualTo(error));
    }

    @Test
    void settingsKeepWireOrder() throws Exception {
        Map<Long, Long> s = new LinkedHashMap<>();
        s.put(7L, 0L);
        s.put(1L, 0L);
        s.put(0x21L, 9L);
        byte[] f = FrameWriter.settingsFrame(s);
        FrameReader r = new FrameReader();
        r.feed(f, 0, f.length);
        assertThat(((SettingsFrame) r.next()).settings().keySet()).containsExactly(7L, 1L, 0x21L);
    }
}
