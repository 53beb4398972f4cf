package org.qdsr.quic.wire;

/**
 * A QUIC frame (RFC 9000 §12.4, §19; draft-ietf-quic-multipath-21 §8). Frames are immutable
 * records; byte arrays they hold are not copied and must not be mutated after construction.
 * Parse them with {@link FrameCodec#parse}, write them with {@link #write} or {@link FrameCodec#write}.
 */
public sealed interface Frame permits PaddingFrame, TypeOnlyFrame, AckFrame, ResetStreamFrame,
        StopSendingFrame, CryptoFrame, NewTokenFrame, StreamFrame, MaxDataFrame,
        MaxStreamDataFrame, MaxStreamsFrame, DataBlockedFrame, StreamDataBlockedFrame,
        StreamsBlockedFrame, NewConnectionIdFrame, RetireConnectionIdFrame, PathChallengeFrame,
        PathResponseFrame, ConnectionCloseFrame, PathAbandonFrame,
        PathStatusFrame, MaxPathIdFrame, PathsBlockedFrame, PathCidsBlockedFrame, AckFrequencyFrame {

    /** The frame type codepoint this frame is written with. */
    long type();

    /** RFC 9002 §2: every frame except ACK (and PATH_ACK), PADDING and CONNECTION_CLOSE. */
    default boolean ackEliciting() {
        return true;
    }

    /**
     * RFC 9000 §12.4 Table 3 column "C": only ACK (and PATH_ACK) frames do not count toward
     * bytes in flight.
     */
    default boolean congestionControlled() {
        return true;
    }

    /** RFC 9000 §9.1 / Table 3 column "P": PADDING, NEW_CONNECTION_ID, PATH_CHALLENGE, PATH_RESPONSE. */
    default boolean probing() {
        return false;
    }

    /** Writes the frame, type included. */
    void write(ByteWriter w);

    /** The number of bytes {@link #write} produces. */
    int encodedLength();
}
