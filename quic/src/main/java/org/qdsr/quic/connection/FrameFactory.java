package org.qdsr.quic.connection;

import org.qdsr.quic.TransportError;
import org.qdsr.quic.wire.ConnectionCloseFrame;
import org.qdsr.quic.wire.Frame;
import org.qdsr.quic.wire.NewTokenFrame;

/** Builds the frames a connection originates that need a rule applied. */
final class FrameFactory {
    private FrameFactory() {
    }

    static ConnectionCloseFrame applicationClose(long code, String reason) {
        return new ConnectionCloseFrame(true, code, 0, reason == null ? "" : reason);
    }

    static ConnectionCloseFrame transportClose(long code, long frameType, String reason) {
        return new ConnectionCloseFrame(false, code, frameType, reason == null ? "" : reason);
    }

    /**
     * RFC 9000 §10.2.3: an application close sent in Initial or Handshake packets becomes a
     * transport APPLICATION_ERROR without the reason, which could reveal application state.
     */
    static Frame handshakeSafeClose(Frame close) {
        if (close instanceof ConnectionCloseFrame cc && cc.application()) {
            return new ConnectionCloseFrame(false, TransportError.APPLICATION_ERROR.code(), 0, "");
        }
        return close;
    }

    static NewTokenFrame newToken(byte[] token) {
        return new NewTokenFrame(token);
    }
}
