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
        assertThat(d.packetsPerRoundTrip()).isEqualTo(50);
    }
}
