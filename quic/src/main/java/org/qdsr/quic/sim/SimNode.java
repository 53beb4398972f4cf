package org.qdsr.quic.sim;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;

/**
 * An endpoint attached to a {@link SimNetwork}: the addresses it receives on and the source
 * address stamped on everything it sends. The two are independent so that a Direct Server Return
 * real server can receive on its own address and send from the load balancer's virtual IP. A node
 * with no receive address only sends; a node with no send-from address is never drained.
 */
public final class SimNode {
    private final String name;
    private final DatagramEndpoint endpoint;
    private final List<InetSocketAddress> receiveAddresses = new ArrayList<>();
    private InetSocketAddress sendFrom;
    private final DatagramSink sink;
    long sentDatagrams;
    long sentBytes;
    long receivedDatagrams;
    long receivedBytes;

    SimNode(String name, DatagramEndpoint endpoint, InetSocketAddress sendFrom, SimNetwork network) {
        this.name = name;
        this.endpoint = endpoint;
        this.sendFrom = sendFrom;
        this.sink = (data, off, len, to) -> network.transmit(this, data, off, len, to);
    }

    public String name() {
        return name;
    }

    public DatagramEndpoint endpoint() {
        return endpoint;
    }

    /** The addresses datagrams are delivered from to this node (a copy). */
    public List<InetSocketAddress> receiveAddresses() {
        return List.copyOf(receiveAddresses);
    }

    /** The source address stamped on this node's datagrams, or null for a receive-only node. */
    public InetSocketAddress sendFrom() {
        return sendFrom;
    }

    public long sentDatagrams() {
        return sentDatagrams;
    }

    public long sentBytes() {
        return sentBytes;
    }

    public long receivedDatagrams() {
        return receivedDatagrams;
    }

    public long receivedBytes() {
        return receivedBytes;
    }

    List<InetSocketAddress> mutableReceiveAddresses() {
        return receiveAddresses;
    }

    void sendFrom(InetSocketAddress address) {
        this.sendFrom = address;
    }

    DatagramSink sink() {
        return sink;
    }

    @Override
    public String toString() {
        return "SimNode[" + name + " rx=" + receiveAddresses + " tx=" + sendFrom + "]";
    }
}
