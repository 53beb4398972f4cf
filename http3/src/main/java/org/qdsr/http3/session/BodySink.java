package org.qdsr.http3.session;

/** Receives a response body as it arrives, on the connection's thread. */
public interface BodySink {
    void onData(byte[] buf, int off, int len);

    /** Discards the body (counts only). */
    BodySink DISCARD = (buf, off, len) -> {
    };
}
