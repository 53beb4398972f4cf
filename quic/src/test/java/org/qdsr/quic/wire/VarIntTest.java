package org.qdsr.quic.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class VarIntTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 9000 Appendix A.1 examples. */
    @Test
    void decodesRfcExamples() {
        assertThat(new ByteReader(HEX.parseHex("c2197c5eff14e88c")).readVarInt()).isEqualTo(151288809941952652L);
        assertThat(new ByteReader(HEX.parseHex("9d7f3e7d")).readVarInt()).isEqualTo(494878333L);
        assertThat(new ByteReader(HEX.parseHex("7bbd")).readVarInt()).isEqualTo(15293L);
        assertThat(new ByteReader(HEX.parseHex("25")).readVarInt()).isEqualTo(37L);
        assertThat(new ByteReader(HEX.parseHex("4025")).readVarInt()).isEqualTo(37L);
    }

    @Test
    void encodesMinimally() {
        byte[] out = new byte[8];
        assertThat(VarInt.encode(151288809941952652L, out, 0)).isEqualTo(8);
        assertThat(HEX.formatHex(out)).isEqualTo("c2197c5eff14e88c");
        assertThat(VarInt.encode(15293L, out, 0)).isEqualTo(2);
        assertThat(HEX.formatHex(out, 0, 2)).isEqualTo("7bbd");
    }

    @Test
    void roundTripsBoundaries() {
        long[] values = {0, 63, 64, 16383, 16384, (1L << 30) - 1, 1L << 30, VarInt.MAX};
        byte[] buf = new byte[8];
        for (long v : values) {
            int end = new ByteWriter(buf).writeVarInt(v).position();
            assertThat(end).isEqualTo(VarInt.size(v));
            assertThat(new ByteReader(buf, 0, end).readVarInt()).isEqualTo(v);
        }
    }

    /** RFC 9000 §16 Table 4: the usable bits of each length. */
    @Test
    void sizeFollowsTheRangesOfEachLength() {
        long[] values = {0, 1, 63, 64, 16383, 16384, (1L << 30) - 1, 1L << 30, (1L << 31) + 5, VarInt.MAX};
        int[] sizes = {1, 1, 1, 2, 2, 4, 4, 8, 8, 8};
        for (int i = 0; i < values.length; i++) {
            assertThat(VarInt.size(values[i])).as("size of %d", values[i]).isEqualTo(sizes[i]);
        }
        assertThatThrownBy(() -> VarInt.size(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VarInt.size(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedInputIsReported() {
        assertThatThrownBy(() -> new ByteReader(HEX.parseHex("c2197c")).readVarInt())
                .isInstanceOf(TruncatedInputException.class);
        assertThatThrownBy(() -> VarInt.size(VarInt.MAX + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
