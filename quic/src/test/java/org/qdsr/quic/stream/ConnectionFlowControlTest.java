package org.qdsr.quic.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.quic.stream.ReceiveStreamTest.assertError;

import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

class ConnectionFlowControlTest {
    @Test
    void sendCreditAndBlocked() {
        ConnectionFlowControl fc = new ConnectionFlowControl(100, 1000);
        assertThat(fc.sendCredit()).isEqualTo(100);
        fc.onNewDataSent(60);
        assertThat(fc.sendCredit()).isEqualTo(40);
        assertThat(fc.isBlocked()).isFalse();
        fc.onNewDataSent(40);
        assertThat(fc.isBlocked()).isTrue();
        assertThat(fc.dataBlockedToSend()).isEqualTo(100);
        fc.onDataBlockedSent(100);
        assertThat(fc.dataBlockedToSend()).isEqualTo(-1);
        fc.onMaxData(50); // ignored: limits only increase
        assertThat(fc.sendCredit()).isZero();
        fc.onMaxData(150);
        assertThat(fc.sendCredit()).isEqualTo(50);
        assertThat(fc.isBlocked()).isFalse();
    }

    @Test
    void receiveLimitAndRefresh() throws QuicException {
        ConnectionFlowControl fc = new ConnectionFlowControl(0, 100);
        fc.onDataReceived(100);
        assertError(() -> fc.onDataReceived(1), TransportError.FLOW_CONTROL_ERROR);
        assertThat(fc.maxDataToAdvertise()).isEqualTo(-1);
        fc.onDataConsumed(50);
        assertThat(fc.maxDataToAdvertise()).isEqualTo(-1);
        fc.onDataConsumed(1);
        assertThat(fc.maxDataToAdvertise()).isEqualTo(151);
        fc.onMaxDataSent(151);
        assertThat(fc.maxDataToAdvertise()).isEqualTo(-1);
        fc.onDataReceived(51);
        assertError(() -> fc.onDataReceived(1), TransportError.FLOW_CONTROL_ERROR);
    }

    @Test
    void streamsFeedConnectionAccounting() throws QuicException {
        ConnectionFlowControl fc = new ConnectionFlowControl(0, 25);
        ReceiveStream a = new ReceiveStream(0, 100);
        ReceiveStream b = new ReceiveStream(4, 100);
        byte[] data = new byte[40];
        fc.onDataReceived(a.onStreamFrame(10, data, 0, 10, false)); // counts 20: highest offset
        fc.onDataReceived(a.onStreamFrame(0, data, 0, 10, false)); // fills the gap: counts 0
        assertThat(fc.dataReceived()).isEqualTo(20);
        long grow = b.onResetStream(1, 6);
        assertError(() -> fc.onDataReceived(grow), TransportError.FLOW_CONTROL_ERROR);
    }
}
