package org.qdsr.app.robust;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;

/** Wraps an endpoint and keeps a copy of every datagram it sends (the "recording DatagramSink"). */
final class RecordingEndpoint implements DatagramEndpoint {
    private final DatagramEndpoint inner;
    final List<byte[]> sent = new CopyOnWriteArrayList<>();

    RecordingEndpoint(DatagramEndpoint inner) {
        this.inner = inner;
    }

    @Override
    public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        inner.onDatagram(data, off, len, from, now);
    }

    @Override
    public void drainTransmit(long now, DatagramSink sink) {
        inner.drainTransmit(now, (data, off, len, to) -> {
            boolean ok = sink.send(data, off, len, to);
            if (ok) {
                sent.add(Arrays.copyOfRange(data, off, off + len));
            }
            return ok;
        });
    }

    @Override
    public long nextDeadline() {
        return inner.nextDeadline();
    }

    @Override
    public void onDeadline(long now) {
        inner.onDeadline(now);
    }
}
