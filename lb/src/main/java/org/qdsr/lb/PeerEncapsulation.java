package org.qdsr.lb;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.qdsr.quic.crypto.Hkdf;

/**
 * The envelope in which one load balancer of a VIP passes a client's datagram to the one that
 * holds its connection (QUIC-LB routing between several LBs behind ECMP). Layout:
 *
 * <pre>
 *   'Q' 0x01 | sender LB id (4) | sent at, epoch ms (8) | address length (1: 4 or 16) | client address | client port (2)
 *   | the client's datagram | HMAC-SHA256 tag over everything before it, first 16 octets
 * </pre>
 *
 * The key is derived with HKDF (RFC 5869) from the VIP's shared secret, like the endpoint's
 * stateless-reset and token keys, under its own label; the timestamp bounds replays to
 * {@code maxAgeMillis} either way (the LBs' clocks must agree that well: NTP does). Not thread-safe
 * (one cached {@link Mac}): one instance per event loop.
 */
final class PeerEncapsulation {
    /** Why an envelope was refused (the label of {@code qdsr_lb_peer_rejected_total}). */
    enum Reject {
        MALFORMED("malformed"), AUTHENTICATION("authentication"), STALE("stale"), UNKNOWN_PEER("unknown_peer");

        final String label;

        Reject(String label) {
            this.label = label;
        }
    }

    /** An envelope that passed: who sent it, the client, and where the client's bytes are. */
    record Opened(int senderId, InetSocketAddress client, int payloadOffset, int payloadLength, Reject reject) {
        static Opened rejected(Reject r) {
            return new Opened(-1, null, 0, 0, r);
        }

        boolean ok() {
            return reject == null;
        }
    }

    static final int TAG_LENGTH = 16;
    private static final byte MAGIC = 'Q';
    private static final byte VERSION = 1;
    private static final int FIXED = 2 + 4 + 8 + 1;
    private static final byte[] SALT = "qdsr lb peer forwarding v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "qdsr peer envelope".getBytes(StandardCharsets.US_ASCII);

    private final Mac mac;
    private final long maxAgeMillis;
    private final byte[] tag = new byte[32];

    PeerEncapsulation(byte[] secret, long maxAgeMillis) {
        byte[] key = Hkdf.expand("HmacSHA256", Hkdf.extract("HmacSHA256", SALT, secret), INFO, 32);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        this.maxAgeMillis = maxAgeMillis;
    }

    /** The envelope of {@code len} client bytes at {@code off}, sent by LB {@code senderId} at {@code epochMillis}. */
    byte[] seal(int senderId, InetSocketAddress client, long epochMillis, byte[] data, int off, int len) {
        byte[] addr = client.getAddress().getAddress();
        int header = FIXED + addr.length + 2;
        byte[] out = new byte[header + len + TAG_LENGTH];
        out[0] = MAGIC;
        out[1] = VERSION;
        putInt(out, 2, senderId);
        putLong(out, 6, epochMillis);
        out[14] = (byte) addr.length;
        System.arraycopy(addr, 0, out, 15, addr.length);
        out[15 + addr.length] = (byte) (client.getPort() >>> 8);
        out[16 + addr.length] = (byte) client.getPort();
        System.arraycopy(data, off, out, header, len);
        mac.update(out, 0, header + len);
        macInto(out, header + len);
        return out;
    }

    /**
     * Checks and parses an envelope: the tag first (nothing unauthenticated is looked at), then the
     * format, then the age against {@code nowMillis}.
     */
    Opened open(byte[] d, int off, int len, long nowMillis) {
        if (len < FIXED + 4 + 2 + TAG_LENGTH) {
            return Opened.rejected(Reject.MALFORMED);
        }
        mac.update(d, off, len - TAG_LENGTH);
        try {
            mac.doFinal(tag, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        if (!MessageDigest.isEqual(java.util.Arrays.copyOf(tag, TAG_LENGTH),
                java.util.Arrays.copyOfRange(d, off + len - TAG_LENGTH, off + len))) {
            return Opened.rejected(Reject.AUTHENTICATION);
        }
        int addrLength = d[off + 14];
        int header = FIXED + addrLength + 2;
        if (d[off] != MAGIC || d[off + 1] != VERSION || addrLength != 4 && addrLength != 16
                || len < header + TAG_LENGTH) {
            return Opened.rejected(Reject.MALFORMED);
        }
        long sent = getLong(d, off + 6);
        if (Math.abs(nowMillis - sent) > maxAgeMillis) {
            return Opened.rejected(Reject.STALE);
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(java.util.Arrays.copyOfRange(d, off + 15, off + 15 + addrLength));
        } catch (UnknownHostException e) {
            return Opened.rejected(Reject.MALFORMED);
        }
        int port = (d[off + 15 + addrLength] & 0xff) << 8 | d[off + 16 + addrLength] & 0xff;
        return new Opened(getInt(d, off + 2), new InetSocketAddress(address, port), off + header,
                len - header - TAG_LENGTH, null);
    }

    private void macInto(byte[] out, int at) {
        try {
            mac.doFinal(tag, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        System.arraycopy(tag, 0, out, at, TAG_LENGTH);
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> 8 * (3 - i));
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> 8 * (7 - i));
        }
    }

    private static int getInt(byte[] b, int at) {
        return (int) getBits(b, at, 4);
    }

    private static long getLong(byte[] b, int at) {
        return getBits(b, at, 8);
    }

    private static long getBits(byte[] b, int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | b[at + i] & 0xff;
        }
        return v;
    }
}
