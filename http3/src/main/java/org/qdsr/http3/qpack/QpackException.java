package org.qdsr.http3.qpack;

import org.qdsr.http3.Http3Error;
import org.qdsr.http3.Http3Exception;

/**
 * A QPACK failure (RFC 9204 §6): usually QPACK_DECOMPRESSION_FAILED, QPACK_ENCODER_STREAM_ERROR or
 * QPACK_DECODER_STREAM_ERROR (connection errors); an oversized field section is reported as a
 * stream-level H3_EXCESSIVE_LOAD.
 */
public final class QpackException extends Http3Exception {
    public QpackException(Http3Error error, String message) {
        super(error, message);
    }

    QpackException(Http3Error error, String message, boolean streamError) {
        super(error, message, streamError);
    }

    static QpackException decompression(String message) {
        return new QpackException(Http3Error.QPACK_DECOMPRESSION_FAILED, message);
    }
}
