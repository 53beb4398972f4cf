package org.qdsr.control.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.AckRange;

class ControlCodecTest {

    @Test
    void everyMessageRoundTrips() throws Exception {
        for (ControlMessage m : Samples.all()) {
            byte[] frame = ControlCodec.encode(m);
            assertThat(new org.qdsr.quic.wire.ByteReader(frame, 0, frame.length).readVarInt()).as("type of %s", m)
                    .isEqualTo(m.typeCode());
            ControlMessage back = ControlCodec.decode(frame);
            assertThat(back).as("round trip").isEqualTo(m);
            assertThat(ControlCodec.encode(back)).isEqualTo(frame);
        }
    }

    @Test
    void everyTypeCodeIsCovered() {
        assertThat(Samples.all().stream().map(ControlMessage::getClass).distinct())
                .hasSize(ControlMessage.class.getPermittedSubclasses().length);
    }

    @Test
    void decodesOneByteAtATime() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ControlMessage m : Samples.all()) {
            ControlCodec.encode(m, all);
        }
        byte[] bytes = all.toByteArray();
        ControlDecoder d = new ControlDecoder();
        List<ControlMessage> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            d.feed(bytes, i, 1, out::add);
        }
        assertThat(out).containsExactlyElementsOf(Samples.all());
        assertThat(d.buffered()).isZero();
    }

    @Test
    void decodesArbitrarySplits() throws Exception {
        ControlEncoder e = new ControlEncoder(8);
        for (ControlMessage m : Samples.all()) {
            e.append(m);
        }
        byte[] bytes = e.toByteArray();
        java.util.Random rnd = new java.util.Random(5);
        for (int round = 0; round < 200; round++) {
            ControlDecoder d = new ControlDecoder();
            List<ControlMessage> out = new ArrayList<>();
            int p = 0;
            while (p < bytes.length) {
                int n = Math.min(bytes.length - p, 1 + rnd.nextInt(64));
                d.feed(bytes, p, n, out::add);
                p += n;
            }
            assertThat(out).containsExactlyElementsOf(Samples.all());
        }
    }

    @Test
    void ackForwardIsCompactAndMatchesAckRanges() throws Exception {
        AckForward a = AckForward.of(1, 2, 3, List.of(new AckRange(90, 100), new AckRange(50, 60)));
        assertThat(a.ackRanges()).containsExactly(new AckRange(90, 100), new AckRange(50, 60));
        // type, len, key, path, delay, largest(2 bytes: 100), count, first, gap, length
        assertThat(ControlCodec.encode(a)).hasSize(11);
        assertThat(HexFormat.of().formatHex(ControlCodec.encode(a))).isEqualTo("11090102034064010a1c0a");
    }

    @Test
    void rejectsBadAckRanges() {
        assertThatThrownBy(() -> new AckForward(1, 0, 0, new long[] {5, 6, 6, 7}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AckForward(1, 0, 0, new long[] {5, 6, 3, 4}))
                .as("adjacent ranges must be merged").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AckForward(1, 0, 0, new long[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void skipsUnknownOptionalTypeAndRejectsUnknownMandatory() throws Exception {
        byte[] hb = ControlCodec.encode(new Heartbeat(1, 2));
        byte[] optional = HexFormat.of().parseHex("4050" + "03" + "aabbcc");
        List<ControlMessage> out = new ControlDecoder().feed(concat(optional, hb));
        assertThat(out).containsExactly(new Heartbeat(1, 2));
        assertThatThrownBy(() -> new ControlDecoder().feed(HexFormat.of().parseHex("3f00")))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("0x3f");
        assertThatThrownBy(() -> new ControlDecoder().feed(HexFormat.of().parseHex("8000400000")))
                .isInstanceOf(ControlProtocolException.class);
    }

    @Test
    void ignoresTrailingFieldsOfKnownTypes() throws Exception {
        byte[] frame = ControlCodec.encode(new CreditGrant(1, 2));
        byte[] extended = {frame[0], (byte) (frame[1] + 2), frame[2], frame[3], 7, 7};
        assertThat(new ControlDecoder().feed(extended)).containsExactly(new CreditGrant(1, 2));
    }

    @Test
    void enforcesSizeCapFromTheHeaderAlone() {
        ControlDecoder d = new ControlDecoder(1000);
        byte[] header = {0x1a, (byte) 0x43, (byte) 0xe9}; // PROXY_DATA, length 1001
        assertThatThrownBy(() -> d.feed(header)).isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining("exceeds");
        assertThatThrownBy(() -> d.feed(new byte[1])).as("stays failed").isInstanceOf(ControlProtocolException.class);
    }

    @Test
    void rejectsMalformedUtf8AndUnknownEnums() {
        assertThatThrownBy(() -> new ControlDecoder().feed(HexFormat.of().parseHex("050301" + "01ff")))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> new ControlDecoder().feed(HexFormat.of().parseHex("1204" + "01040900")))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("kind");
    }

    @Test
    void toStringNeverShowsSecrets() {
        String hex = HexFormat.of().formatHex(Samples.SECRET);
        for (ControlMessage m : Samples.all()) {
            String s = m.toString();
            assertThat(s).doesNotContain(hex).doesNotContain(new String(Samples.SECRET))
                    .doesNotContain(java.util.Arrays.toString(Samples.SECRET)).doesNotContain("[B@");
        }
        assertThat(Samples.all().get(5).toString()).contains("redacted");
        assertThat(new KeyUpdate(1, Samples.SECRET, false, 1).toString()).contains("redacted");
    }

    @Test
    void recordsAreImmutable() {
        byte[] secret = Samples.SECRET.clone();
        KeyUpdate k = new KeyUpdate(1, secret, false, 1);
        secret[0] ^= 1;
        k.newWriteSecret()[1] ^= 1;
        assertThat(k.newWriteSecret()).isEqualTo(Samples.SECRET);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
