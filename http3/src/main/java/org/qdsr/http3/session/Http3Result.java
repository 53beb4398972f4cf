package org.qdsr.http3.session;

import org.qdsr.http3.Response;

/**
 * The outcome of one client request: the final response head, how many body bytes arrived, and
 * timings in nanoseconds from the request being issued (time to first byte = first response
 * HEADERS; total = end of stream).
 */
public record Http3Result(Response response, long bodyBytes, long ttfbNanos, long totalNanos) {
}
