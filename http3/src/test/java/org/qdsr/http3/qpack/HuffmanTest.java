package org.qdsr.http3.qpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.http3.TestBytes.hex;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.Http3Error;
import org.qdsr.quic.wire.ByteWriter;

class HuffmanTest {
    private static byte[] encode(byte[] s) {
        byte[] out = new byte[Huffman.encodedLength(s)];
        ByteWriter w = new ByteWriter(out);
        Huffman.encode(s, w);
        assertThat(w.position()).isEqualTo(out.length);
        return out;
    }

    /** RFC 7541 Appendix C.4 and C.6 Huffman-coded strings. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "www.example.com|f1e3c2e5f23a6ba0ab90f4ff",
        "no-cache|a8eb10649cbf",
        "custom-key|25a849e95ba97d7f",
        "custom-value|25a849e95bb8e8b4bf",
        "302|6402",
        "private|aec3771a4b",
        "Mon, 21 Oct 2013 20:13:21 GMT|d07abe941054d444a8200595040b8166e082a62d1bff",
        "https://www.example.com|9d29ad171863c78f0b97c8e9ae82ae43d3",
        "gzip|9bd9ab",
    })
    void rfc7541Vectors(String text, String encoded) throws Exception {
        byte[] s = text.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(hex(encode(s))).isEqualTo(encoded);
        assertThat(Huffman.encodedLength(s)).isEqualTo(encoded.length() / 2);
        byte[] e = hex(encoded);
        assertThat(new String(Huffman.decode(e, 0, e.length), StandardCharsets.ISO_8859_1)).isEqualTo(text);
    }

    @Test
    void canonicalCodesMatchAppendixB() {
        assertThat(Huffman.CODES[0]).isEqualTo(0x1ff8);
        assertThat(Huffman.CODES[10]).isEqualTo(0x3ffffffc);
        assertThat(Huffman.CODES['X']).isEqualTo(0xfc);
        assertThat(Huffman.CODES[127]).isEqualTo(0xffffffc);
        assertThat(Huffman.CODES[199]).isEqualTo(0x1ffffec);
        assertThat(Huffman.CODES[220]).isEqualTo(0xffffffd);
        assertThat(Huffman.CODES[255]).isEqualTo(0x3ffffee);
        assertThat(Huffman.CODES[256]).isEqualTo(0x3fffffff);
        double kraft = 0;
        for (int sym = 0; sym <= 256; sym++) {
            kraft += Math.pow(2, -Huffman.codeLength(sym));
        }
        assertThat(kraft).isEqualTo(1.0);
    }

    @Test
    void everyByteValueRoundTrips() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
            byte[] one = {(byte) i};
            byte[] e = encode(one);
            assertThat(Huffman.decode(e, 0, e.length)).containsExactly(one);
        }
        byte[] e = encode(all);
        assertThat(Huffman.decode(e, 0, e.length)).containsExactly(all);
    }

    @Test
    void randomStringsRoundTrip() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n = 0; n < 2000; n++) {
            byte[] s = new byte[rnd.nextInt(40)];
            for (int i = 0; i < s.length; i++) {
                s[i] = (byte) (n % 2 == 0 ? rnd.nextInt(256) : 'a' + rnd.nextInt(26));
            }
            byte[] e = encode(s);
            assertThat(Huffman.decode(e, 0, e.length)).containsExactly(s);
        }
    }

    @Test
    void rejectsBadPaddingAndEos() {
        // "a" is 00011: padded with 111 it is 0x1f; padded with zeros it is invalid.
        assertDecodeFails("18");
        // padding longer than 7 bits: a whole extra 0xff octet
        assertDecodeFails("f1e3c2e5f23a6ba0ab90f4ffff");
        // 30 one-bits: EOS inside the string
        assertDecodeFails("ffffffff");
        // padding of ones but not a prefix-complete code: "0" is 00000, then 001 is not all ones
        assertDecodeFails("01");
    }

    @Test
    void acceptsEmptyAndShortPadding() throws Exception {
        assertThat(Huffman.decode(new byte[0], 0, 0)).isEmpty();
        assertThat(Huffman.decode(hex("1f"), 0, 1)).containsExactly('a');
    }

    private static void assertDecodeFails(String h) {
        byte[] b = hex(h);
        assertThatThrownBy(() -> Huffman.decode(b, 0, b.length))
                .isInstanceOfSatisfying(QpackException.class,
                        e -> assertThat(e.error()).isEqualTo(Http3Error.QPACK_DECOMPRESSION_FAILED));
    }
}
