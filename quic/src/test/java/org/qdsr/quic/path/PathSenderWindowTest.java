package org.qdsr.quic.path;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qdsr.quic.recovery.CongestionAlgorithm;
import org.qdsr.quic.recovery.CongestionController;
import org.qdsr.quic.wire.AckRange;

/**
 * The congestion window of a path sender: where it starts (the snapshot's window, QDSR isolated
 * mode) and that a response's last flight, acknowledged while nothing is left to send, still
 * grows it (RFC 9002 §7.8 with the RFC 7661 half-window threshold), so that the next response on
 * the path does not start from less than this one reached.
 */
class PathSenderWindowTest {
    private static final int MDS = PathSenderTest.MDS;

    private static ConnectionSnapshot withWindow(long window) throws Exception {
        ConnectionSnapshot s = PathSenderTest.snapshot(1 << 22, 1 << 22, 0);
        return new ConnectionSnapshot(s.version(), s.suite(), s.oneRttWriteSecret(), null, false, 0,
                s.destinationConnectionId(), s.pathId(), s.peerAddress(), MDS, s.peerMaxAckDelayNanos(),
                s.peerAckDelayExponent(), 0, null, s.connectionCredit(), window, s.streams());
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void startsFromTheSnapshotsWindowStillInSlowStart(CongestionAlgorithm algorithm) throws Exception {
        assertThat(PathSender.fromSnapshot(withWindow(0), algorithm).congestionWindow())
                .isEqualTo(CongestionController.initialWindow(MDS));
        assertThat(PathSender.fromSnapshot(withWindow(1000), algorithm).congestionWindow())
                .as("never below the initial window").isEqualTo(CongestionController.initialWindow(MDS));
        PathSender s = PathSender.fromSnapshot(withWindow(400_000), algorithm);
        assertThat(s.congestionWindow()).isEqualTo(400_000);
        PathSenderTest.Sim sim = new PathSenderTest.Sim(s, PathSenderTest.payload(300_000), 0);
        sim.feed();
        byte[] out = new byte[1500];
        long now = 0;
        while (s.bytesInFlight() < 300_000 && now < 1000 * PathSenderTest.MS) { // paced, no ACK yet
            while (s.poll(out, now) > 0) {
                // sent
            }
            now += 100_000;
        }
        assertThat(s.bytesInFlight()).as("the whole response goes out before any acknowledgement")
                .isGreaterThanOrEqualTo(300_000);
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void theLastFlightOfAResponseStillGrowsTheWindow(CongestionAlgorithm algorithm) throws Exception {
        PathSender s = PathSender.fromSnapshot(withWindow(0), algorithm);
        long initial = s.congestionWindow();
        byte[] data = PathSenderTest.payload(11_400); // fills the initial window: one full flight
        assertThat(s.write(PathSenderTest.STREAM, data, 0, data.length)).isEqualTo(data.length);
        s.finish(PathSenderTest.STREAM);
        byte[] out = new byte[1500];
        int packets = 0;
        while (s.poll(out, 0) > 0) {
            packets++;
        }
        assertThat(s.bytesInFlight()).as("the flight fills the window").isGreaterThan(initial - MDS);
        long now = 20 * PathSenderTest.MS;
        for (int pn = 0; pn < packets; pn++) { // acknowledged one by one, the sender polled after each
            s.onAck(List.of(new AckRange(0, pn)), 0, now);
            assertThat(s.poll(out, now)).as("nothing left to send").isZero();
            now += 100_000;
        }
        // slow start: each acknowledged byte grows the window while at least half of it is in flight
        long perPacket = s.bytesSent() / packets;
        assertThat(s.congestionWindow()).as("window after the last flight")
                .isGreaterThanOrEqualTo(initial + perPacket * (packets / 3));
        assertThat(s.streamCount()).isZero();
    }
}
