package org.qdsr.quic;

import java.net.InetSocketAddress;

/** Receives datagrams an endpoint wants sent. */
@FunctionalInterface
public interface DatagramSink {
    /**
     * Sends (or copies) {@code len} bytes at {@code off} to {@code to}; the caller may reuse the
     * array afterwards. Returns false when the sink cannot take more now (the datagram is dropped,
     * and loss recovery treats it like any lost packet).
     */
    boolean send(byte[] data, int off, int len, InetSocketAddress to);
}
