package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * NEW_CONNECTION_ID (RFC 9000 §19.15, 0x18) when {@code pathId == -1}, otherwise
 * PATH_NEW_CONNECTION_ID (draft-ietf-quic-multipath-21 §8.9, 0x3e78). The connection ID is 1 to
 * 20 bytes, the stateless reset token 16 bytes, and {@code retirePriorTo <= sequenceNumber}.
 */
public record NewConnectionIdFrame(long pathId, long sequenceNumber, long retirePriorTo,
        ConnectionId connectionId, byte[] statelessResetToken) implements Frame {
    public static final long TYPE = 0x18;
    public static final long TYPE_PATH = 0x3e78;
    public static final int RESET_TOKEN_LENGTH = 16;

    public NewConnectionIdFrame {
        if (pathId < -1 || pathId > VarInt.MAX) {
            throw new IllegalArgumentException("path ID " + pathId);
        }
        VarInt.size(sequenceNumber);
        if (retirePriorTo < 0 || retirePriorTo > sequenceNumber) {
            throw new IllegalArgumentException("retire prior to " + retirePriorTo + " > " + sequenceNumber);
        }
        if (connectionId.length() < 1) {
            throw new IllegalArgumentException("empty connection ID");
        }
        if (statelessResetToken.length != RESET_TOKEN_LENGTH) {
            throw new IllegalArgumentException("reset token length " + statelessResetToken.length);
        }
    }

    @Override
    public long type() {
        return pathId < 0 ? TYPE : TYPE_PATH;
    }

    @Override
    public boolean probing() {
        return true;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(type());
        if (pathId >= 0) {
            w.writeVarInt(pathId);
        }
        w.writeVarInt(sequenceNumber).writeVarInt(retirePriorTo).writeUint8(connectionId.length());
        w.writeBytes(connectionId.toBytes()).writeBytes(statelessResetToken);
    }

    @Override
    public int encodedLength() {
        int n = pathId < 0 ? 1 : VarInt.size(TYPE_PATH) + VarInt.size(pathId);
        return n + VarInt.size(sequenceNumber) + VarInt.size(retirePriorTo) + 1
                + connectionId.length() + RESET_TOKEN_LENGTH;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NewConnectionIdFrame f && f.pathId == pathId
                && f.sequenceNumber == sequenceNumber && f.retirePriorTo == retirePriorTo
                && f.connectionId.equals(connectionId)
                && Arrays.equals(f.statelessResetToken, statelessResetToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pathId, sequenceNumber, connectionId);
    }

    @Override
    public String toString() {
        return "NewConnectionIdFrame[pathId=" + pathId + ", seq=" + sequenceNumber
                + ", retirePriorTo=" + retirePriorTo + ", cid=" + connectionId + "]";
    }
}
