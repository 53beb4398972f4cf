package org.qdsr.quic.wire;

import java.nio.charset.StandardCharsets;

/**
 * CONNECTION_CLOSE (RFC 9000 §19.19): 0x1c carries a transport error and the offending
 * {@code frameType}; 0x1d ({@code application}) an application error ({@code frameType} is
 * ignored and parsed as 0). The reason phrase is UTF-8 on the wire.
 */
public record ConnectionCloseFrame(boolean application, long errorCode, long frameType,
        String reasonPhrase) implements Frame {
    public static final long TYPE_TRANSPORT = 0x1c;
    public static final long TYPE_APPLICATION = 0x1d;

    public ConnectionCloseFrame {
        VarInt.size(errorCode);
        VarInt.size(frameType);
        reasonPhrase = reasonPhrase == null ? "" : reasonPhrase;
    }

    @Override
    public long type() {
        return application ? TYPE_APPLICATION : TYPE_TRANSPORT;
    }

    @Override
    public boolean ackEliciting() {
        return false;
    }

    @Override
    public void write(ByteWriter w) {
        byte[] reason = reasonPhrase.getBytes(StandardCharsets.UTF_8);
        w.writeVarInt(type()).writeVarInt(errorCode);
        if (!application) {
            w.writeVarInt(frameType);
        }
        w.writeVarInt(reason.length).writeBytes(reason);
    }

    @Override
    public int encodedLength() {
        int reason = reasonPhrase.getBytes(StandardCharsets.UTF_8).length;
        return 1 + VarInt.size(errorCode) + (application ? 0 : VarInt.size(frameType))
                + VarInt.size(reason) + reason;
    }
}
