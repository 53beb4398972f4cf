package org.qdsr.control.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * RS to LB in {@link Handoff.Mode#INSTRUCTED} mode: the outcome of {@link SendInstructions} batch
 * {@code batchId}. {@code sentCount} packets went out; {@code queueDelayMicros} is the time from
 * receiving the batch to sending its last packet, on the RS's own monotonic clock (the LB may
 * subtract it from RTT samples or slow its pacing). {@code failedPacketNumbers} lists, strictly
 * ascending, the packets the RS could not send; {@code failReason} is the reason of the first of
 * them, {@link FailReason#NONE} exactly when none failed. The LB declares failed packets lost at
 * once and instructs their bytes again under new packet numbers (or gives the stream up).
 */
public record SendReport(long connectionKey, long batchId, long sentCount, long queueDelayMicros,
                         long[] failedPacketNumbers, FailReason failReason) implements ControlMessage {

    /** Why a packet was not sent. */
    public enum FailReason {
        /** Nothing failed (only with an empty failure list). */
        NONE(0),
        /** The RS does not know the stream (never handed off, or already dropped). */
        UNKNOWN_STREAM(1),
        /** The RS does not hold the bytes: beyond its {@link StreamReady} offset, or already released. */
        DATA_NOT_HELD(2),
        /** The RS has no write keys for the instructed key generation. */
        KEYS(3),
        /** The RS shed the packet (send queue full). */
        OVERLOAD(4);

        private final int code;

        FailReason(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static FailReason fromCode(long code) {
            for (FailReason f : values()) {
                if (f.code == code) {
                    return f;
                }
            }
            return null;
        }
    }

    public SendReport {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(batchId, "batchId");
        Checks.varint(queueDelayMicros, "queueDelayMicros");
        Objects.requireNonNull(failReason, "failReason");
        failedPacketNumbers = Objects.requireNonNull(failedPacketNumbers, "failedPacketNumbers").clone();
        if (sentCount < 0 || sentCount + failedPacketNumbers.length > SendInstructions.MAX_PACKETS) {
            throw new IllegalArgumentException("sent " + sentCount + " + failed " + failedPacketNumbers.length
                    + " exceeds " + SendInstructions.MAX_PACKETS);
        }
        if ((failReason == FailReason.NONE) != (failedPacketNumbers.length == 0)) {
            throw new IllegalArgumentException("failReason " + failReason + " with " + failedPacketNumbers.length
                    + " failed packets");
        }
        for (int i = 0; i < failedPacketNumbers.length; i++) {
            Checks.varint(failedPacketNumbers[i], "failed packet number");
            if (i > 0 && failedPacketNumbers[i] <= failedPacketNumbers[i - 1]) {
                throw new IllegalArgumentException("failed packet numbers not ascending");
            }
        }
    }

    /** Every packet of the batch was sent. */
    public static SendReport allSent(long connectionKey, long batchId, long sentCount, long queueDelayMicros) {
        return new SendReport(connectionKey, batchId, sentCount, queueDelayMicros, new long[0], FailReason.NONE);
    }

    /** A copy of the failed packet numbers, ascending. */
    @Override
    public long[] failedPacketNumbers() {
        return failedPacketNumbers.clone();
    }

    public int failedCount() {
        return failedPacketNumbers.length;
    }

    /** The {@code i}-th failed packet number (no copy). */
    public long failedPacketNumber(int i) {
        return failedPacketNumbers[i];
    }

    @Override
    public int typeCode() {
        return MessageType.SEND_REPORT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SendReport r && connectionKey == r.connectionKey && batchId == r.batchId
                && sentCount == r.sentCount && queueDelayMicros == r.queueDelayMicros && failReason == r.failReason
                && Arrays.equals(failedPacketNumbers, r.failedPacketNumbers);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(connectionKey) * 31 + Long.hashCode(batchId);
    }

    @Override
    public String toString() {
        return "SendReport[connection=" + connectionKey + ", batch=" + batchId + ", sent=" + sentCount
                + ", queueDelayMicros=" + queueDelayMicros + ", failed=" + Arrays.toString(failedPacketNumbers)
                + ", reason=" + failReason + "]";
    }
}
