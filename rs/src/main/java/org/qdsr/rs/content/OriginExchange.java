package org.qdsr.rs.content;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import org.qdsr.http3.qpack.Field;

/**
 * One request to the origin. HttpClient callbacks (any thread) only post to the core executor;
 * every field below is read and written on the core's thread. An origin that fails before its
 * head (refused, reset, not HTTP, no head within the timeout) becomes a 502 or 504 response, as a
 * reverse proxy answers (RFC 9110 §15.6.3, §15.6.5), and one log line, except that an origin
 * never connected to fails the head when the LB may retry elsewhere ({@code mayRefuse}); a
 * failure mid-body still throws (the stream is reset: its head and part of its body are already out).
 */
final class OriginExchange implements Content {
    private final Executor core;
    private final Runnable wakeup;
    private final boolean headRequest;
    private final OriginFailureLog failureLog;
    /** An unreachable origin fails the head (the LB retries elsewhere) instead of becoming a 502. */
    private final boolean mayRefuse;
    private final ArrayDeque<ByteBuffer> buffered = new ArrayDeque<>();
    private CompletableFuture<?> future;
    private Flow.Subscription subscription;
    private ResponseHead head;
    private IOException failure;
    /** The 502/504 answer that replaced an origin that failed before its head. */
    private FixedContent gatewayError;
    private long bufferedBytes;
    /** Body bytes the HttpClient delivered so far. */
    private long receivedBytes;
    private boolean demandOutstanding;
    private boolean complete;
    private boolean closed;

    OriginExchange(Executor core, Runnable wakeup, boolean headRequest, OriginFailureLog failureLog,
                   boolean mayRefuse) {
        this.core = core;
        this.wakeup = wakeup;
        this.headRequest = headRequest;
        this.failureLog = failureLog;
        this.mayRefuse = mayRefuse;
    }

    void start(HttpClient client, HttpRequest request) {
        future = client.sendAsync(request, this::onResponse).whenComplete((r, t) -> {
            if (t != null) {
                post(() -> fail(t));
            }
        });
    }

    private HttpResponse.BodySubscriber<Void> onResponse(HttpResponse.ResponseInfo info) {
        ResponseHead h = toHead(info);
        post(() -> {
            if (head == null) {
                head = h;
                wakeup.run();
            }
        });
        return new Subscriber();
    }

    private ResponseHead toHead(HttpResponse.ResponseInfo info) {
        List<Field> fields = new ArrayList<>();
        long length = -1;
        for (Map.Entry<String, List<String>> e : info.headers().map().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-length")) {
                length = parseLength(e.getValue());
            } else if (!name.startsWith(":") && !OriginSource.NOT_FORWARDED.contains(name)) {
                for (String v : e.getValue()) {
                    fields.add(new Field(name, v));
                }
            }
        }
        int status = info.statusCode() < 200 || info.statusCode() > 599 ? 502 : info.statusCode();
        return new ResponseHead(status, fields, headRequest || status == 204 || status == 304 ? -1 : length);
    }

    private static long parseLength(List<String> values) {
        try {
            long v = values.size() == 1 ? Long.parseLong(values.get(0).trim()) : -1;
            return v >= 0 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void post(Runnable r) {
        try {
            core.execute(r);
        } catch (RejectedExecutionException e) {
            cancelUpstream(); // the core is shutting down
        }
    }

    private void fail(Throwable t) {
        if (failure == null && !complete) {
            failure = t instanceof IOException io ? io : new IOException("origin: " + t, t);
            wakeup.run();
        }
    }

    @Override
    public ResponseHead head(long now) throws IOException {
        if (gatewayError == null && head == null && failure != null) {
            if (mayRefuse && OriginFailureLog.notConnected(failure)) {
                failureLog.refused(failure, now);
                throw failure;
            }
            gatewayError = failureLog.gatewayError(failure, now);
        }
        return gatewayError != null ? gatewayError.head(now) : head;
    }

    @Override
    public int read(byte[] buf, int off, int len, long now) throws IOException {
        if (gatewayError != null) {
            return gatewayError.read(buf, off, len, now);
        }
        int total = 0;
        while (total < len && !buffered.isEmpty()) {
            ByteBuffer b = buffered.peek();
            int n = Math.min(len - total, b.remaining());
            b.get(buf, off + total, n);
            total += n;
            if (!b.hasRemaining()) {
                buffered.poll();
            }
        }
        bufferedBytes -= total;
        requestMore();
        if (total > 0) {
            return total;
        }
        if (failure != null) {
            throw failure;
        }
        return complete ? -1 : 0;
    }

    private void requestMore() {
        if (subscription != null && !demandOutstanding && !complete && !closed && bufferedBytes < OriginSource.MAX_BUFFERED) {
            demandOutstanding = true;
            subscription.request(1);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            buffered.clear();
            if (gatewayError != null) {
                gatewayError.close();
            }
            if (!exchangeDone()) {
                cancelUpstream();
            }
        }
    }

    /**
     * The origin sent the whole response: its completion may still be on its way to this thread,
     * and the HttpClient may already have put the connection back in its pool and given it to
     * another request. Cancelling now would close that connection under the other request (it
     * failed mid-body, or the client sent it again: the origin saw it twice), so only an exchange
     * still receiving is cancelled.
     */
    private boolean exchangeDone() {
        return complete || failure != null || head != null
                && (headRequest || head.contentLength() >= 0 && receivedBytes >= head.contentLength());
    }

    private void cancelUpstream() {
        if (subscription != null) {
            subscription.cancel();
        }
        if (future != null) {
            future.cancel(true);
        }
    }

    /** Body events, posted to the core's thread. */
    private final class Subscriber implements HttpResponse.BodySubscriber<Void> {
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public java.util.concurrent.CompletionStage<Void> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            post(() -> {
                subscription = s;
                if (closed) {
                    s.cancel();
                } else {
                    requestMore();
                }
            });
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            post(() -> {
                demandOutstanding = false;
                for (ByteBuffer b : item) {
                    if (b.hasRemaining() && !closed) {
                        buffered.add(b);
                        bufferedBytes += b.remaining();
                        receivedBytes += b.remaining();
                    }
                }
                wakeup.run();
            });
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
            post(() -> fail(t));
        }

        @Override
        public void onComplete() {
            done.complete(null);
            post(() -> {
                complete = true;
                wakeup.run();
            });
        }
    }
}
