package org.qdsr.quic.wire;

import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * How a server endpoint makes the connection IDs it issues (its handshake ID, the Retry source ID,
 * every NEW_CONNECTION_ID), and how it reads back which server an ID names. The default is
 * {@link #random}; {@code org.qdsr.quic.endpoint.PlaintextConnectionIds} encodes a server ID the way QUIC-LB does
 * (draft-ietf-quic-load-balancers, "plaintext"), so that several load balancers of one VIP can
 * route a connection's packets to the one that holds it.
 */
public interface ConnectionIdGenerator {
    /** The length of every ID this generator makes (what short headers are parsed with). */
    int length();

    /** A fresh ID of {@link #length()} bytes, its unpredictable parts drawn from {@code random}. */
    ConnectionId next(RandomGenerator random);

    /**
     * The server ID the {@code len} bytes at {@code off} (a destination connection ID) encode, or
     * empty when they are not a routable ID of this configuration (another length, other config
     * rotation bits, or a random generator).
     */
    OptionalInt serverId(byte[] cid, int off, int len);

    /** The server ID every ID of this generator carries; empty for IDs that name no server. */
    OptionalInt ownServerId();

    /** Random IDs of {@code length} bytes that name no server (the endpoint's behaviour before QUIC-LB). */
    static ConnectionIdGenerator random(int length) {
        if (length < 0 || length > ConnectionId.MAX_LENGTH) {
            throw new IllegalArgumentException("connection ID length " + length);
        }
        return new ConnectionIdGenerator() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public ConnectionId next(RandomGenerator random) {
                return ConnectionId.random(random, length);
            }

            @Override
            public OptionalInt serverId(byte[] cid, int off, int len) {
                return OptionalInt.empty();
            }

            @Override
            public OptionalInt ownServerId() {
                return OptionalInt.empty();
            }

            @Override
            public String toString() {
                return "random(" + length + ")";
            }
        };
    }
}
