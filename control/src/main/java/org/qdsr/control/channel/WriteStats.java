package org.qdsr.control.channel;

/**
 * What one control connection's sending side did since it opened (for benchmarks and tests):
 * caller messages appended, flushes that had bytes to seal, TLS records sealed (0 without TLS)
 * and socket write calls.
 */
public record WriteStats(long messages, long flushes, long records, long socketWrites) {
    /** No connection (yet). */
    public static final WriteStats NONE = new WriteStats(0, 0, 0, 0);

    /** The difference {@code this - earlier}, for a measured interval. */
    public WriteStats minus(WriteStats earlier) {
        return new WriteStats(messages - earlier.messages, flushes - earlier.flushes, records - earlier.records,
                socketWrites - earlier.socketWrites);
    }
}
