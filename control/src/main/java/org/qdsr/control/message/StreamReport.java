package org.qdsr.control.message;

import java.util.Objects;

/**
 * RS to LB: the response side of stream {@code streamId} ended. {@code status} is the HTTP
 * status the RS sent (0 if none), {@code errorCode} the application error code of a reset
 * (0 otherwise); byte counts are response bytes (stream data) sent and acknowledged.
 * {@code finSent}: the RS had sent the whole response, FIN included, when the stream ended
 * otherwise than FINISHED (the client closed its connection before acknowledging the last
 * bytes); appended to the body as a flag, absent (false) from an older RS.
 */
public record StreamReport(long connectionKey, long streamId, Outcome outcome, long errorCode, long bytesSent,
                           long bytesAcked, int status, boolean finSent) implements ControlMessage {

    /** How the stream ended. */
    public enum Outcome {
        /** All bytes and the FIN were acknowledged. */
        FINISHED(1),
        /** The RS reset the stream (or answered the client's STOP_SENDING). */
        RESET(2),
        /** The RS lost the stream (content source error, connection state lost). */
        FAILED(3),
        /** The RS refused the handoff (overload, unknown host, bad snapshot); the LB may retry elsewhere. */
        REJECTED(4);

        private final int code;

        Outcome(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Outcome fromCode(long code) {
            for (Outcome o : values()) {
                if (o.code == code) {
                    return o;
                }
            }
            return null;
        }
    }

    public StreamReport {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(streamId, "streamId");
        Objects.requireNonNull(outcome, "outcome");
        Checks.varint(errorCode, "errorCode");
        Checks.varint(bytesSent, "bytesSent");
        Checks.varint(bytesAcked, "bytesAcked");
        if (status < 0 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
    }

    /** A report without the {@code finSent} flag. */
    public StreamReport(long connectionKey, long streamId, Outcome outcome, long errorCode, long bytesSent,
                        long bytesAcked, int status) {
        this(connectionKey, streamId, outcome, errorCode, bytesSent, bytesAcked, status, false);
    }

    @Override
    public int typeCode() {
        return MessageType.STREAM_REPORT;
    }
}
