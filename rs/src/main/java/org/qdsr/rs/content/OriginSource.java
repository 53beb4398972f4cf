package org.qdsr.rs.content;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import org.qdsr.http3.Request;
import org.qdsr.http3.qpack.Field;

/**
 * Streams responses of an HTTP/1.1 origin ({@code --origin http://HOST:PORT}, or https with
 * the origin's certificate verified) through the JDK
 * {@link HttpClient}, asynchronously: the client's threads hand every event to {@code coreExecutor}
 * (the RS event loop), so {@link OriginExchange} state is only touched on the core's thread.
 * Buffering is bounded by {@link #MAX_BUFFERED} per exchange (demand is only signalled below it).
 * Every method but CONNECT is forwarded (405 for CONNECT), with the request's body (which the LB
 * took whole, up to its {@code max-request-body}) and its regular fields except
 * connection-specific and restricted ones. An origin that fails before answering gives 502
 * (504 when it did not answer within the timeout), see {@link OriginFailureLog}.
 */
public final class OriginSource implements ContentSource {
    /** Most body bytes buffered per exchange before demand stops. */
    public static final int MAX_BUFFERED = 256 * 1024;
    /** The {@code allow} field of a 405 (RFC 9110 §10.2.1): the usual methods; any but CONNECT goes. */
    static final String ALLOWED = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";
    static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "trailer", "host", "content-length", "expect", "http2-settings");

    private final URI origin;
    private final HttpClient client;
    private final Executor coreExecutor;
    private final Duration timeout;
    private final OriginFailureLog failureLog;

    /** How long an origin may take to send its response head (then 504). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** @param origin {@code http://HOST:PORT} or {@code https://HOST:PORT} (a path prefix is kept) */
    public OriginSource(URI origin, Executor coreExecutor) {
        this(origin, client(null), coreExecutor, DEFAULT_TIMEOUT);
    }

    public OriginSource(URI origin, HttpClient client, Executor coreExecutor, Duration timeout) {
        if (!isOriginUrl(origin)) {
            throw new IllegalArgumentException("origin must be http://HOST:PORT or https://HOST:PORT, got " + origin);
        }
        this.origin = origin;
        this.client = client;
        this.coreExecutor = coreExecutor;
        this.timeout = timeout;
        this.failureLog = new OriginFailureLog(origin);
    }

    /**
     * The HTTP/1.1 client toward origins: a 10 s connect timeout (then the request may go to another
     * real server, see {@link OriginFailureLog#notConnected}), and for https origins {@code tls}
     * (null: the JDK's default trust store; the origin's name is always verified).
     */
    public static HttpClient client(javax.net.ssl.SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            b.sslContext(tls);
        }
        return b.build();
    }

    /** An origin URL this source can proxy: http or https, with a host. */
    public static boolean isOriginUrl(URI uri) {
        return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    }

    public URI origin() {
        return origin;
    }

    @Override
    public Content open(Request request, long now, Runnable wakeup) {
        return open(Handed.of(request), now, wakeup);
    }

    /**
     * Any method but CONNECT, with the request's body. With {@code mayRefuse}, an origin that
     * cannot be connected to (refused, unreachable, connect timeout: the request never left)
     * fails the head instead of becoming a 502, so the LB tries another real server (safe for
     * every method); every other failure still becomes 502/504.
     */
    @Override
    public Content open(Handed handed, long now, Runnable wakeup) {
        Request request = handed.request();
        String method = request.method();
        boolean head = "HEAD".equals(method);
        if ("CONNECT".equals(method)) {
            return FixedContent.text(405, "method not allowed\n", List.of(new Field("allow", ALLOWED)));
        }
        URI target;
        try {
            target = target(request.path());
        } catch (IllegalArgumentException e) {
            return FixedContent.text(400, "bad request path\n", List.of());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout);
        try {
            if ("GET".equals(method) && handed.body().length == 0) {
                b.GET(); // no "Content-Length: 0" on a GET (RFC 9110 §8.6)
            } else {
                b.method(method, handed.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(handed.body()));
            }
        } catch (IllegalArgumentException e) { // a method token the JDK client refuses
            return FixedContent.text(405, "method not allowed\n", List.of(new Field("allow", ALLOWED)));
        }
        for (Field f : request.headers()) {
            if (!NOT_FORWARDED.contains(f.name().toLowerCase(Locale.ROOT))) {
                try {
                    b.header(f.name(), f.value());
                } catch (IllegalArgumentException restricted) {
                    // a field the JDK client manages itself: leave it out
                }
            }
        }
        OriginExchange exchange = new OriginExchange(coreExecutor, wakeup, head, failureLog, handed.mayRefuse());
        exchange.start(client, b.build());
        return exchange;
    }

    private URI target(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path " + path);
        }
        String base = origin.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }
}
