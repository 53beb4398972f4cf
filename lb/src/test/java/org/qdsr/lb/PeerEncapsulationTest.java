package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PeerEncapsulationTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
    private static final long T = 1_700_000_000_000L;
    private final PeerEncapsulation codec = new PeerEncapsulation(SECRET, 2_000);

    private static byte[] datagram() {
        byte[] d = new byte[1200];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (i * 31);
        }
        return d;
    }

    @Test
    void roundTripKeepsTheClientAddressAndBytes() {
        for (InetSocketAddress client : new InetSocketAddress[] {new InetSocketAddress("198.18.1.2", 50000),
                new InetSocketAddress("2001:db8::7", 443)}) {
            byte[] d = datagram();
            byte[] sealed = codec.seal(7, client, T, d, 100, 900);
            byte[] padded = new byte[sealed.length + 10];
            System.arraycopy(sealed, 0, padded, 5, sealed.length);
            PeerEncapsulation.Opened o = new PeerEncapsulation(SECRET, 2_000).open(padded, 5, sealed.length, T + 1999);
            assertThat(o.ok()).isTrue();
            assertThat(o.senderId()).isEqualTo(7);
            assertThat(o.client()).isEqualTo(client);
            assertThat(Arrays.copyOfRange(padded, o.payloadOffset(), o.payloadOffset() + o.payloadLength()))
                    .isEqualTo(Arrays.copyOfRange(d, 100, 1000));
        }
    }

    @Test
    void everyTamperedByteIsRejected() {
        byte[] sealed = codec.seal(1, new InetSocketAddress("198.18.1.2", 50000), T, datagram(), 0, 64);
        for (int i = 0; i < sealed.length; i++) {
            byte[] t = sealed.clone();
            t[i] ^= 0x01;
            assertThat(codec.open(t, 0, t.length, T).reject()).as("byte %d", i)
                    .isEqualTo(PeerEncapsulation.Reject.AUTHENTICATION);
        }
        assertThat(codec.open(sealed, 0, sealed.length, T).ok()).isTrue();
    }

    @Test
    void anotherSecretIsRejected() {
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        byte[] sealed = new PeerEncapsulation(other, 2_000).seal(1, new InetSocketAddress("198.18.1.2", 1), T,
                datagram(), 0, 100);
        assertThat(codec.open(sealed, 0, sealed.length, T).reject()).isEqualTo(PeerEncapsulation.Reject.AUTHENTICATION);
    }

    @Test
    void staleOrFutureEnvelopesAreRejected() {
        byte[] sealed = codec.seal(1, new InetSocketAddress("198.18.1.2", 1), T, datagram(), 0, 100);
        assertThat(codec.open(sealed, 0, sealed.length, T + 2_001).reject()).isEqualTo(PeerEncapsulation.Reject.STALE);
        assertThat(codec.open(sealed, 0, sealed.length, T + 60_000).reject()).isEqualTo(PeerEncapsulation.Reject.STALE);
        assertThat(codec.open(sealed, 0, sealed.length, T - 2_001).reject()).isEqualTo(PeerEncapsulation.Reject.STALE);
        assertThat(codec.open(sealed, 0, sealed.length, T + 2_000).ok()).isTrue();
    }

    @Test
    void shortOrTruncatedInputIsRejectedWithoutThrowing() {
        byte[] sealed = codec.seal(1, new InetSocketAddress("198.18.1.2", 1), T, datagram(), 0, 100);
        for (int len = 0; len < sealed.length; len++) {
            assertThat(codec.open(sealed, 0, len, T).ok()).isFalse();
        }
    }
}
