package org.qdsr.io;

/**
 * Interrupt moderation for a busy {@link UdpEventLoop}, the software form of a NIC's receive
 * coalescing ({@code ethtool -C rx-usecs}): while wake-ups come less than a <em>window</em> apart,
 * the loop does not wake for each datagram. It pauses until one window after its last wake-up and
 * then polls its sockets once, so one turn (one wake-up, one control-channel write per real
 * server, one empty read) serves every datagram that arrived meanwhile. A loop woken less often
 * than once per window blocks as usual, so a lone datagram is handled at once: the pause only
 * starts once load is there, and only adds at most one window to a datagram's wait. A due
 * deadline or a queued task ends a pause early (the loop decides that; this class only keeps
 * time). A turn that read {@link #HEAVY_TURN} datagrams or more is not followed by a pause, nor
 * does a loop pause while it sends {@link #SENDING} datagrams or more per window (a proxy on the
 * data path, which needs the peer's ACKs at once) or for a window after {@link #onDataPath()}
 * (a load balancer that instructs a real server's sending).
 *
 * <p>Loop thread only, except {@link #window(long)}, which any thread may call (it takes effect
 * at the next wake-up). Times are {@link System#nanoTime()} values passed in.
 */
final class TurnCoalescing {
    /** No pause: wait for events as usual. */
    static final long NO_PAUSE = Long.MIN_VALUE;
    /**
     * A turn that read this many datagrams is not followed by a pause: the datagrams already come
     * in batches, and pausing again could overflow the socket's receive buffer at such rates.
     */
    static final int HEAVY_TURN = 16;
    /**
     * A loop that sent this many datagrams within its last window does not pause: it is on a data
     * path (a proxy relaying a response), where every later look at the peer's ACKs holds back
     * its congestion window. A DSR load balancer sends a datagram for a few turns in ten.
     */
    static final int SENDING = 16;

    private volatile long window;
    private long lastWake;
    private boolean woken;
    private boolean busy;
    private long datagramsIn;
    private boolean heavy;
    private long periodStart;
    private long periodOut;
    private boolean sending;
    private boolean dataPath;

    /** Sets the window in nanoseconds; 0 turns coalescing off. */
    void window(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("coalescing window must be >= 0: " + nanos);
        }
        window = nanos;
    }

    long window() {
        return window;
    }

    /**
     * When the loop should poll its sockets next if it pauses now, no later than {@code deadline}
     * (the earliest timer); {@link #NO_PAUSE} when the loop is not busy and should block instead.
     * A result at or before {@code now} means: poll at once.
     */
    long pollAt(long now, long deadline) {
        long w = window;
        if (w == 0 || !busy || heavy || sending) {
            return NO_PAUSE;
        }
        return Math.min(lastWake + w, deadline);
    }

    /**
     * Before each wait, at {@code now}: the datagrams the loop read and sent so far. The last
     * turn's reads are the difference to the previous call; sends are judged per window.
     */
    void served(long inTotal, long outTotal, long now) {
        heavy = inTotal - datagramsIn >= HEAVY_TURN;
        datagramsIn = inTotal;
        if (outTotal - periodOut >= SENDING || dataPath) {
            dataPath = false;
            sending = true; // at once: the first window of a response is not paused either
            periodStart = now;
            periodOut = outTotal;
        } else if (now - periodStart >= window) {
            sending = false; // a whole window with fewer sends
            periodStart = now;
            periodOut = outTotal;
        }
    }

    /** The endpoint did data-path work of another kind: counts as a burst of sends ({@link #SENDING}). */
    void onDataPath() {
        dataPath = true;
    }

    /** The loop polled after a pause at {@code now}; {@code found}: something was ready. */
    void polled(long now, boolean found) {
        busy = found;
        if (found) {
            lastWake = now;
        }
    }

    /**
     * The loop woke from a blocking wait at {@code now}; {@code found}: for a ready socket or a
     * task (not only a timer). Busy if the previous such wake-up was less than a window ago; a
     * timer's wake-up says nothing about how often datagrams come and changes nothing.
     */
    void woke(long now, boolean found) {
        if (!found) {
            return;
        }
        long w = window;
        busy = woken && w > 0 && now - lastWake < w;
        woken = true;
        lastWake = now;
    }
}
