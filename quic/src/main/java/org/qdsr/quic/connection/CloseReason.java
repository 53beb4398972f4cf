package org.qdsr.quic.connection;

import org.qdsr.quic.TransportError;

/** Why a connection ended. */
public record CloseReason(Kind kind, boolean application, long errorCode, String reason) {
    /** How the connection ended. */
    public enum Kind { LOCAL_CLOSE, PEER_CLOSE, IDLE_TIMEOUT, STATELESS_RESET, VERSION_NEGOTIATION, HANDSHAKE_TIMEOUT }

    public static CloseReason idle() {
        return new CloseReason(Kind.IDLE_TIMEOUT, false, TransportError.NO_ERROR.code(), "idle timeout");
    }

    public boolean isError() {
        return errorCode != 0 || kind == Kind.STATELESS_RESET || kind == Kind.VERSION_NEGOTIATION
                || kind == Kind.HANDSHAKE_TIMEOUT;
    }

    @Override
    public String toString() {
        String code = application ? "app 0x" + Long.toHexString(errorCode) : TransportError.describe(errorCode);
        return kind + " (" + code + (reason == null || reason.isEmpty() ? "" : ": " + reason) + ")";
    }
}
