package org.qdsr.quic.stream;

/**
 * Stream ID arithmetic (RFC 9000 §2.1). The two least significant bits of a stream ID give its
 * type: bit 0x01 is the initiator (0 = client, 1 = server), bit 0x02 the directionality
 * (0 = bidirectional, 1 = unidirectional). The remaining bits are the stream's index within its type.
 */
public final class StreamId {
    /** Largest stream ID a varint can carry (2^62 - 1). */
    public static final long MAX_ID = (1L << 62) - 1;

    private StreamId() {
    }

    public static boolean isClientInitiated(long id) {
        return (id & 0x01) == 0;
    }

    public static boolean isServerInitiated(long id) {
        return (id & 0x01) != 0;
    }

    public static boolean isBidirectional(long id) {
        return (id & 0x02) == 0;
    }

    public static boolean isUnidirectional(long id) {
        return (id & 0x02) != 0;
    }

    /** The n-th stream of its type: 0 for IDs 0..3, 1 for 4..7, ... */
    public static long index(long id) {
        return id >>> 2;
    }

    /** The stream ID with the given index and type. */
    public static long of(long index, boolean clientInitiated, boolean bidi) {
        if (index < 0 || index > (MAX_ID >>> 2)) {
            throw new IllegalArgumentException("stream index out of range: " + index);
        }
        return (index << 2) | (clientInitiated ? 0 : 0x01) | (bidi ? 0 : 0x02);
    }

    /** True if this endpoint opened (or would open) the stream. */
    public static boolean isLocal(long id, boolean weAreClient) {
        return isClientInitiated(id) == weAreClient;
    }

    /** True if this endpoint may send on the stream: bidirectional, or unidirectional opened by us. */
    public static boolean canSend(long id, boolean weAreClient) {
        return isBidirectional(id) || isLocal(id, weAreClient);
    }

    /** True if this endpoint may receive on the stream: bidirectional, or unidirectional opened by the peer. */
    public static boolean canReceive(long id, boolean weAreClient) {
        return isBidirectional(id) || !isLocal(id, weAreClient);
    }
}
