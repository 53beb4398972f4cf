package org.qdsr.quic.tls;

import java.util.Arrays;

import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

/**
 * In-order CRYPTO stream bytes of one encryption level, cut into whole TLS handshake messages
 * (1-byte type, 3-byte length, body; RFC 8446 §4). Holds at most {@code limit} bytes of
 * incomplete messages (RFC 9000 §7.5: CRYPTO_BUFFER_EXCEEDED beyond that).
 */
final class CryptoMessageBuffer {
    static final int HEADER_LENGTH = 4;

    private final int limit;
    private byte[] data = new byte[0];
    private int length;

    CryptoMessageBuffer(int limit) {
        this.limit = limit;
    }

    void append(byte[] src, int off, int len) throws QuicException {
        if (len > limit - length) {
            throw exceeded();
        }
        if (length + len > data.length) {
            data = Arrays.copyOf(data, Math.min(limit, Math.max(2 * data.length, length + len)));
        }
        System.arraycopy(src, off, data, length, len);
        length += len;
    }

    /** Removes and returns the next whole message (header included), or null if incomplete. */
    byte[] nextMessage() throws QuicException {
        if (length < HEADER_LENGTH) {
            return null;
        }
        int bodyLength = ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
        int total = HEADER_LENGTH + bodyLength;
        if (total > limit) {
            throw exceeded();
        }
        if (length < total) {
            return null;
        }
        byte[] message = Arrays.copyOf(data, total);
        System.arraycopy(data, total, data, 0, length - total);
        length -= total;
        return message;
    }

    int buffered() {
        return length;
    }

    private QuicException exceeded() {
        return new QuicException(TransportError.CRYPTO_BUFFER_EXCEEDED,
                "more than " + limit + " bytes of incomplete handshake data");
    }
}
