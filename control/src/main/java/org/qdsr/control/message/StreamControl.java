package org.qdsr.control.message;

import java.util.Objects;

/**
 * LB to RS: a stream-level frame the client sent for a response stream the RS owns.
 * {@code value} is the new limit for {@link Kind#MAX_STREAM_DATA} (RFC 9000 §19.10) and the
 * application error code for {@link Kind#STOP_SENDING} (§19.5) and {@link Kind#RESET_STREAM}
 * (§19.4, the client abandoned the request side).
 */
public record StreamControl(long connectionKey, long streamId, Kind kind, long value) implements ControlMessage {

    /** Which frame. */
    public enum Kind {
        MAX_STREAM_DATA(1), STOP_SENDING(2), RESET_STREAM(3);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Kind fromCode(long code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    public StreamControl {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(streamId, "streamId");
        Objects.requireNonNull(kind, "kind");
        Checks.varint(value, "value");
    }

    @Override
    public int typeCode() {
        return MessageType.STREAM_CONTROL;
    }
}
