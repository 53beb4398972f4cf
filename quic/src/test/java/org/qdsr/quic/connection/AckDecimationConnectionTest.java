package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qdsr.quic.sim.LinkConditions;

/** The {@link ConnectionConfig.AckDecimation} option end to end: a download on the virtual network. */
class AckDecimationConnectionTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int SIZE = 4 << 20;

    private static long clientDatagramsForDownload(ConnectionConfig.AckDecimation mode, LinkConditions link)
            throws Exception {
        ConnectionConfig server = ConnectionConfig.defaults();
        byte[] expected = new byte[SIZE];
        Arrays.fill(expected, (byte) 0x5a);
        try (SimPair pair = new SimPair(11, server, c -> BulkResponder.answering(expected))) {
            pair.net.setDefaultConditions(link);
            EchoClient app = new EchoClient("GET".getBytes());
            // without min_ack_delay: the server's ACK_FREQUENCY would replace the decimation under test
            ConnectionConfig client = ConnectionConfig.defaults().withAckDecimation(mode).withAckFrequency(null, true);
            pair.connect(pair.clientOptions(client), app);
            pair.net.runUntil(() -> app.done || app.closed != null, 300 * SECOND);
            assertThat(app.closed).isNull();
            assertThat(app.done).isTrue();
            assertThat(app.received.toByteArray()).isEqualTo(expected);
            return pair.net.stats().sentDatagrams(SimPair.CLIENT);
        }
    }

    @Test
    void decimatingClientSendsFarFewerAcks() throws Exception {
        long dataPackets = SIZE / 1350;
        // a 50 MB/s bottleneck spaces the data packets out, as a real link does
        LinkConditions link = LinkConditions.delay(5_000_000).withBandwidth(50_000_000, 1 << 20);
        long everySecond = clientDatagramsForDownload(ConnectionConfig.AckDecimation.OFF, link);
        long decimated = clientDatagramsForDownload(ConnectionConfig.AckDecimation.ON, link);
        assertThat(everySecond).isGreaterThan(dataPackets / 3);
        assertThat(decimated).isLessThan(everySecond / 3);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.02, 0.10})
    void decimatingClientCompletesUnderLossAndReordering(double loss) throws Exception {
        clientDatagramsForDownload(ConnectionConfig.AckDecimation.ON,
                LinkConditions.delay(5_000_000).withLoss(loss).withReordering(0.01));
    }

    @Test
    void defaultDecimatesOnlyOnClients() {
        ConnectionConfig d = ConnectionConfig.defaults();
        assertThat(d.ackDecimation()).isEqualTo(ConnectionConfig.AckDecimation.DEFAULT);
        assertThat(d.resolvedFor(true).ackDecimation()).isEqualTo(ConnectionConfig.AckDecimation.ON);
        assertThat(d.resolvedFor(false).ackDecimation()).isEqualTo(ConnectionConfig.AckDecimation.OFF);
        ConnectionConfig on = d.withAckDecimation(ConnectionConfig.AckDecimation.ON);
        assertThat(on.resolvedFor(false).ackDecimation()).isEqualTo(ConnectionConfig.AckDecimation.ON);
        assertThat(RecoveryParts.tracker(on, false).decimationActive()).isFalse(); // warm-up first
    }
}
