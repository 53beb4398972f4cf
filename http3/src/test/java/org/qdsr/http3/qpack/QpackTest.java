package org.qdsr.http3.qpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.http3.TestBytes.hex;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qdsr.http3.Http3Error;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.ByteWriter;

class QpackTest {
    private final QpackEncoder encoder = new QpackEncoder();
    private final QpackDecoder decoder = new QpackDecoder();

    private List<Field> decode(byte[] b) throws QpackException {
        return decoder.decode(b, 0, b.length);
    }

    @Test
    void staticTableHasAppendixAEntries() {
        assertThat(StaticTable.SIZE).isEqualTo(99);
        assertThat(StaticTable.get(0)).isEqualTo(new Field(":authority", ""));
        assertThat(StaticTable.get(17)).isEqualTo(new Field(":method", "GET"));
        assertThat(StaticTable.get(25)).isEqualTo(new Field(":status", "200"));
        assertThat(StaticTable.get(63)).isEqualTo(new Field(":status", "100"));
        assertThat(StaticTable.get(31)).isEqualTo(new Field("accept-encoding", "gzip, deflate, br"));
        assertThat(StaticTable.get(52)).isEqualTo(new Field("content-type", "text/html; charset=utf-8"));
        assertThat(StaticTable.get(58).value()).endsWith("preload");
        assertThat(StaticTable.get(72)).isEqualTo(new Field("accept-language", ""));
        assertThat(StaticTable.get(85).name()).isEqualTo("content-security-policy");
        assertThat(StaticTable.indexOfName("x-frame-options")).isEqualTo(97);
        assertThat(StaticTable.get(98)).isEqualTo(new Field("x-frame-options", "sameorigin"));
    }

    /** RFC 9204 Appendix B.1: Literal Field Line with Name Reference. */
    @Test
    void decodesRfc9204B1() throws Exception {
        assertThat(decode(hex("0000510b2f696e6465782e68746d6c")))
                .containsExactly(new Field(":path", "/index.html"));
    }

    @Test
    void encodesIndexedStaticLines() {
        assertThat(hex(encoder.encode(List.of(new Field(":method", "GET"), new Field(":scheme", "https"),
                new Field(":path", "/"))))).isEqualTo("0000d1d7c1");
    }

    @Test
    void encodesNameReferenceWithHuffmanValue() {
        // :path index 1 -> 0x51; "/index.html" Huffman-codes to 8 octets (< 11) -> 0x88 + code
        byte[] out = encoder.encode(List.of(new Field(":path", "/index.html")));
        assertThat(hex(out)).startsWith("00005188");
        assertThat(out).hasSize(4 + 8);
    }

    @Test
    void encodesLiteralNameLowercased() throws Exception {
        byte[] out = encoder.encode(List.of(new Field("X-Custom", "v\u0001")));
        // 001 N=0 H=1 len(3): "x-custom" Huffman is 6 octets -> 0x2e, then value not Huffman (shorter raw)
        assertThat(out[2] & 0xff).isEqualTo(0x2e);
        assertThat(decode(out)).containsExactly(new Field("x-custom", "v\u0001"));
    }

