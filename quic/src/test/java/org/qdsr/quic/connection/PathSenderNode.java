package org.qdsr.quic.connection;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.path.PathSender;
import org.qdsr.quic.recovery.CongestionAlgorithm;

/**
 * A send-only simulated node running path senders, what a real server does in isolated mode:
 * each {@link #start}ed sender writes one response body as its stream allows, and the node never
 * accepts a client packet. {@link #afterActivity} runs before every drain (pumps, event polls).
 */
final class PathSenderNode implements DatagramEndpoint {
    final List<PathSender> senders = new ArrayList<>();
    final List<Runnable> afterActivity = new ArrayList<>();
    private final byte[] buf = new byte[2048];

    /** A CUBIC sender imported from {@code snapshot} that writes {@code body} on {@code streamId}, then FIN. */
    PathSender start(ConnectionSnapshot snapshot, long streamId, byte[] body, long now) {
        PathSender sender = PathSender.fromSnapshot(snapshot, CongestionAlgorithm.CUBIC);
        senders.add(sender);
        int[] written = {0};
        Runnable pump = () -> {
            while (written[0] < body.length) {
                int n = sender.write(streamId, body, written[0], body.length - written[0]);
                if (n == 0) {
                    return;
                }
                written[0] += n;
            }
            if (written[0] == body.length) {
                sender.finish(streamId);
                written[0]++;
            }
        };
        pump.run();
        afterActivity.add(pump);
        return sender;
    }

    @Override
    public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        throw new AssertionError("a real server never receives client packets");
    }

    @Override
    public void drainTransmit(long now, DatagramSink sink) {
        afterActivity.forEach(Runnable::run);
        for (PathSender s : senders) {
            int n;
            while ((n = s.poll(buf, now)) > 0) {
                sink.send(buf, 0, n, s.destination());
            }
        }
    }

    @Override
    public long nextDeadline() {
        long t = Long.MAX_VALUE;
        for (PathSender s : senders) {
            t = Math.min(t, s.nextTimeout());
        }
        return t;
    }

    @Override
    public void onDeadline(long now) {
        for (PathSender s : senders) {
            if (s.nextTimeout() <= now) {
                s.onTimeout(now);
            }
        }
    }
}
