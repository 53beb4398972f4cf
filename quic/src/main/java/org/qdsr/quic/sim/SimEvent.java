package org.qdsr.quic.sim;

import java.net.InetSocketAddress;
import java.util.HexFormat;

/**
 * One thing that happened to one datagram in a {@link SimNetwork}, as seen by a
 * {@link DatagramTap}. {@code data} is the network's own copy; taps may keep it but must not
 * modify it.
 *
 * @param kind what happened
 * @param time virtual time in nanoseconds
 * @param from source address stamped by the sending node (possibly not its own: DSR)
 * @param to destination address
 * @param data the datagram bytes (for {@link Kind#DELIVERED}: as delivered, possibly corrupted)
 */
public record SimEvent(Kind kind, long time, InetSocketAddress from, InetSocketAddress to, byte[] data) {

    /** The fate of a datagram. */
    public enum Kind {
        /** Handed to the network by a node's sink. */
        SENT,
        /** Handed to the receiving endpoint's {@code onDatagram}. */
        DELIVERED,
        /** Dropped by the link's random loss. */
        LOST,
        /** Dropped because the link's queue was full (tail drop). */
        QUEUE_DROPPED,
        /** Arrived at an address to which no node is attached. */
        UNDELIVERABLE
    }

    /** A stable one-line rendering, handy for comparing whole traces. */
    @Override
    public String toString() {
        return kind + " t=" + time + " " + from + "->" + to + " " + HexFormat.of().formatHex(data);
    }
}
