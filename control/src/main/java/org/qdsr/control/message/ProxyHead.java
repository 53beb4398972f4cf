package org.qdsr.control.message;

import java.util.List;

/**
 * RS to LB in proxy mode: the response head of stream {@code streamId}. {@code contentLength}
 * is -1 when unknown. Response bytes follow as {@link ProxyData}.
 */
public record ProxyHead(long connectionKey, long streamId, int status, List<Header> headers, long contentLength)
        implements ControlMessage {
    public ProxyHead {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(streamId, "streamId");
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
        headers = List.copyOf(headers);
        if (contentLength < -1 || contentLength >= org.qdsr.quic.wire.VarInt.MAX) {
            throw new IllegalArgumentException("contentLength " + contentLength);
        }
    }

    @Override
    public int typeCode() {
        return MessageType.PROXY_HEAD;
    }

    @Override
    public String toString() {
        return "ProxyHead[connection=" + connectionKey + ", stream=" + streamId + ", status=" + status + ", headers="
                + headers.size() + ", contentLength=" + contentLength + "]";
    }
}
