package org.qdsr.quic.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.quic.stream.ReceiveStreamTest.assertError;

import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

class StreamLimitsTest {
    @Test
    void peerStreamImplicitlyOpensLowerStreams() throws QuicException {
        StreamLimits server = new StreamLimits(false, 10, 3, 0, 0);
        // client bidi stream 8 (index 2) opens 0, 4 and 8 (RFC 9000 §3.2)
        assertThat(server.onPeerStreamOpened(8)).isEqualTo(0);
        assertThat(server.isPeerStreamOpened(4)).isTrue();
        assertThat(server.nextExpectedPeerStream(true)).isEqualTo(12);
        assertThat(server.onPeerStreamOpened(4)).isEqualTo(-1);
        assertThat(server.onPeerStreamOpened(16)).isEqualTo(12);
        // unidirectional types are counted separately
        assertThat(server.onPeerStreamOpened(2)).isEqualTo(2);
        assertThat(server.onPeerStreamOpened(10)).isEqualTo(6);
    }

    @Test
    void streamLimitError() throws QuicException {
        StreamLimits server = new StreamLimits(false, 2, 1, 0, 0);
        server.onPeerStreamOpened(4); // index 1 < 2
        assertError(() -> server.onPeerStreamOpened(8), TransportError.STREAM_LIMIT_ERROR);
        assertError(() -> server.onPeerStreamOpened(6), TransportError.STREAM_LIMIT_ERROR);
        server.onPeerStreamOpened(2);
    }

    @Test
    void unopenedLocalStreamIsAStateError() throws QuicException {
        StreamLimits client = new StreamLimits(true, 10, 10, 10, 10);
        assertError(() -> client.onPeerStreamOpened(0), TransportError.STREAM_STATE_ERROR);
        assertThat(client.nextStreamId(true)).isEqualTo(0);
        assertThat(client.onPeerStreamOpened(0)).isEqualTo(-1);
    }

    @Test
    void maxStreamsRefreshAfterClosures() throws QuicException {
        StreamLimits server = new StreamLimits(false, 4, 4, 0, 0);
        server.onPeerStreamOpened(12); // all 4 used
        assertThat(server.maxStreamsToAdvertise(true)).isEqualTo(-1);
        server.onPeerStreamClosed(0);
        assertThat(server.maxStreamsToAdvertise(true)).isEqualTo(5);
        server.onMaxStreamsSent(true, 5);
        assertThat(server.maxStreamsToAdvertise(true)).isEqualTo(-1);
        server.onPeerStreamOpened(16);
        assertError(() -> server.onPeerStreamOpened(20), TransportError.STREAM_LIMIT_ERROR);
        assertThat(server.maxStreamsToAdvertise(false)).isEqualTo(-1);
    }

    @Test
    void localStreamsLimitedByPeer() {
        StreamLimits client = new StreamLimits(true, 0, 0, 2, 1);
        assertThat(client.nextStreamId(true)).isEqualTo(0);
        assertThat(client.nextStreamId(true)).isEqualTo(4);
        assertThat(client.canOpen(true)).isFalse();
        assertThat(client.streamsBlockedToSend(true)).isEqualTo(-1); // nobody asked yet
        assertThat(client.nextStreamId(true)).isEqualTo(-1);
        assertThat(client.isStreamsBlocked(true)).isTrue();
        assertThat(client.streamsBlockedToSend(true)).isEqualTo(2);
        client.onStreamsBlockedSent(true, 2);
        assertThat(client.streamsBlockedToSend(true)).isEqualTo(-1);
        client.onMaxStreams(true, 1); // never decreases
        assertThat(client.canOpen(true)).isFalse();
        client.onMaxStreams(true, 3);
        assertThat(client.nextStreamId(true)).isEqualTo(8);
        assertThat(client.nextStreamId(false)).isEqualTo(2);
        assertThat(client.nextStreamId(false)).isEqualTo(-1);
        StreamLimits server = new StreamLimits(false, 0, 0, 1, 1);
        assertThat(server.nextStreamId(true)).isEqualTo(1);
        assertThat(server.nextStreamId(false)).isEqualTo(3);
    }
}
