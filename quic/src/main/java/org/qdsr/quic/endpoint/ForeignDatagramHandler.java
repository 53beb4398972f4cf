package org.qdsr.quic.endpoint;

import java.net.InetSocketAddress;

import org.qdsr.quic.wire.ConnectionIdGenerator;

/**
 * Takes datagrams for connections this endpoint does not hold but whose destination connection
 * ID names another server (QUIC-LB, see {@link ConnectionIdGenerator#serverId}): several load
 * balancers of one VIP behind ECMP pass such datagrams to the one that holds the connection.
 */
@FunctionalInterface
public interface ForeignDatagramHandler {
    /**
     * Called on the endpoint's thread with a datagram the endpoint would otherwise answer with a
     * stateless reset. Return true if it was taken (the endpoint then does nothing more with it),
     * false to let the endpoint go on as without a handler. The bytes are only valid during the
     * call: copy what is kept.
     */
    boolean forward(int serverId, byte[] data, int off, int len, InetSocketAddress from, long now);
}
