package org.qdsr.rs.content;

import java.util.List;
import java.util.SplittableRandom;
import org.qdsr.http3.Request;
import org.qdsr.http3.qpack.Field;

/**
 * Deterministic bytes for benchmarks and tests: {@code /bytes/N} answers N bytes of
 * {@link #patternAt}, {@code /delay/MS/bytes/N} the same after MS milliseconds (the core is
 * asked to wake up then; no thread sleeps). Anything else is 404; methods other than GET and
 * HEAD are 405. Query strings are ignored.
 */
public final class SyntheticSource implements ContentSource {
    /** Largest N served (1 TiB). */
    public static final long MAX_BYTES = 1L << 40;
    /** Largest delay served (one minute). */
    public static final long MAX_DELAY_MILLIS = 60_000;
    /** The pattern repeats every PERIOD bytes (a prime, so block shifts rarely line up). */
    static final int PERIOD = 65_521;
    private static final byte[] PATTERN = pattern();
    /** The 404 body: what this source serves, with the limits (a too large N is not found either). */
    static final String NOT_FOUND = "not found: use /bytes/N (N <= " + MAX_BYTES + ") or /delay/MS/bytes/N (MS <= "
            + MAX_DELAY_MILLIS + ")\n";
    private static final List<Field> HEADERS = List.of(new Field("content-type", "application/octet-stream"));

    private static byte[] pattern() {
        byte[] p = new byte[PERIOD * 2];
        SplittableRandom r = new SplittableRandom(0x5144_5352L); // "QDSR"
        for (int i = 0; i < PERIOD; i++) {
            p[i] = (byte) r.nextInt(256);
        }
        System.arraycopy(p, 0, p, PERIOD, PERIOD);
        return p;
    }

    /** The byte at {@code offset} of every synthetic body (clients verify against this). */
    public static byte patternAt(long offset) {
        return PATTERN[(int) (offset % PERIOD)];
    }

    /** Fills {@code len} bytes at {@code off} with the pattern from body offset {@code offset}. */
    public static void fill(long offset, byte[] buf, int off, int len) {
        while (len > 0) {
            int start = (int) (offset % PERIOD);
            int n = Math.min(len, PERIOD);
            System.arraycopy(PATTERN, start, buf, off, n);
            off += n;
            len -= n;
            offset += n;
        }
    }

    @Override
    public Content open(Request request, long now, Runnable wakeup) {
        if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
            return FixedContent.text(405, "method not allowed\n", List.of(new Field("allow", "GET, HEAD")));
        }
        long[] parsed = parse(request.path());
        if (parsed == null) {
            return FixedContent.text(404, NOT_FOUND, List.of());
        }
        return new Body(parsed[1], now + parsed[0] * 1_000_000L);
    }

    /** {delayMillis, bytes} for a valid path, else null. */
    static long[] parse(String path) {
        if (path == null) {
            return null;
        }
        int q = path.indexOf('?');
        String[] s = (q < 0 ? path : path.substring(0, q)).split("/", -1);
        if (s.length == 3 && s[0].isEmpty() && s[1].equals("bytes")) {
            long n = number(s[2], MAX_BYTES);
            return n < 0 ? null : new long[] {0, n};
        }
        if (s.length == 5 && s[0].isEmpty() && s[1].equals("delay") && s[3].equals("bytes")) {
            long d = number(s[2], MAX_DELAY_MILLIS);
            long n = number(s[4], MAX_BYTES);
            return d < 0 || n < 0 ? null : new long[] {d, n};
        }
        return null;
    }

    private static long number(String s, long max) {
        if (s.isEmpty() || s.length() > 13) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= max ? v : -1;
    }

    /** N pattern bytes, available from {@code readyAt}. */
    private static final class Body implements Content {
        private final long length;
        private final long readyAt;
        private final ResponseHead head;
        private long position;

        Body(long length, long readyAt) {
            this.length = length;
            this.readyAt = readyAt;
            this.head = new ResponseHead(200, HEADERS, length);
        }

        private boolean started;

        @Override
        public ResponseHead head(long now) {
            started |= now - readyAt >= 0;
            return started ? head : null;
        }

        @Override
        public int read(byte[] buf, int off, int len, long now) {
            if (position == length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            fill(position, buf, off, n);
            position += n;
            return n;
        }

        /** Only the delay needs a timer; afterwards bytes are always ready and output events drive the stream. */
        @Override
        public long notBefore() {
            return started ? Long.MAX_VALUE : readyAt;
        }

        @Override
        public void close() {
        }
    }
}
