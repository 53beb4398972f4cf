package org.qdsr.quic.stream;

import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

/**
 * Stream count limits (RFC 9000 §4.6) for both stream types: our MAX_STREAMS on peer-initiated
 * streams, with the implicit opening of lower-numbered streams (RFC 9000 §3.2), and the peer's
 * MAX_STREAMS on the streams we open, with STREAMS_BLOCKED bookkeeping (RFC 9000 §19.14).
 * Arrays are indexed by type: 0 = bidirectional, 1 = unidirectional.
 */
public final class StreamLimits {
    /** Largest value MAX_STREAMS may carry (RFC 9000 §4.6). */
    public static final long MAX_STREAMS_LIMIT = 1L << 60;
    private static final long STREAM_FRAME = 0x08;

    private final boolean weAreClient;
    // peer-initiated streams, limited by us
    private final long[] ourWindow = new long[2];
    private final long[] ourAdvertised = new long[2];
    private final long[] peerOpened = new long[2];
    private final long[] peerClosed = new long[2];
    // locally initiated streams, limited by the peer
    private final long[] peerLimit = new long[2];
    private final long[] localOpened = new long[2];
    private final boolean[] localWanted = new boolean[2];
    private final long[] blockedSentAt = {-1, -1};

    /**
     * @param ourMaxBidi  our initial_max_streams_bidi (also the concurrency window we keep)
     * @param ourMaxUni   our initial_max_streams_uni
     * @param peerMaxBidi the peer's initial_max_streams_bidi
     * @param peerMaxUni  the peer's initial_max_streams_uni
     */
    public StreamLimits(boolean weAreClient, long ourMaxBidi, long ourMaxUni, long peerMaxBidi, long peerMaxUni) {
        this.weAreClient = weAreClient;
        ourWindow[0] = ourMaxBidi;
        ourWindow[1] = ourMaxUni;
        ourAdvertised[0] = ourMaxBidi;
        ourAdvertised[1] = ourMaxUni;
        peerLimit[0] = peerMaxBidi;
        peerLimit[1] = peerMaxUni;
    }

    private static int type(boolean bidi) {
        return bidi ? 0 : 1;
    }

    private static int type(long streamId) {
        return type(StreamId.isBidirectional(streamId));
    }

    // ---- peer-initiated streams ----

    /**
     * A frame referenced {@code streamId}. For a peer-initiated stream, opens it and every
     * lower-numbered stream of its type not yet open, and returns the lowest newly opened ID (the
     * new ones are {@code first, first + 4, ..., streamId}); returns -1 if it was already open.
     * For a locally initiated stream returns -1 if we opened it.
     *
     * @throws QuicException STREAM_LIMIT_ERROR beyond our MAX_STREAMS; STREAM_STATE_ERROR for a
     *                       locally initiated stream we have not opened (RFC 9000 §19.8)
     */
    public long onPeerStreamOpened(long streamId) throws QuicException {
        int t = type(streamId);
        long index = StreamId.index(streamId);
        if (StreamId.isLocal(streamId, weAreClient)) {
            if (index >= localOpened[t]) {
                throw new QuicException(TransportError.STREAM_STATE_ERROR, STREAM_FRAME,
                        "stream " + streamId + " not opened locally");
            }
            return -1;
        }
        if (index >= ourAdvertised[t]) {
            throw new QuicException(TransportError.STREAM_LIMIT_ERROR, STREAM_FRAME,
                    "stream " + streamId + " beyond limit " + ourAdvertised[t]);
        }
        if (index < peerOpened[t]) {
            return -1;
        }
        long first = StreamId.of(peerOpened[t], !weAreClient, t == 0);
        peerOpened[t] = index + 1;
        return first;
    }

    /** The lowest peer-initiated stream ID of this type not yet opened. */
    public long nextExpectedPeerStream(boolean bidi) {
        return StreamId.of(peerOpened[type(bidi)], !weAreClient, bidi);
    }

    /** True if the peer-initiated {@code streamId} has been opened (explicitly or implicitly). */
    public boolean isPeerStreamOpened(long streamId) {
        return StreamId.index(streamId) < peerOpened[type(streamId)];
    }

    /** A peer-initiated stream reached a terminal state; the peer may open another one. Call once per stream. */
    public void onPeerStreamClosed(long streamId) {
        peerClosed[type(streamId)]++;
    }

    /**
     * A new MAX_STREAMS value ({@code closed + initial limit}) when it grows our limit and the
     * peer's remaining credit fell below half the initial limit, else -1.
     */
    public long maxStreamsToAdvertise(boolean bidi) {
        int t = type(bidi);
        long newMax = Math.min(MAX_STREAMS_LIMIT, peerClosed[t] + ourWindow[t]);
        boolean low = ourAdvertised[t] - peerOpened[t] < (ourWindow[t] + 1) / 2;
        return newMax > ourAdvertised[t] && low ? newMax : -1;
    }

    public void onMaxStreamsSent(boolean bidi, long max) {
        int t = type(bidi);
        ourAdvertised[t] = Math.max(ourAdvertised[t], max);
    }

    /** The MAX_STREAMS we advertised last for this type. */
    public long ourMaxStreams(boolean bidi) {
        return ourAdvertised[type(bidi)];
    }

    // ---- locally initiated streams ----

    public boolean canOpen(boolean bidi) {
        int t = type(bidi);
        return localOpened[t] < peerLimit[t];
    }

    /** Allocates the next local stream ID, or returns -1 if the peer's MAX_STREAMS forbids it. */
    public long nextStreamId(boolean bidi) {
        int t = type(bidi);
        if (!canOpen(bidi)) {
            localWanted[t] = true;
            return -1;
        }
        return StreamId.of(localOpened[t]++, weAreClient, bidi);
    }

    /** MAX_STREAMS from the peer (the codec already rejected values above 2^60); only increases. */
    public void onMaxStreams(boolean bidi, long max) {
        int t = type(bidi);
        if (max > peerLimit[t]) {
            peerLimit[t] = max;
            localWanted[t] = false;
        }
    }

    public long peerMaxStreams(boolean bidi) {
        return peerLimit[type(bidi)];
    }

    /** Number of local streams of this type opened so far. */
    public long localOpened(boolean bidi) {
        return localOpened[type(bidi)];
    }

    /** True if {@link #nextStreamId} failed since the last limit increase. */
    public boolean isStreamsBlocked(boolean bidi) {
        return localWanted[type(bidi)] && !canOpen(bidi);
    }

    /** The STREAMS_BLOCKED limit to send, or -1 if not blocked or already sent for this limit. */
    public long streamsBlockedToSend(boolean bidi) {
        int t = type(bidi);
        return isStreamsBlocked(bidi) && blockedSentAt[t] != peerLimit[t] ? peerLimit[t] : -1;
    }

    public void onStreamsBlockedSent(boolean bidi, long limit) {
        blockedSentAt[type(bidi)] = limit;
    }
}