    @Test
    void roundTripsArbitraryFields() throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n = 0; n < 500; n++) {
            List<Field> fields = new ArrayList<>();
            for (int i = rnd.nextInt(12); i > 0; i--) {
                int pick = rnd.nextInt(3);
                if (pick == 0) {
                    fields.add(StaticTable.get(rnd.nextInt(StaticTable.SIZE)));
                } else {
                    String name = pick == 1 ? StaticTable.get(rnd.nextInt(StaticTable.SIZE)).name() : randomName(rnd);
                    fields.add(new Field(name, randomOctets(rnd, rnd.nextInt(300))));
                }
            }
            assertThat(decode(encoder.encode(fields))).isEqualTo(fields);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0100",       // Required Insert Count 1
        "000080",     // Indexed Field Line, T=0 (dynamic)
        "000010",     // Indexed Field Line with Post-Base Index
        "0000400161", // Literal with Name Reference, T=0 (dynamic)
        "0000000161", // Literal with Post-Base Name Reference
    })
    void rejectsDynamicTableReferences(String h) {
        assertFails(hex(h), Http3Error.QPACK_DECOMPRESSION_FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",             // no prefix
        "00",           // no Delta Base
        "0000ff24",     // static index 63 + 36 = 99: out of range
        "00005f",       // name reference with truncated index
        "0000510b2f69", // value shorter than its length
        "000051ff",     // Huffman value with a truncated length
        "0000ffffffffffffffffffffff7f", // index overflow
    })
    void rejectsMalformedSections(String h) {
        assertFails(hex(h), Http3Error.QPACK_DECOMPRESSION_FAILED);
    }

    @Test
    void boundsFieldSectionSize() throws Exception {
        QpackDecoder small = new QpackDecoder(100);
        byte[] ok = encoder.encode(List.of(new Field("a", "x".repeat(67)))); // 1 + 67 + 32 = 100
        assertThat(small.decode(ok, 0, ok.length)).hasSize(1);
        byte[] big = encoder.encode(List.of(new Field("a", "x".repeat(68))));
        assertThatThrownBy(() -> small.decode(big, 0, big.length))
                .isInstanceOfSatisfying(QpackException.class, e -> {
                    assertThat(e.error()).isEqualTo(Http3Error.H3_EXCESSIVE_LOAD);
                    assertThat(e.streamError()).isTrue();
                });
    }

    /** RFC 7541 Appendix C.1 prefixed integer examples. */
    @Test
    void prefixedIntegers() throws Exception {
        assertThat(hex(writeInt(10, 5))).isEqualTo("0a");
        assertThat(hex(writeInt(1337, 5))).isEqualTo("1f9a0a");
        assertThat(hex(writeInt(42, 8))).isEqualTo("2a");
        for (long v : new long[] {0, 30, 31, 127, 128, 255, 1 << 20, (1L << 62) - 1}) {
            for (int n = 3; n <= 8; n++) {
                byte[] b = writeInt(v, n);
                assertThat(b).hasSize(QpackPrimitives.intLength(v, n));
                ByteReader r = new ByteReader(b);
                assertThat(QpackPrimitives.readInt(r.readUint8(), n, r)).isEqualTo(v);
                assertThat(r.hasRemaining()).isFalse();
            }
        }
    }

    @Test
    void encoderStreamAcceptsOnlyCapacityZero() throws Exception {
        QpackStreams.EncoderStreamReader r = new QpackStreams.EncoderStreamReader();
        r.feed(hex("2020"), 0, 2);
        QpackStreams.EncoderStreamReader split = new QpackStreams.EncoderStreamReader();
        split.feed(hex("3f"), 0, 1); // capacity continues in the next octet
        assertThatThrownBy(() -> split.feed(hex("01"), 0, 1)).isInstanceOfSatisfying(QpackException.class,
                e -> assertThat(e.error()).isEqualTo(Http3Error.QPACK_ENCODER_STREAM_ERROR));
        for (String insert : new String[] {"c0", "5f00", "4161", "00"}) {
            QpackStreams.EncoderStreamReader fresh = new QpackStreams.EncoderStreamReader();
            byte[] b = hex(insert);
            assertThatThrownBy(() -> fresh.feed(b, 0, b.length)).isInstanceOfSatisfying(QpackException.class,
                    e -> assertThat(e.error().code()).isEqualTo(0x201));
        }
    }

    @Test
    void decoderStreamAllowsOnlyStreamCancellation() throws Exception {
        QpackStreams.DecoderStreamReader r = new QpackStreams.DecoderStreamReader();
        r.feed(hex("44"), 0, 1);
        r.feed(hex("7f"), 0, 1);
        r.feed(hex("8001"), 0, 2); // 7f 80 01 split across feeds: Stream Cancellation of stream 191
        for (String bad : new String[] {"81", "01", "3f01"}) {
            QpackStreams.DecoderStreamReader fresh = new QpackStreams.DecoderStreamReader();
            byte[] b = hex(bad);
            assertThatThrownBy(() -> fresh.feed(b, 0, b.length)).isInstanceOfSatisfying(QpackException.class,
                    e -> assertThat(e.error().code()).isEqualTo(0x202));
        }
    }

    private static byte[] writeInt(long v, int n) {
        byte[] b = new byte[QpackPrimitives.intLength(v, n)];
        QpackPrimitives.writeInt(new ByteWriter(b), 0, v, n);
        return b;
    }

    private void assertFails(byte[] b, Http3Error error) {
        assertThatThrownBy(() -> decode(b)).isInstanceOfSatisfying(QpackException.class,
                e -> assertThat(e.error()).isEqualTo(error));
    }

    private static String randomName(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1 + rnd.nextInt(20); i > 0; i--) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    private static String randomOctets(SplittableRandom rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (rnd.nextBoolean() ? rnd.nextInt(256) : 'a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }
}
