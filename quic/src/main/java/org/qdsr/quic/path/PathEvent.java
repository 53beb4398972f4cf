package org.qdsr.quic.path;

/** Something the owner of a {@link PathSender} (an RS) reports to the LB or its application. */
public sealed interface PathEvent {
    /** A stream has data but its MAX_STREAM_DATA stops it (the owner of the connection raises it). */
    record StreamBlocked(long streamId, long limit) implements PathEvent {
    }

    /** All data and the FIN of the stream were acknowledged (RFC 9000 §3.1 "Data Recvd"); the stream is gone. */
    record StreamAcknowledged(long streamId) implements PathEvent {
    }

    /** A stream whose buffer was full (a short {@code write}) can accept bytes again. */
    record StreamWritable(long streamId) implements PathEvent {
    }

    /**
     * New stream data waits for connection-level credit; {@code used} bytes of credit were
     * consumed so far. The RS asks the LB for more ({@link PathSender#addCredit}). Emitted once
     * per credit limit.
     */
    record CreditBlocked(long used) implements PathEvent {
    }

    /** The RESET_STREAM for the stream was acknowledged ("Reset Recvd"); the stream is gone. */
    record StreamResetAcknowledged(long streamId, long errorCode) implements PathEvent {
    }

    /**
     * The current 1-RTT keys protected {@code packets} packets, 3/4 of their confidentiality limit
     * (RFC 9001 §6.6), and again every 1/64 of the limit after that: the LB should update keys.
     * At the limit the sender stops sending.
     */
    record KeyUpdateNeeded(long packets) implements PathEvent {
    }
}
