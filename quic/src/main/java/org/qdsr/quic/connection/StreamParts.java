package org.qdsr.quic.connection;

import org.qdsr.quic.stream.ConnectionFlowControl;
import org.qdsr.quic.stream.ReceiveStream;
import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.stream.StreamLimits;

/** Builds the stream parts a connection composes, including the CRYPTO streams (no flow control). */
final class StreamParts {
    private static final long CRYPTO_STREAM_ID = -1;

    private StreamParts() {
    }

    static SendStream cryptoSendStream() {
        return new SendStream(CRYPTO_STREAM_ID, Long.MAX_VALUE / 2, Integer.MAX_VALUE);
    }

    static ReceiveStream cryptoReceiveStream(int window) {
        return new ReceiveStream(CRYPTO_STREAM_ID, window);
    }

    static void writeAll(SendStream s, byte[] data) {
        int off = 0;
        while (off < data.length) {
            int n = s.write(data, off, data.length - off);
            if (n <= 0) {
                throw new IllegalStateException("CRYPTO send buffer refused data");
            }
            off += n;
        }
    }

    static ConnectionFlowControl connectionFlowControl(long ourMaxData) {
        return new ConnectionFlowControl(0, ourMaxData);
    }

    static StreamLimits streamLimits(boolean isClient, long ourMaxBidi, long ourMaxUni) {
        return new StreamLimits(isClient, ourMaxBidi, ourMaxUni, 0, 0);
    }

    static SendStream sendStream(long id, long peerLimit, int buffer) {
        return new SendStream(id, peerLimit, buffer);
    }

    static ReceiveStream receiveStream(long id, long window) {
        return new ReceiveStream(id, window);
    }
}
