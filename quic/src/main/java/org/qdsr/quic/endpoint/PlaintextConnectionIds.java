package org.qdsr.quic.endpoint;

import java.util.OptionalInt;
import java.util.random.RandomGenerator;

import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.ConnectionIdGenerator;

/**
 * QUIC-LB plaintext connection IDs (draft-ietf-quic-load-balancers-19 §3 and §5.2): the first
 * octet carries the config rotation bits (its top 3 bits; 0b111 means "unroutable") and 5 random
 * bits, then the server ID (big-endian, {@code serverIdLength} octets), then a random nonce of at
 * least {@value #MIN_NONCE_LENGTH} octets.
 *
 * <p>Security (draft §9): the server ID is in the clear, so an observer can link a client's
 * connection IDs across a migration by it, and learns which server holds the connection. The
 * draft's encrypted modes fix that; this class does not implement them.
 *
 * @param configRotation the config rotation codepoint, 0..6 (7 is reserved for unroutable IDs)
 * @param serverIdLength octets of server ID, 1..{@value #MAX_SERVER_ID_LENGTH}
 * @param serverId       this server's ID, 0 .. 256^serverIdLength - 1
 * @param length         the whole connection ID's length: 1 + serverIdLength + nonce (nonce >= 4)
 */
public record PlaintextConnectionIds(int configRotation, int serverIdLength, int serverId, int length)
        implements ConnectionIdGenerator {
    /** The config rotation codepoint of IDs that no load balancer can route (draft §3.1). */
    public static final int UNROUTABLE_CONFIG_ROTATION = 0b111;
    /** The shortest nonce the draft allows (§5.2). */
    public static final int MIN_NONCE_LENGTH = 4;
    /** Server IDs that fit an {@code int} here (the draft allows up to 15 octets). */
    public static final int MAX_SERVER_ID_LENGTH = 3;

    public PlaintextConnectionIds {
        if (configRotation < 0 || configRotation >= UNROUTABLE_CONFIG_ROTATION) {
            throw new IllegalArgumentException("config rotation must be 0..6, got " + configRotation);
        }
        if (serverIdLength < 1 || serverIdLength > MAX_SERVER_ID_LENGTH) {
            throw new IllegalArgumentException("server ID length must be 1.." + MAX_SERVER_ID_LENGTH + ", got "
                    + serverIdLength);
        }
        if (serverId < 0 || serverId >= 1 << (8 * serverIdLength)) {
            throw new IllegalArgumentException("server ID " + serverId + " does not fit " + serverIdLength
                    + " octet(s)");
        }
        if (length < 1 + serverIdLength + MIN_NONCE_LENGTH || length > ConnectionId.MAX_LENGTH) {
            throw new IllegalArgumentException("connection ID length " + length + " leaves no room for a "
                    + MIN_NONCE_LENGTH + "-octet nonce after a " + serverIdLength + "-octet server ID");
        }
    }

    /** One-octet server IDs with config rotation 0, in IDs of {@code length} octets. */
    public static PlaintextConnectionIds of(int serverId, int length) {
        return new PlaintextConnectionIds(0, 1, serverId, length);
    }

    @Override
    public ConnectionId next(RandomGenerator random) {
        byte[] b = new byte[length];
        random.nextBytes(b); // random low 5 bits of the first octet and the nonce
        b[0] = (byte) (configRotation << 5 | b[0] & 0x1f);
        for (int i = 0; i < serverIdLength; i++) {
            b[1 + i] = (byte) (serverId >>> 8 * (serverIdLength - 1 - i));
        }
        return ConnectionId.of(b);
    }

    @Override
    public OptionalInt ownServerId() {
        return OptionalInt.of(serverId);
    }

    @Override
    public OptionalInt serverId(byte[] cid, int off, int len) {
        if (len != length || (cid[off] & 0xff) >>> 5 != configRotation) {
            return OptionalInt.empty();
        }
        int id = 0;
        for (int i = 0; i < serverIdLength; i++) {
            id = id << 8 | cid[off + 1 + i] & 0xff;
        }
        return OptionalInt.of(id);
    }
}
