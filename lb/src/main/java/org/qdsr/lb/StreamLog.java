package org.qdsr.lb;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.qdsr.control.message.StreamReport;
import org.qdsr.http3.Request;

/**
 * The access log of one client connection ({@link LbAccessLog}): what {@link LbConnection} knows
 * of each request stream from its dispatch to its end, one line written per stream. {@link #OFF}
 * (no log configured) ignores every call. Loop thread only; never throws into the caller.
 */
final class StreamLog {
    /** Longest reason written for a refused stream (its text may quote the client's fields). */
    static final int MAX_REASON = 200;
    /** Tracks nothing. */
    static final StreamLog OFF = new StreamLog(null, -1);

    private final AccessBook book;
    private final long key;
    private final Map<Long, AccessBook.Pending> open;
    /** Why the connection ended, for the lines of streams it cut (see {@link #closing}). */
    private String closeReason = "-";

    StreamLog(AccessBook book, long key) {
        this.book = book;
        this.key = key;
        this.open = book == null ? Map.of() : new HashMap<>();
    }

    /** The stream's pending line, now out of the open ones; null if none (or no log). */
    private AccessBook.Pending take(long streamId) {
        return book == null ? null : open.remove(streamId);
    }

    /** The stream's pending line, still open; null if none (or no log). */
    private AccessBook.Pending peek(long streamId) {
        return book == null ? null : open.get(streamId);
    }

    /** A complete request was dispatched: its line is written when it ends. */
    void request(long streamId, Request r, InetSocketAddress client, long now) {
        if (book != null) {
            open.put(streamId, new AccessBook.Pending(key, streamId, client, r.method(), r.authority(), r.path(), now));
        }
    }

    /**
     * The HTTP/3 layer refused a request stream before it was dispatched (malformed, after
     * GOAWAY, cancelled by the client, a body over the limit: 413): a line with no method or
     * path, the status if it answered, the error and why.
     */
    void refused(long streamId, InetSocketAddress client, int status, long errorCode, String why, long now) {
        if (book == null) {
            return;
        }
        AccessBook.Pending p = new AccessBook.Pending(key, streamId, client, "-", "-", "-", now);
        org.qdsr.http3.Http3Error e = org.qdsr.http3.Http3Error.fromCode(errorCode);
        String text = status > 0 ? String.valueOf(why)
                : (e == null ? "0x" + Long.toHexString(errorCode) : e.name()) + (why == null ? "" : ": " + why);
        p.reason = text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
        p.status = status;
        book.write(p, "refused", now);
    }

    /** The LB answered the request itself ({@code reason}: why). */
    void answered(long streamId, int status, String reason, long bodyBytes, long now) {
        AccessBook.Pending p = take(streamId);
        if (p != null) {
            p.status = status;
            p.reason = reason;
            p.bytes = bodyBytes;
            book.write(p, "answered", now);
        }
    }

    /** The request went to {@code b} in {@code mode} (again after a retry). */
    void handedOff(long streamId, String mode, Backend b) {
        AccessBook.Pending p = peek(streamId);
        if (p != null) {
            p.mode = mode;
            p.backend = b;
        }
    }

    /** Proxy mode: the backend's response head is relayed with {@code body}. */
    void proxyHead(long streamId, int status, ProxyBody body) {
        AccessBook.Pending p = peek(streamId);
        if (p != null) {
            p.status = status;
            p.body = body;
        }
    }

    /**
     * Proxy mode: the stream ended ({@code finished}: acknowledged, {@code reset}, {@code failed});
     * bytes are the body bytes relayed, the duration runs to the last one when it went.
     */
    void proxyEnded(long streamId, String outcome, long now) {
        AccessBook.Pending p = take(streamId);
        if (p != null) {
            endProxy(p, outcome, now);
        }
    }

    private void endProxy(AccessBook.Pending p, String outcome, long now) {
        long end = now;
        if (p.body != null) {
            p.bytes = p.body.forwarded();
            if (p.body.endedAt() != ProxyBody.NOT_ENDED) {
                end = p.body.endedAt();
            }
        }
        book.write(p, outcome, end);
    }

