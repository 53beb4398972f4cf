package org.qdsr.lb;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.qdsr.quic.endpoint.QuicServerEndpoint;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.ByteWriter;

/**
 * The envelope in which one load balancer of a VIP passes a client's datagram to the one that
 * holds its connection (QUIC-LB routing between several LBs behind ECMP). Layout:
 *
 * <pre>
 *   'Q' 0x01 | sender LB id (4) | sent at, epoch ms (8) | address length (1: 4 or 16) | client address | client port (2)
 *   | the client's datagram | HMAC-SHA256 tag over everything before it, first 16 octets
 * </pre>
 *
 * The key is derived from the VIP's shared secret as the endpoint's stateless-reset and token keys
 * are ({@link QuicServerEndpoint#deriveKey}), for its own purpose; the timestamp bounds replays to
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

    private final Mac mac;
    private final long maxAgeMillis;
    private final byte[] tag = new byte[32];

    PeerEncapsulation(byte[] secret, long maxAgeMillis) {
        byte[] key = QuicServerEndpoint.deriveKey(secret, "peer envelope");
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
        new ByteWriter(out).writeUint8(MAGIC).writeUint8(VERSION).writeUint32(senderId & 0xffffffffL)
                .writeUint64(epochMillis).writeUint8(addr.length).writeBytes(addr).writeUint16(client.getPort())
                .writeBytes(data, off, len);
        computeTag(out, 0, header + len);
        System.arraycopy(tag, 0, out, header + len, TAG_LENGTH);
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
        int signed = len - TAG_LENGTH;
        computeTag(d, off, signed);
        int diff = 0; // constant time, as MessageDigest.isEqual
        for (int i = 0; i < TAG_LENGTH; i++) {
            diff |= tag[i] ^ d[off + signed + i];
        }
        if (diff != 0) {
            return Opened.rejected(Reject.AUTHENTICATION);
        }
        ByteReader r = new ByteReader(d, off, signed);
        int magic = r.readUint8();
        int version = r.readUint8();
        int sender = (int) r.readUint32();
        long sent = r.readUint64();
        int addrLength = r.readUint8();
        if (magic != MAGIC || version != VERSION || addrLength != 4 && addrLength != 16
                || r.remaining() < addrLength + 2) {
            return Opened.rejected(Reject.MALFORMED);
        }
        if (Math.abs(nowMillis - sent) > maxAgeMillis) {
            return Opened.rejected(Reject.STALE);
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(r.readBytes(addrLength));
        } catch (UnknownHostException e) {
            return Opened.rejected(Reject.MALFORMED);
        }
        int port = r.readUint16();
        return new Opened(sender, new InetSocketAddress(address, port), r.position(), r.remaining(), null);
    }

    /** HMAC-SHA256 of {@code len} bytes at {@code off} into {@link #tag}. */
    private void computeTag(byte[] d, int off, int len) {
        mac.update(d, off, len);
        try {
            mac.doFinal(tag, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
