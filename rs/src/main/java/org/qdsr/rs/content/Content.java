package org.qdsr.rs.content;

import java.io.IOException;

/**
 * One response being produced by a {@link ContentSource}. Every method is called on the core's
 * thread and must not block. A content that is not ready (head or body bytes still to come)
 * either calls the wake-up given to {@link ContentSource#open} once it has progress (on the
 * core's thread), or names a time via {@link #notBefore()}.
 */
public interface Content extends AutoCloseable {
    /** The head once known, else null. A source that failed before its head throws. */
    ResponseHead head(long now) throws IOException;

    /**
     * Copies up to {@code len} body bytes; returns the count, 0 when none are ready yet, -1 at
     * the end. Only called after {@link #head} returned non-null. A failure mid-body throws.
     */
    int read(byte[] buf, int off, int len, long now) throws IOException;

    /** The earliest time this content may progress without a wake-up, or {@link Long#MAX_VALUE}. */
    default long notBefore() {
        return Long.MAX_VALUE;
    }

    /** Releases what the content holds (files, origin exchanges); idempotent. */
    @Override
    void close();
}
