package org.qdsr.rs;

import org.qdsr.rs.content.ResponseHead;

/**
 * Where a {@link ResponseStream} puts its response: HTTP/3 frames into a path sender (isolated
 * mode, {@link PathOutput}) or head and body messages to the LB (proxy mode, {@link ProxyOutput}).
 */
interface StreamOutput {
    /** Writes the head; {@code noBody} for HEAD requests and empty bodies (content-length still sent if known). */
    void writeHead(ResponseHead head, boolean noBody);

    /** Body bytes {@link #writeBody} accepts now. */
    long bodyWritable();

    /** Writes {@code len <= bodyWritable()} body bytes. */
    void writeBody(byte[] b, int off, int len);

    /** The body is complete. */
    void finish();

    /** Abandons the response with an HTTP/3 error code. */
    void reset(long errorCode);

    /** Response bytes produced so far (stream bytes for isolated, body bytes for proxy). */
    long bytesWritten();
}
