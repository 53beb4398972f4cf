package org.qdsr.quic.endpoint;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.qdsr.quic.crypto.TokenProtector;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.TruncatedInputException;

/**
 * Retry tokens (RFC 9000 §8.1.2): sealed with a key only this endpoint knows, binding the
 * client's address, the original destination connection ID, the Retry's source connection ID
 * and the time of issue; valid for a short while from the same address only.
 */
final class AddressTokens {
    /** What a valid Retry token vouches for. */
    record Validated(ConnectionId originalDestinationId, ConnectionId retrySourceId) {
    }

    private static final long LIFETIME_NANOS = 10_000_000_000L;
    private final TokenProtector protector;
    private final RandomGenerator random;

    AddressTokens(byte[] key, RandomGenerator random) {
        this.protector = new TokenProtector(key);
        this.random = random;
    }

    byte[] retryToken(InetSocketAddress client, ConnectionId odcid, ConnectionId retryScid, long now) {
        byte[] addr = client.getAddress().getAddress();
        byte[] plain = new byte[8 + 1 + addr.length + 2 + 1 + odcid.length() + 1 + retryScid.length()];
        ByteWriter w = new ByteWriter(plain);
        w.writeUint64(now).writeUint8(addr.length).writeBytes(addr).writeUint16(client.getPort());
        w.writeUint8(odcid.length()).writeBytes(odcid.toBytes());
        w.writeUint8(retryScid.length()).writeBytes(retryScid.toBytes());
        return protector.seal(plain, random);
    }

    /** Returns what the token vouches for, or null if it is invalid, expired or from another address. */
    Validated validate(byte[] token, InetSocketAddress client, long now) {
        byte[] plain = protector.open(token);
        if (plain == null) {
            return null;
        }
        try {
            ByteReader r = new ByteReader(plain);
            long issued = r.readUint64();
            byte[] addr = r.readBytes(r.readUint8());
            int port = r.readUint16();
            ConnectionId odcid = ConnectionId.of(r.readBytes(r.readUint8()));
            ConnectionId scid = ConnectionId.of(r.readBytes(r.readUint8()));
            boolean fresh = now - issued >= 0 && now - issued < LIFETIME_NANOS;
            boolean sameAddress = Arrays.equals(addr, client.getAddress().getAddress()) && port == client.getPort();
            return fresh && sameAddress ? new Validated(odcid, scid) : null;
        } catch (TruncatedInputException | IllegalArgumentException e) {
            return null;
        }
    }
}
