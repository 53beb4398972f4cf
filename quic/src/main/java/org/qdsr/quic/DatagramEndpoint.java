package org.qdsr.quic;

import java.net.InetSocketAddress;

/**
 * The seam between the sans-I/O protocol core and whatever moves datagrams: a real UDP event
 * loop ({@code io} module) or the in-memory network on a virtual clock used by tests. Time is
 * nanoseconds on a monotonic clock whose origin the caller chooses; the core never reads a clock.
 * All methods are called from one thread.
 */
public interface DatagramEndpoint {
    /** A datagram arrived. The endpoint must not keep a reference to {@code data} after returning. */
    void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now);

    /** Hands every datagram that is ready now to {@code sink}, until there are none or the sink refuses one. */
    void drainTransmit(long now, DatagramSink sink);

    /** The earliest time at which {@link #onDeadline} must be called, or {@link Long#MAX_VALUE}. */
    long nextDeadline();

    /** Timers up to {@code now} fire: loss detection, PTO, ACK delay, idle timeout, pacing. */
    void onDeadline(long now);
}
