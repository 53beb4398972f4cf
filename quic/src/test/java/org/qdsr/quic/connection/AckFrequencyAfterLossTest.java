package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.path.PathEvent;
import org.qdsr.quic.path.PathSender;
import org.qdsr.quic.sim.LinkConditions;

/**
 * The ACK frequency a server asks for while another sender uses an exported path (QDSR isolated
 * mode) follows that sender's window down when losses shrink it (draft-ietf-quic-ack-frequency-14
 * §8.1), as it does for the server's own window: a transfer grows the window on a clean 20 Mbit/s
 * link with 50 ms RTT, then the link starts losing 2 % each way. Asking still for a third of the
 * window the sender had before the losses (what it once delivered) left the client acknowledging
 * mostly on its max_ack_delay timer, which slowed every exported sender by about a tenth at 1 %
 * loss (isolated vs proxy LB, lb LossyLatencyTest).
 */
class AckFrequencyAfterLossTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1000 * MS;

    @Test
    void thresholdFollowsTheExportedSendersWindowDownAfterLosses() throws Exception {
        ConnectionConfig serverConfig = ConnectionConfig.defaults().withPaths(4, false);
        PathSenderNode rs = new PathSenderNode();
        byte[] body = new byte[12_000_000];
        new Random(3).nextBytes(body);
        List<long[]> samples = new ArrayList<>(); // {threshold, window in packets}
        try (SimPair pair = new SimPair(43, serverConfig, c -> (conn, now) -> {
            ConnectionEvent e;
            while ((e = conn.pollEvent()) != null) {
                if (e instanceof ConnectionEvent.StreamReadable r && rs.senders.isEmpty()) {
                    byte[] req = new byte[16];
                    if (conn.read(r.streamId(), req, 0, req.length) > 0 || conn.read(r.streamId(), req, 0, 0) < 0) {
                        rs.start(conn.exportPath(1, List.of(r.streamId()), 16L << 20), r.streamId(), body, now);
                    }
                } else if (e instanceof ConnectionEvent.PathAcknowledged a) {
                    try {
                        rs.senders.get(0).onAck(a.ranges(), a.ackDelay(), now);
                    } catch (QuicException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
        })) {
            LinkConditions clean = LinkConditions.delay(25 * MS).withBandwidth(2_500_000, 256 * 1024);
            pair.net.setDefaultConditions(clean);
            pair.net.attach("rs", rs, SimPair.SERVER);
            rs.afterActivity.add(() -> {
                while (!rs.senders.isEmpty() && rs.senders.get(0).pollEvent() != null) {
                    // drain
                }
            });
            OneRequestClient app = new OneRequestClient();
            QuicConnection client = pair.connect(pair.clientOptions(ConnectionConfig.defaults().withPaths(4, true)), app);
            pair.net.schedule(2 * SECOND, () -> pair.net.setDefaultConditions(clean.withLoss(0.02)));
            for (long t = 3 * SECOND; t <= 5 * SECOND; t += 100 * MS) {
                pair.net.schedule(t, () -> {
                    PathSender s = rs.senders.get(0);
                    samples.add(new long[] {client.multipath.tracker(1).peerAckElicitingThreshold(),
                            s.congestionWindow() / 1350});
                });
            }
            pair.net.runUntil(() -> samples.size() == 21, 10 * SECOND);
        }
        double threshold = samples.stream().mapToLong(s -> s[0]).average().orElseThrow();
        double window = samples.stream().mapToLong(s -> s[1]).average().orElseThrow();
        assertThat(threshold).as("mean Ack-Eliciting Threshold vs the sender's mean window %s packets", window)
                .isPositive().isLessThan(window / 2);
    }
}
