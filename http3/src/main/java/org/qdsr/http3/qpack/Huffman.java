package org.qdsr.http3.qpack;

import java.util.Arrays;
import org.qdsr.quic.wire.ByteWriter;

/**
 * The HPACK/QPACK static Huffman code (RFC 7541 Appendix B, used by RFC 9204 §4.1.2).
 *
 * <p>The code is canonical: codes of equal length are consecutive in symbol order and each
 * length's first code follows the previous length's last. So only the code lengths are tabulated;
 * the codes are rebuilt at class init. Decoding walks a 4-bit-per-step state machine (one state per
 * internal node of the code tree, 16 transitions each) built from the same table.
 */
final class Huffman {
    /** Code length in bits for symbols 0..255 and EOS (256), RFC 7541 Appendix B. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, //   0-15
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, //  16-31
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,         //  32-47 ' '..'/'
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,              //  48-63 '0'..'?'
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,                //  64-79 '@'..'O'
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,             //  80-95 'P'..'_'
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,                //  96-111 '`'..'o'
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,            // 112-127 'p'..DEL
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128-143
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144-159
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160-175
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176-191
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192-207
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208-223
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224-239
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240-255
        30                                                              // EOS
    };
    static final int EOS = 256;

    /** Codes right-aligned, indexed by symbol. */
    static final int[] CODES = new int[257];

    private static final int EMIT = 1 << 16;
    private static final int FAIL = 1 << 17;
    /** TRANSITIONS[state * 16 + nibble] = next state | symbol << 8 | EMIT | FAIL. */
    private static final int[] TRANSITIONS;
    /** Whether input may end in this state: root, or a run of at most 7 one-bits (RFC 7541 §5.2). */
    private static final boolean[] ACCEPTING;

    static {
        buildCanonicalCodes();
        Tree tree = new Tree();
        for (int sym = 0; sym <= EOS; sym++) {
            tree.insert(sym, CODES[sym], LENGTHS[sym]);
        }
        // A complete code over 257 symbols has exactly 256 internal nodes, so states fit a byte.
        TRANSITIONS = new int[256 * 16];
        ACCEPTING = new boolean[256];
        tree.buildTransitions();
    }

    private Huffman() {
    }

    private static void buildCanonicalCodes() {
        int code = 0;
        int prevLen = 0;
        for (int len = 1; len <= 30; len++) {
            for (int sym = 0; sym <= EOS; sym++) {
                if (LENGTHS[sym] == len) {
                    code <<= (len - prevLen);
                    prevLen = len;
                    CODES[sym] = code++;
                }
            }
        }
    }

    /** Length in bits of a symbol's code. */
    static int codeLength(int sym) {
        return LENGTHS[sym];
    }

    /** Number of octets {@code s} takes once Huffman-encoded (with padding). */
    static int encodedLength(byte[] s) {
        return encodedLength(s, 0, s.length);
    }

    static int encodedLength(byte[] s, int off, int len) {
        long bits = 0;
        for (int i = off; i < off + len; i++) {
            bits += LENGTHS[s[i] & 0xff];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Writes the Huffman encoding of {@code s}, padded with the EOS prefix (all ones). */
    static void encode(byte[] s, ByteWriter w) {
        encode(s, 0, s.length, w);
    }

    static void encode(byte[] s, int off, int len, ByteWriter w) {
        long acc = 0;
        int bits = 0;
        for (int i = off; i < off + len; i++) {
            int sym = s[i] & 0xff;
            acc = (acc << LENGTHS[sym]) | CODES[sym];
            bits += LENGTHS[sym];
            while (bits >= 8) {
                bits -= 8;
                w.writeUint8((int) (acc >>> bits));
            }
        }
        if (bits > 0) {
            w.writeUint8((int) ((acc << (8 - bits)) | (0xff >>> bits)));
        }
    }

    /**
     * Decodes {@code len} Huffman-coded octets. Fails on an encoded EOS, on padding longer than 7
     * bits, or on padding that is not a prefix of EOS (RFC 7541 §5.2).
     */
    static byte[] decode(byte[] src, int off, int len) throws QpackException {
        byte[] out = new byte[(int) (((long) len * 8) / 5)];
        int n = 0;
        int state = 0;
        for (int i = off; i < off + len; i++) {
            int b = src[i] & 0xff;
            int t = TRANSITIONS[(state << 4) | (b >>> 4)];
            if ((t & EMIT) != 0) {
                out[n++] = (byte) (t >>> 8);
            }
            int t2 = TRANSITIONS[((t & 0xff) << 4) | (b & 0x0f)];
            if (((t | t2) & FAIL) != 0) {
                throw QpackException.decompression("Huffman string contains EOS");
            }
            if ((t2 & EMIT) != 0) {
                out[n++] = (byte) (t2 >>> 8);
            }
            state = t2 & 0xff;
        }
        if (!ACCEPTING[state]) {
            throw QpackException.decompression("invalid Huffman padding");
        }
        return Arrays.copyOf(out, n);
    }

    /** The code tree, used only at class init to derive the nibble automaton. */
    private static final class Tree {
        final int[][] child = new int[514][2];
        final int[] symbol = new int[514];
        final int[] depth = new int[514];
        final boolean[] allOnes = new boolean[514];
        final int[] stateOf = new int[514];
        final int[] nodeOfState = new int[514];
        int nodes = 1;
        int internalCount;

        Tree() {
            Arrays.fill(symbol, -1);
            allOnes[0] = true;
        }

        void insert(int sym, int code, int len) {
            int node = 0;
            for (int i = len - 1; i >= 0; i--) {
                int bit = (code >>> i) & 1;
                if (child[node][bit] == 0) {
                    int c = nodes++;
                    child[node][bit] = c;
                    depth[c] = depth[node] + 1;
                    allOnes[c] = allOnes[node] && bit == 1;
                }
                node = child[node][bit];
            }
            symbol[node] = sym;
        }

        void buildTransitions() {
            Arrays.fill(stateOf, -1);
            for (int node = 0; node < nodes; node++) {
                if (symbol[node] < 0) {
                    if (internalCount == 256) {
                        throw new IllegalStateException("code table is not a complete prefix code");
                    }
                    stateOf[node] = internalCount;
                    nodeOfState[internalCount++] = node;
                }
            }
            for (int s = 0; s < internalCount; s++) {
                int start = nodeOfState[s];
                ACCEPTING[s] = start == 0 || (allOnes[start] && depth[start] <= 7);
                for (int nibble = 0; nibble < 16; nibble++) {
                    TRANSITIONS[s * 16 + nibble] = step(start, nibble);
                }
            }
        }

        private int step(int node, int nibble) {
            int flags = 0;
            for (int i = 3; i >= 0; i--) {
                node = child[node][(nibble >>> i) & 1];
                int sym = symbol[node];
                if (sym == EOS) {
                    return FAIL;
                } else if (sym >= 0) {
                    flags |= EMIT | (sym << 8);
                    node = 0;
                }
            }
            return stateOf[node] | flags;
        }
    }
}
