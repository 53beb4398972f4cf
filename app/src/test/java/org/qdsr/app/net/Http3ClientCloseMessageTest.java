package org.qdsr.app.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.connection.CloseReason;

class Http3ClientCloseMessageTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4434);

    /** qdsr get to a port nothing answers on used to say "connection closed: IDLE_TIMEOUT (NO_ERROR: idle timeout)". */
    @Test
    void aServerThatNeverAnsweredIsNamed() {
        assertThat(Http3Client.closedMessage(CloseReason.idle(), false, PEER))
                .startsWith("no answer from 127.0.0.1:4434: the QUIC handshake timed out");
        assertThat(Http3Client.closedMessage(new CloseReason(CloseReason.Kind.HANDSHAKE_TIMEOUT, false, 0, "x"), false,
                PEER)).startsWith("no answer from 127.0.0.1:4434");
    }

    @Test
    void otherClosesKeepTheirReason() {
        assertThat(Http3Client.closedMessage(CloseReason.idle(), true, PEER))
                .startsWith("connection closed: IDLE_TIMEOUT");
        CloseReason badCertificate = new CloseReason(CloseReason.Kind.LOCAL_CLOSE, false, 0x12a, "bad_certificate");
        assertThat(Http3Client.closedMessage(badCertificate, false, PEER)).startsWith("connection closed: LOCAL_CLOSE");
        assertThat(Http3Client.closedMessage(null, false, PEER)).isEqualTo("connection closed");
    }
}
