package org.qdsr.control.message;

import java.util.Arrays;

/**
 * RS to LB in proxy mode: response body bytes of stream {@code streamId} at stream-body offset
 * {@code offset} (contiguous, in order); {@code fin} marks the last chunk.
 */
public record ProxyData(long connectionKey, long streamId, long offset, byte[] data, boolean fin)
        implements ControlMessage {
    public ProxyData {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(streamId, "streamId");
        Checks.varint(offset, "offset");
        data = Checks.copy(data, "data");
    }

    /** A copy of the bytes. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Copies the bytes into {@code dst} at {@code off} (no intermediate copy). */
    public void copyTo(byte[] dst, int off) {
        System.arraycopy(data, 0, dst, off, data.length);
    }

    public int length() {
        return data.length;
    }

    byte[] dataUnsafe() {
        return data;
    }

    @Override
    public int typeCode() {
        return MessageType.PROXY_DATA;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProxyData p && connectionKey == p.connectionKey && streamId == p.streamId
                && offset == p.offset && fin == p.fin && Arrays.equals(data, p.data);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(connectionKey) * 31 + Long.hashCode(streamId)) * 31 + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return "ProxyData[connection=" + connectionKey + ", stream=" + streamId + ", offset=" + offset + ", length="
                + data.length + ", fin=" + fin + "]";
    }
}
