package org.qdsr.app.robust;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Generators of bad datagrams for {@link BadInputTest}; every one is a fresh array. */
final class FuzzCorpus {
    /** What a generated datagram is, for counting. */
    enum Kind { RANDOM, TRUNCATED_INITIAL, FLIPPED_INITIAL, FLIPPED_HANDSHAKE, FLIPPED_SHORT, RANDOM_VERSION, RANDOM_CID }

    private final SplittableRandom random;
    private final List<byte[]> initials;
    private final List<byte[]> handshakes;
    private final List<byte[]> shorts;

    FuzzCorpus(long seed, List<byte[]> initials, List<byte[]> handshakes, List<byte[]> shorts) {
        this.random = new SplittableRandom(seed);
        this.initials = initials;
        this.handshakes = handshakes.isEmpty() ? initials : handshakes;
        this.shorts = shorts;
    }

    /** Long header packet type bits: 0 Initial, 1 0-RTT, 2 Handshake, 3 Retry; -1 for a short header. */
    static int longType(byte[] d) {
        return d.length == 0 || (d[0] & 0x80) == 0 ? -1 : (d[0] >> 4) & 3;
    }

    Kind pick() {
        int r = random.nextInt(100);
        if (r < 40) {
            return Kind.RANDOM;
        } else if (r < 55) {
            return Kind.TRUNCATED_INITIAL;
        } else if (r < 60) {
            return Kind.FLIPPED_INITIAL;
        } else if (r < 65) {
            return Kind.FLIPPED_HANDSHAKE;
        } else if (r < 70) {
            return Kind.FLIPPED_SHORT;
        } else if (r < 80) {
            return Kind.RANDOM_VERSION;
        }
        return Kind.RANDOM_CID;
    }

    byte[] next(Kind kind) {
        return switch (kind) {
            case RANDOM -> randomBytes(random.nextInt(1501));
            case TRUNCATED_INITIAL -> {
                byte[] d = any(initials);
                yield Arrays.copyOf(d, random.nextInt(d.length));
            }
            case FLIPPED_INITIAL -> flip(any(initials));
            case FLIPPED_HANDSHAKE -> flip(any(handshakes));
            case FLIPPED_SHORT -> flip(any(shorts));
            case RANDOM_VERSION -> randomVersionLongHeader();
            case RANDOM_CID -> randomCidShortHeader(21 + random.nextInt(1480));
        };
    }

    private byte[] any(List<byte[]> list) {
        return list.get(random.nextInt(list.size()));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** 1 to 8 random bit flips. */
    private byte[] flip(byte[] original) {
        byte[] d = original.clone();
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(d.length * 8);
            d[bit >>> 3] ^= (byte) (1 << (bit & 7));
        }
        return d;
    }

    /** A 1200-byte long header with a random version other than 0 and 1 (expects Version Negotiation). */
    byte[] randomVersionLongHeader() {
        byte[] d = randomBytes(1200);
        d[0] = (byte) (0xc0 | (d[0] & 0x3f));
        long version;
        do {
            version = random.nextLong(1L << 32);
        } while (version == 0 || version == 1);
        d[1] = (byte) (version >>> 24);
        d[2] = (byte) (version >>> 16);
        d[3] = (byte) (version >>> 8);
        d[4] = (byte) version;
        d[5] = (byte) (random.nextInt(21)); // DCID length 0..20
        int scidAt = 6 + d[5];
        d[scidAt] = (byte) (random.nextInt(21));
        return d;
    }

    /** A short header datagram of {@code len} bytes with a random 8-byte CID (unknown to the server). */
    byte[] randomCidShortHeader(int len) {
        byte[] d = randomBytes(len);
        d[0] = (byte) (0x40 | (d[0] & 0x3f));
        return d;
    }
}
