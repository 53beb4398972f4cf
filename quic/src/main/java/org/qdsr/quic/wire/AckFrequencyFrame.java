package org.qdsr.quic.wire;

/**
 * ACK_FREQUENCY (0xaf; draft-ietf-quic-ack-frequency-14 §4): a data sender asks the receiver to
 * acknowledge after more than {@code ackElicitingThreshold} ack-eliciting packets, within
 * {@code requestedMaxAckDelayMicros} (microseconds, unlike the max_ack_delay transport parameter's
 * milliseconds), and at once only for reordering of at least {@code reorderingThreshold} packets
 * (0: never for reordering; 1: RFC 9000 §13.2.1's immediate ACK of every out-of-order packet).
 * Receivers ignore a frame whose {@code sequenceNumber} is not larger than the largest processed.
 * All four fields are variable-length integers (the Reordering Threshold was an 8-bit field in
 * drafts before -05). 1-RTT only (§3: it may not be sent in 0-RTT).
 */
public record AckFrequencyFrame(long sequenceNumber, long ackElicitingThreshold, long requestedMaxAckDelayMicros,
                                long reorderingThreshold) implements Frame {
    public static final long TYPE = 0xaf;

    public AckFrequencyFrame {
        VarInt.size(sequenceNumber);
        VarInt.size(ackElicitingThreshold);
        VarInt.size(requestedMaxAckDelayMicros);
        VarInt.size(reorderingThreshold);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(sequenceNumber).writeVarInt(ackElicitingThreshold)
                .writeVarInt(requestedMaxAckDelayMicros).writeVarInt(reorderingThreshold);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(sequenceNumber) + VarInt.size(ackElicitingThreshold)
                + VarInt.size(requestedMaxAckDelayMicros) + VarInt.size(reorderingThreshold);
    }
}
