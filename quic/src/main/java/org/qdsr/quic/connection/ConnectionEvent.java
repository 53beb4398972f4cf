package org.qdsr.quic.connection;

/** What a connection tells its application; polled with {@link QuicConnection#pollEvent()}. */
public sealed interface ConnectionEvent {
    /** The handshake completed (client: Finished sent; server: Finished received). */
    record HandshakeCompleted(String alpn, boolean earlyDataAccepted) implements ConnectionEvent {
    }

    /** The peer opened a stream. */
    record StreamOpened(long streamId) implements ConnectionEvent {
    }

    /** Bytes (or the end of the stream) can be read from a stream. */
    record StreamReadable(long streamId) implements ConnectionEvent {
    }

    /** A stream's send buffer has room again. */
    record StreamWritable(long streamId) implements ConnectionEvent {
    }

    /** Everything sent on a stream, FIN included, was acknowledged. */
    record StreamAcknowledged(long streamId) implements ConnectionEvent {
    }

    /** The peer reset its sending side of a stream (RESET_STREAM). */
    record StreamReset(long streamId, long errorCode) implements ConnectionEvent {
    }

    /** The peer asked us to stop sending on a stream (STOP_SENDING); the stream was reset. */
    record StopSending(long streamId, long errorCode) implements ConnectionEvent {
    }

    /** More streams may be opened (MAX_STREAMS raised). */
    record StreamsAvailable(boolean bidirectional) implements ConnectionEvent {
    }

    /**
     * The peer acknowledged packets that another sender sent on an extra path (PATH_ACK,
     * draft-ietf-quic-multipath-21 §4.1); {@code ackDelay} is the raw encoded value. QDSR's load
     * balancer forwards these to the real server that owns the path.
     */
    record PathAcknowledged(long pathId, java.util.List<org.qdsr.quic.wire.AckRange> ranges, long ackDelay)
            implements ConnectionEvent {
    }

    /** The peer raised MAX_STREAM_DATA on a stream whose send side was handed off (forward it to its sender). */
    record HandedOffStreamCredit(long streamId, long limit) implements ConnectionEvent {
    }

    /** The peer sent STOP_SENDING on a stream whose send side was handed off (its sender must reset it). */
    record HandedOffStopSending(long streamId, long errorCode) implements ConnectionEvent {
    }

    /** Our 1-RTT write keys moved to a new generation (RFC 9001 §6); senders sharing them must follow. */
    record WriteKeysUpdated(long generation) implements ConnectionEvent {
    }

    /**
     * Server: the peer's newest packet came from another address (NAT rebinding or migration,
     * RFC 9000 §9.3); this connection now sends there, within the anti-amplification limit, and
     * validates it with a PATH_CHALLENGE. Not yet proof that the peer owns the address: act on
     * {@link PeerAddressValidated}. {@code newConnectionId}: the peer moved with a new connection
     * ID of ours (active migration), and this connection sends there with a fresh one of the
     * peer's (RFC 9000 §9.5), having had one spare.
     */
    record PeerAddressChanged(java.net.InetSocketAddress previous, java.net.InetSocketAddress current,
                              boolean newConnectionId) implements ConnectionEvent {
    }

    /**
     * Server: the peer answered the PATH_CHALLENGE sent to {@code address} (RFC 9000 §8.2.3), so
     * other senders of this connection may now send there. {@code ipChanged} is false when only
     * the port changed (typical NAT rebinding): RFC 9000 §9.4 lets a sender keep its congestion
     * state and RTT estimate then, and requires a reset otherwise (this connection did it).
     */
    record PeerAddressValidated(java.net.InetSocketAddress previous, java.net.InetSocketAddress address,
                                boolean ipChanged) implements ConnectionEvent {
    }

    /**
     * Server: the PATH_CHALLENGE sent to {@code abandoned} went unanswered for the validation
     * timeout (RFC 9000 §8.2.4), so this connection sends to the last validated address,
     * {@code revertedTo}, again (§9.3.2). Other senders never left it.
     */
    record PeerAddressAbandoned(java.net.InetSocketAddress abandoned, java.net.InetSocketAddress revertedTo)
            implements ConnectionEvent {
    }

    /** The peer issued a connection ID for an extra path (PATH_NEW_CONNECTION_ID). */
    record PathAvailable(long pathId) implements ConnectionEvent {
    }

    /** A NEW_TOKEN from the server (client only), for address validation on a later connection. */
    record NewToken(byte[] token) implements ConnectionEvent {
    }

    /** A session ticket for resumption and 0-RTT (client only), with what 0-RTT must remember. */
    record SessionTicket(ResumptionState state) implements ConnectionEvent {
    }

    /**
     * The connection is closing, draining or closed (RFC 9000 §10): no stream can make progress
     * any more and no more events follow. Sent once, as soon as the connection stops being usable.
     */
    record Closed(CloseReason reason) implements ConnectionEvent {
    }
}