    /** Proxy mode: the backend failed; {@code answered503}: the LB answered 503 in its place. */
    void proxyFailed(long streamId, boolean answered503, long bodyBytes, String reason, long now) {
        AccessBook.Pending p = take(streamId);
        if (p != null) {
            p.reason = reason;
            if (answered503) {
                p.status = 503;
                p.bytes = bodyBytes;
                book.write(p, "failed", now);
            } else {
                endProxy(p, "failed", now);
            }
        }
    }

    /** Instructed mode: {@code from}, the stream's backend, named the response's status. */
    void instructedStatus(long streamId, Backend from, int status) {
        AccessBook.Pending p = peek(streamId);
        if (p != null && p.backend == from && status > 0) {
            p.status = status;
        }
    }

    /** Instructed mode: the client acknowledged the whole response (its size: what the backend announced). */
    void acknowledged(long streamId, InstructedDelivery delivery, long now) {
        AccessBook.Pending p = take(streamId);
        if (p != null) {
            p.bytes = delivery.finalSize(streamId);
            book.write(p, "finished", now);
        }
    }

    /**
     * A backend's report on a handed-off stream. Proxy streams end with the client's ACK or in
     * {@link #proxyFailed}; an instructed FINISHED is not final (the client's ACK is), nor is a
     * rejection the LB retries elsewhere ({@code retried}).
     */
    void report(Backend from, StreamReport r, boolean retried, long now) {
        AccessBook.Pending p = peek(r.streamId());
        if (p == null || p.backend != from || !p.handedOff() || retried
                || p.mode.equals("instructed") && r.outcome() == StreamReport.Outcome.FINISHED) {
            return;
        }
        open.remove(r.streamId());
        apply(p, r);
        String outcome = switch (r.outcome()) {
            case FINISHED -> "finished";
            case RESET -> "reset";
            case FAILED, REJECTED -> "failed";
        };
        if (r.outcome() == StreamReport.Outcome.REJECTED) {
            p.reason = "rejected";
        }
        book.write(p, outcome, now);
    }

    static void apply(AccessBook.Pending p, StreamReport r) {
        if (r.status() > 0) {
            p.status = r.status();
        }
        p.bytes = Math.max(p.bytes, r.bytesSent());
    }

    /** The LB gave up on a stream itself ({@code failed}, with its reason). */
    void failed(long streamId, String reason, long now) {
        AccessBook.Pending p = take(streamId);
        if (p != null) {
            p.reason = reason;
            book.write(p, "failed", now);
        }
    }

    /** A backend's control channel went down: its streams on this connection end here. */
    void backendLost(Backend b, long now) {
        if (book == null || open.isEmpty()) {
            return;
        }
        List<AccessBook.Pending> lost = new ArrayList<>();
        open.values().removeIf(p -> p.backend == b && lost.add(p));
        for (AccessBook.Pending p : lost) {
            p.reason = "backend-lost";
            if (p.mode.equals("proxy") && p.body == null) {
                p.status = 503; // answered by the LB in the backend's place
            } else if (p.body != null) {
                p.bytes = p.body.forwarded();
            }
            book.write(p, "backend-lost", now);
        }
    }

    /** How the connection ends: the reason of the lines {@link #closed} writes or leaves waiting. */
    void closing(org.qdsr.quic.connection.CloseReason r) {
        if (book != null) {
            closeReason = switch (r.kind()) {
                case PEER_CLOSE -> "client-closed";
                case LOCAL_CLOSE -> "lb-closed";
                case IDLE_TIMEOUT -> "idle-timeout";
                default -> r.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            };
        }
    }

    /**
     * The connection closed: proxied streams end here ({@code sent} if their last byte went),
     * handed-off ones wait for their backend's report ({@link AccessBook#lateReport}).
     */
    void closed(long now) {
        if (book == null) {
            return;
        }
        for (AccessBook.Pending p : open.values()) {
            if (p.reason.equals("-")) {
                p.reason = closeReason;
            }
            if (p.handedOff()) {
                book.awaitReport(p, now);
            } else if (p.body != null && p.body.endedAt() != ProxyBody.NOT_ENDED) {
                endProxy(p, "sent", now);
            } else {
                endProxy(p, "closed", now);
            }
        }
        open.clear();
    }
}
