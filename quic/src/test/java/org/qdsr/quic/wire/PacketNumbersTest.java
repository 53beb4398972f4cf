package org.qdsr.quic.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacketNumbersTest {
    /** RFC 9000 Appendix A.2 / §17.1 examples. */
    @Test
    void encodedLengthFollowsRfcExamples() {
        assertThat(PacketNumbers.encodedLength(0xac5c02L, 0xabe8b3L)).isEqualTo(2);
        assertThat(PacketNumbers.encodedLength(0xace8feL, 0xabe8b3L)).isEqualTo(3);
    }

    @Test
    void encodedLengthBoundaries() {
        assertThat(PacketNumbers.encodedLength(0, -1)).isEqualTo(1);
        assertThat(PacketNumbers.encodedLength(126, -1)).isEqualTo(1); // 127 unacked, 2*127 < 256
        assertThat(PacketNumbers.encodedLength(127, -1)).isEqualTo(2); // 128 unacked needs 9 bits
        assertThat(PacketNumbers.encodedLength(1000, 999)).isEqualTo(1);
        assertThat(PacketNumbers.encodedLength(1L << 40, 0)).isEqualTo(4);
    }

    /** RFC 9000 Appendix A.3 example. */
    @Test
    void decodesRfcExample() {
        assertThat(PacketNumbers.decode(0x9b32, 2, 0xa82f30eaL)).isEqualTo(0xa82f9b32L);
    }

    @Test
    void decodeHandlesWrapAndStart() {
        assertThat(PacketNumbers.decode(0, 1, -1)).isZero();
        assertThat(PacketNumbers.decode(5, 1, -1)).isEqualTo(5);
        assertThat(PacketNumbers.decode(0x01, 1, 0xff)).isEqualTo(0x101);
        assertThat(PacketNumbers.decode(0xff, 1, 0x101)).isEqualTo(0xff);
    }

    @Test
    void encodeDecodeRoundTrip() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            long acked = rnd.nextLong(-1, 1L << 40);
            long pn = acked + rnd.nextLong(1, 1L << 30);
            int len = PacketNumbers.encodedLength(pn, acked);
            long truncated = pn & ((1L << (8 * len)) - 1);
            // the receiver has seen anything between acked and pn - 1
            long largestReceived = Math.max(acked, pn - 1 - rnd.nextLong(0, pn - acked));
            assertThat(PacketNumbers.decode(truncated, len, largestReceived)).isEqualTo(pn);
        }
    }
}
