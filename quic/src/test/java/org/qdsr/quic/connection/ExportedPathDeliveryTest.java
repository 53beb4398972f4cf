package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.AckRange;

class ExportedPathDeliveryTest {
    private static final long MS = 1_000_000L;
    private static final long SRTT = 50 * MS;

    private static List<AckRange> upTo(long largest) {
        return List.of(new AckRange(0, largest));
    }

    @Test
    void noEstimateBeforeOneRoundTripOfAcknowledgements() {
        ExportedPathDelivery d = new ExportedPathDelivery();
        d.onPathAck(1, upTo(9), SRTT, 0);
        d.onPathAck(1, upTo(29), SRTT, 40 * MS);
        assertThat(d.packetsPerRoundTrip()).isZero();
    }

    @Test
    void countsPacketsAcknowledgedPerRoundTripOverAllPathsAndKeepsTheLargest() {
        ExportedPathDelivery d = new ExportedPathDelivery();
        d.onPathAck(1, upTo(9), SRTT, 0);
        d.onPathAck(1, upTo(109), SRTT, 25 * MS);
        d.onPathAck(2, upTo(99), SRTT, 50 * MS); // a second path: its first 100 packets count too
        assertThat(d.packetsPerRoundTrip()).isEqualTo(200);
        d.onPathAck(1, upTo(119), SRTT, 100 * MS); // a slower round trip does not lower the estimate
        assertThat(d.packetsPerRoundTrip()).isEqualTo(200);
        d.onPathAck(1, upTo(119), SRTT, 1000 * MS); // nor does idle time
        d.onPathAck(1, upTo(519), SRTT, 1050 * MS);
        assertThat(d.packetsPerRoundTrip()).isEqualTo(400);
    }

    @Test
    void aSampleLongerThanOneRoundTripIsScaledToOne() {
        ExportedPathDelivery d = new ExportedPathDelivery();
        d.onPathAck(3, upTo(0), SRTT, 0);
        d.onPathAck(3, upTo(300), SRTT, 2 * SRTT);
        assertThat(d.packetsPerRoundTrip()).isEqualTo(150);
    }

    @Test
    void reorderedOrRepeatedAcknowledgementsCountNothingTwice() {
        ExportedPathDelivery d = new ExportedPathDelivery();
        d.onPathAck(1, upTo(9), SRTT, 0);
        d.onPathAck(1, upTo(59), SRTT, 10 * MS);
        d.onPathAck(1, upTo(30), SRTT, 20 * MS);
        d.onPathAck(1, upTo(59), SRTT, 30 * MS);
        d.onPathAck(1, List.of(), SRTT, 40 * MS);
        d.onPathAck(1, upTo(59), SRTT, 50 * MS);
    }

    @Test
    void currentEstimateFollowsAWindowThatLossesShrankWhileTheBestStays() {
        ExportedPathDelivery d = new ExportedPathDelivery();
        d.onPathAck(1, upTo(9), SRTT, 0);
        d.onPathAck(1, upTo(89), SRTT, 50 * MS); // 80 packets in a round trip (slow start)
        assertThat(d.currentPacketsPerRoundTrip(50 * MS, SRTT)).isEqualTo(80);
        d.onPathAck(1, upTo(109), SRTT, 100 * MS); // after a loss: 20 per round trip
        d.onPathAck(1, upTo(129), SRTT, 150 * MS);
        assertThat(d.packetsPerRoundTrip()).isEqualTo(80);
        assertThat(d.currentPacketsPerRoundTrip(150 * MS, SRTT)).isEqualTo(20);
    }

    @Test
    void currentEstimateSumsTheActivePaths() {
        ExportedPathDelivery d = new ExportedPathDelivery();
        d.onPathAck(1, upTo(0), SRTT, 0);
        d.onPathAck(2, upTo(0), SRTT, 0);
        d.onPathAck(1, upTo(30), SRTT, 50 * MS);
        d.onPathAck(2, upTo(20), SRTT, 50 * MS);
        // each ACK datagram acknowledges both paths: the client's ACK rate must follow 30 + 20
        assertThat(d.currentPacketsPerRoundTrip(50 * MS, SRTT)).isEqualTo(50);
        d.onPathAck(1, upTo(60), SRTT, 100 * MS);
        // path 2 quiet for two round trips: only path 1 counts
        assertThat(d.currentPacketsPerRoundTrip(151 * MS, SRTT)).isEqualTo(30);
    }

    @Test
    void aQuietPathNoLongerCountsAndAPauseIsNoSample() {
        ExportedPathDelivery d = new ExportedPathDelivery();
        d.onPathAck(1, upTo(0), SRTT, 0);
        d.onPathAck(1, upTo(40), SRTT, 50 * MS);
        assertThat(d.currentPacketsPerRoundTrip(100 * MS, SRTT)).isEqualTo(40);
        assertThat(d.currentPacketsPerRoundTrip(151 * MS, SRTT)).as("no PATH_ACK for two round trips").isZero();
        // the next response on the path, a second later: its first ACK starts a sample, the pause
        // is not one, and the window the sender kept is what counts meanwhile
        d.onPathAck(1, upTo(50), SRTT, 1050 * MS);
        assertThat(d.currentPacketsPerRoundTrip(1050 * MS, SRTT)).isEqualTo(40);
        d.onPathAck(1, upTo(110), SRTT, 1080 * MS); // growing: the open sample is a lower bound
        assertThat(d.currentPacketsPerRoundTrip(1080 * MS, SRTT)).isEqualTo(60);
        d.onPathAck(1, upTo(120), SRTT, 1100 * MS);
        assertThat(d.currentPacketsPerRoundTrip(1100 * MS, SRTT)).isEqualTo(70);
        assertThat(d.currentPacketsPerRoundTrip(1101 * MS, SRTT)).isEqualTo(70);
    }
}
