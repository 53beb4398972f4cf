package org.qdsr.rs.content;

import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.List;

/**
 * Turns an origin failure before the response head into the answer a reverse proxy gives, 502 Bad
 * Gateway or, when the origin did not answer in time, 504 Gateway Timeout (RFC 9110 §15.6.3,
 * §15.6.5), and logs it: the first failure at once, then at most one line per
 * {@link #QUIET_NANOS} with the number of failures in between (an origin that is down fails
 * every request). Used on the core's thread only.
 */
final class OriginFailureLog {
    private static final System.Logger LOG = System.getLogger(OriginSource.class.getName());
    static final long QUIET_NANOS = 10_000_000_000L;
    private final URI origin;
    private boolean logged;
    private long lastLogged;
    private long suppressed;

    OriginFailureLog(URI origin) {
        this.origin = origin;
    }

    /** The response that replaces the origin's; logs the failure (rate-limited by {@code now}). */
    FixedContent gatewayError(Throwable failure, long now) {
        boolean timeout = causedByTimeout(failure);
        log(failure, now);
        return timeout
                ? FixedContent.text(504, "gateway timeout: the origin did not answer in time\n", List.of())
                : FixedContent.text(502, "bad gateway: the origin could not be reached or did not answer in HTTP/1.1\n",
                        List.of());
    }

    /** Logs (rate-limited) a failure the RS answers by refusing the stream, for the LB to retry elsewhere. */
    void refused(Throwable failure, long now) {
        log(failure, now, "; refused for another real server");
    }

    private void log(Throwable failure, long now) {
        log(failure, now, "");
    }

    private void log(Throwable failure, long now, String answer) {
        if (logged && now - lastLogged < QUIET_NANOS) {
            suppressed++;
            return;
        }
        String more = suppressed == 0 ? "" : " (" + suppressed + " more failed since the last report)";
        LOG.log(System.Logger.Level.WARNING, "rs: origin " + origin + " failed before answering: "
                + describe(failure) + answer + more);
        logged = true;
        lastLogged = now;
        suppressed = 0;
    }

    /**
     * True if the request never reached the origin: the connection was refused or could not be
     * made in time ({@link java.net.ConnectException}, {@link java.net.http.HttpConnectTimeoutException}),
     * so it is safe to send it elsewhere whatever its method.
     */
    static boolean notConnected(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException || c instanceof java.net.http.HttpConnectTimeoutException
                    || c instanceof java.net.NoRouteToHostException || c instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    static boolean causedByTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's class and message, e.g. {@code ConnectException: Connection refused}. */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
