package org.qdsr.quic.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.recovery.RttEstimator;
import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.wire.ConnectionId;

class ConnectionSnapshotTest {
    static final byte[] SECRET = HexFormat.of().parseHex(
            "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea");

    static ConnectionSnapshot sample() throws Exception {
        byte[] data = new byte[300];
        new Random(1).nextBytes(data);
        SendStream.State busy = new SendStream.State(4, 1000, 1250, 1300, 50_000, data,
                new long[] {1100, 1150}, new long[] {1010, 1050}, true, false, false, false);
        return new ConnectionSnapshot(1, CipherSuite.TLS_AES_128_GCM_SHA256, SECRET,
                ConnectionSnapshot.headerProtectionKeyFor(CipherSuite.TLS_AES_128_GCM_SHA256, SECRET), true, 3,
                ConnectionId.of(HexFormat.of().parseHex("0102030405060708")), 7,
                new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 4433), 1350, 25_000_000L, 3, 123_456,
                new RttEstimator.State(333_000_000L, 20_000_000L, 21_000_000L, 5_000_000L, 19_000_000L,
                        -42L, true),
                77_777, 48_000,
                List.of(ConnectionSnapshot.StreamSnapshot.fresh(0, 1 << 20),
                        new ConnectionSnapshot.StreamSnapshot(4, busy)));
    }

    static ConnectionSnapshot minimal() throws Exception {
        return ConnectionSnapshot.initial(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, SECRET, false,
                ConnectionId.of(new byte[] {9}), 1, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000),
                1200, 25_000_000L, 3, 0, List.of());
    }

    @Test
    void roundTripsEveryField() throws Exception {
        for (ConnectionSnapshot s : List.of(sample(), minimal())) {
            byte[] enc = s.encode();
            ConnectionSnapshot back = ConnectionSnapshot.decode(enc);
            assertThat(back).isEqualTo(s);
            assertThat(back.encode()).isEqualTo(enc);
            assertThat(back.oneRttWriteSecret()).isEqualTo(SECRET);
        }
        ConnectionSnapshot back = ConnectionSnapshot.decode(sample().encode());
        assertThat(back.streams().get(1).send().lostRanges()).containsExactly(1010, 1050);
        assertThat(back.rtt().firstSampleTime()).isEqualTo(-42L);
        assertThat(back.peerAddress().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(minimal().effectiveHeaderProtectionKey()).hasSize(32);
    }

    @Test
    void rejectsUnknownVersionTruncationAndTrailingBytes() throws Exception {
        byte[] enc = sample().encode();
        byte[] v2 = enc.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> ConnectionSnapshot.decode(v2)).isInstanceOf(SnapshotFormatException.class)
                .hasMessageContaining("version");
        for (int n = 0; n < enc.length; n++) {
            byte[] cut = Arrays.copyOf(enc, n);
            assertThatThrownBy(() -> ConnectionSnapshot.decode(cut)).isInstanceOf(SnapshotFormatException.class);
        }
        byte[] longer = Arrays.copyOf(enc, enc.length + 1);
        assertThatThrownBy(() -> ConnectionSnapshot.decode(longer)).isInstanceOf(SnapshotFormatException.class);
        assertThatThrownBy(() -> ConnectionSnapshot.decode(null)).isInstanceOf(SnapshotFormatException.class);
    }

    @Test
    void rejectsInconsistentStreamState() {
        SendStream.State bad = new SendStream.State(0, 10, 5, 20, 100, new byte[10], new long[0], new long[0],
                false, false, false, false);
        assertThatThrownBy(() -> new ConnectionSnapshot.StreamSnapshot(0, bad))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fuzzedInputsOnlyThrowSnapshotFormatException() throws Exception {
        Random rnd = new Random(20240611);
        byte[][] seeds = {sample().encode(), minimal().encode()};
        int decoded = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] in;
            if (i % 5 == 0) {
                in = new byte[rnd.nextInt(200)];
                rnd.nextBytes(in);
                if (in.length > 0) {
                    in[0] = 1;
                }
            } else {
                in = mutate(seeds[i & 1], rnd);
            }
            try {
                ConnectionSnapshot s = ConnectionSnapshot.decode(in);
                assertThat(ConnectionSnapshot.decode(s.encode())).isEqualTo(s);
                decoded++;
            } catch (SnapshotFormatException expected) {
                // the only permitted failure
            }
        }
        assertThat(decoded).isGreaterThan(0);
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            case 1 -> {
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 8));
            default -> {
                int at = 1 + rnd.nextInt(b.length - 1);
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) rnd.nextInt(256);
                System.arraycopy(b, at, c, at + 1, b.length - at);
                b = c;
            }
        }
        return b;
    }

    @Test
    void toStringRedactsKeys() throws Exception {
        ConnectionSnapshot s = sample();
        String text = s.toString();
        assertThat(text).contains("redacted").contains("pathId=7").contains("0102030405060708");
        for (byte[] key : List.of(SECRET, s.headerProtectionKey())) {
            String hex = HexFormat.of().formatHex(key);
            assertThat(text.toLowerCase()).doesNotContain(hex).doesNotContain(hex.substring(0, 8));
            assertThat(text).doesNotContain(Arrays.toString(key)).doesNotContain(Arrays.toString(key).substring(0, 12));
        }
    }
}
