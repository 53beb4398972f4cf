package org.qdsr.http3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.http3.TestBytes.concat;
import static org.qdsr.http3.TestBytes.hex;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.UniStreamDispatcher.Kind;
import org.qdsr.http3.qpack.Field;

class ControlAndUniStreamTest {
    static final byte[] SETTINGS = FrameWriter.settingsFrame(Map.of(6L, 4096L, 1L, 100L, 7L, 3L, 0x21L, 1L));

    static void expect(ControlStreamState c, byte[] bytes, Http3Error error) {
        assertThatThrownBy(() -> c.feed(bytes, 0, bytes.length)).isInstanceOfSatisfying(Http3Exception.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.streamError()).isFalse();
        });
    }

    @Test
    void exposesPeerSettingsAndGoaway() throws Exception {
        ControlStreamState c = new ControlStreamState(true);
        assertThat(c.settingsReceived()).isFalse();
        assertThat(c.maxFieldSectionSize()).isEqualTo(Long.MAX_VALUE);
        byte[] s = concat(SETTINGS, FrameWriter.frame(0x40, new byte[3]), FrameWriter.goaway(8), FrameWriter.goaway(4));
        for (int i = 0; i < s.length; i++) {
            c.feed(s, i, 1);
        }
        assertThat(c.settingsReceived()).isTrue();
        assertThat(c.maxFieldSectionSize()).isEqualTo(4096);
        assertThat(c.qpackMaxTableCapacity()).isEqualTo(100);
        assertThat(c.qpackBlockedStreams()).isEqualTo(3);
        assertThat(c.setting(0x21, -1)).isEqualTo(1);
        assertThat(c.goawayReceived()).isTrue();
        assertThat(c.goawayId()).isEqualTo(4);
        expect(c, FrameWriter.goaway(8), Http3Error.H3_ID_ERROR);
    }

    @Test
    void enforcesControlStreamRules() throws Exception {
        expect(new ControlStreamState(true), FrameWriter.goaway(0), Http3Error.H3_MISSING_SETTINGS);
        expect(new ControlStreamState(true), FrameWriter.dataFrame(new byte[1], 0, 1), Http3Error.H3_MISSING_SETTINGS);
        expect(new ControlStreamState(true), hex("04 02 0300"), Http3Error.H3_SETTINGS_ERROR);
        expect(settled(true), SETTINGS, Http3Error.H3_FRAME_UNEXPECTED);
        expect(settled(true), FrameWriter.dataFrame(new byte[0], 0, 0), Http3Error.H3_FRAME_UNEXPECTED);
        expect(settled(true), FrameWriter.headersFrame(List.of(new Field(":status", "200"))), Http3Error.H3_FRAME_UNEXPECTED);
        expect(settled(true), FrameWriter.frame(5, new byte[] {0, 0, 0}), Http3Error.H3_FRAME_UNEXPECTED);
        expect(settled(true), FrameWriter.goaway(2), Http3Error.H3_ID_ERROR);
        expect(settled(true), FrameWriter.maxPushId(1), Http3Error.H3_FRAME_UNEXPECTED);
        expect(settled(true), FrameWriter.cancelPush(0), Http3Error.H3_ID_ERROR);
        expect(settled(false), FrameWriter.cancelPush(0), Http3Error.H3_ID_ERROR);
        expect(settled(true), FrameWriter.frame(0x02, new byte[0]), Http3Error.H3_FRAME_UNEXPECTED);
        assertThatThrownBy(() -> settled(true).endOfStream()).isInstanceOfSatisfying(Http3Exception.class,
                e -> assertThat(e.error()).isEqualTo(Http3Error.H3_CLOSED_CRITICAL_STREAM));
    }

    @Test
    void clientControlStreamMayRaiseMaxPushIdAndGoawayOnPushIds() throws Exception {
        ControlStreamState c = settled(false);
        byte[] b = concat(FrameWriter.maxPushId(3), FrameWriter.cancelPush(2), FrameWriter.maxPushId(5), FrameWriter.goaway(3));
        c.feed(b, 0, b.length);
        assertThat(c.maxPushId()).isEqualTo(5);
        assertThat(c.goawayId()).isEqualTo(3);
        expect(c, FrameWriter.maxPushId(4), Http3Error.H3_ID_ERROR);
    }

    static ControlStreamState settled(boolean peerIsServer) throws Http3Exception {
        ControlStreamState c = new ControlStreamState(peerIsServer);
        c.feed(SETTINGS, 0, SETTINGS.length);
        return c;
    }

    @Test
    void controlPrefaceStartsWithStreamTypeAndSettings() throws Exception {
        byte[] p = FrameWriter.controlStreamPreface(Http3Settings.local(65536));
        UniStreamDispatcher d = new UniStreamDispatcher(true);
        UniStreamDispatcher.UniStream s = d.open();
        int used = s.feed(p, 0, p.length);
        assertThat(used).isEqualTo(1);
        assertThat(s.kind()).isEqualTo(Kind.CONTROL);
        ControlStreamState c = new ControlStreamState(false);
        c.feed(p, used, p.length - used);
        assertThat(c.settings()).containsExactly(Map.entry(1L, 0L), Map.entry(7L, 0L), Map.entry(6L, 65536L));
    }

    @Test
    void dispatchesStreamTypes() throws Exception {
        UniStreamDispatcher d = new UniStreamDispatcher(true);
        assertThat(kind(d, FrameWriter.streamType(FrameWriter.STREAM_QPACK_ENCODER))).isEqualTo(Kind.QPACK_ENCODER);
        assertThat(kind(d, FrameWriter.streamType(FrameWriter.STREAM_QPACK_DECODER))).isEqualTo(Kind.QPACK_DECODER);
        assertThat(kind(d, FrameWriter.streamType(0x21 + 0x1f * 1000))).isEqualTo(Kind.UNKNOWN);
        assertThat(kind(d, FrameWriter.streamType(0x54))).isEqualTo(Kind.UNKNOWN);
        // a two-byte type split across feeds
        UniStreamDispatcher.UniStream s = d.open();
        byte[] t = FrameWriter.streamType(0x40);
        assertThat(s.feed(t, 0, 1)).isEqualTo(1);
        assertThat(s.kind()).isNull();
        assertThat(s.feed(concat(t, new byte[5]), 1, 6)).isEqualTo(1);
        assertThat(s.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(s.streamType()).isEqualTo(0x40);
        assertThat(kind(d, FrameWriter.streamType(0))).isEqualTo(Kind.CONTROL);
        for (long dup : new long[] {0, 2, 3}) {
            assertThatThrownBy(() -> kind(d, FrameWriter.streamType(dup))).isInstanceOfSatisfying(Http3Exception.class,
                    e -> assertThat(e.error()).isEqualTo(Http3Error.H3_STREAM_CREATION_ERROR));
        }
    }

    @Test
    void refusesPushStreams() {
        assertThatThrownBy(() -> kind(new UniStreamDispatcher(true), hex("01"))).isInstanceOfSatisfying(Http3Exception.class,
                e -> assertThat(e.error()).isEqualTo(Http3Error.H3_STREAM_CREATION_ERROR));
        assertThatThrownBy(() -> kind(new UniStreamDispatcher(false), hex("01"))).isInstanceOfSatisfying(Http3Exception.class,
                e -> assertThat(e.error()).isEqualTo(Http3Error.H3_ID_ERROR));
    }

    static Kind kind(UniStreamDispatcher d, byte[] type) throws Http3Exception {
        UniStreamDispatcher.UniStream s = d.open();
        assertThat(s.feed(type, 0, type.length)).isEqualTo(type.length);
        return s.kind();
    }

    @Test
    void errorCodesMatchRfc() {
        assertThat(Http3Error.H3_NO_ERROR.code()).isEqualTo(0x100);
        assertThat(Http3Error.H3_MESSAGE_ERROR.code()).isEqualTo(0x10e);
        assertThat(Http3Error.H3_VERSION_FALLBACK.code()).isEqualTo(0x110);
        assertThat(Http3Error.QPACK_DECODER_STREAM_ERROR.code()).isEqualTo(0x202);
        assertThat(Http3Error.fromCode(0x10a)).isEqualTo(Http3Error.H3_MISSING_SETTINGS);
        assertThat(Http3Error.fromCode(0x21)).isNull();
    }
}
