package org.qdsr.app.robust;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;

/** A hand-driven endpoint: sends what the test queues, records what it receives. */
final class RawEndpoint implements DatagramEndpoint {
    private record Out(byte[] data, InetSocketAddress to) {
    }

    private final ArrayDeque<Out> outgoing = new ArrayDeque<>();
    final List<byte[]> received = new ArrayList<>();

    void queue(byte[] datagram, InetSocketAddress to) {
        outgoing.add(new Out(datagram.clone(), to));
    }

    @Override
    public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        received.add(Arrays.copyOfRange(data, off, off + len));
    }

    @Override
    public void drainTransmit(long now, DatagramSink sink) {
        Out o;
        while ((o = outgoing.poll()) != null) {
            sink.send(o.data, 0, o.data.length, o.to);
        }
    }

    @Override
    public long nextDeadline() {
        return Long.MAX_VALUE;
    }

    @Override
    public void onDeadline(long now) {
    }
}
