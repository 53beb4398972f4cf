package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.crypto.StatelessResetTokens;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.NewConnectionIdFrame;
import org.qdsr.quic.wire.RetireConnectionIdFrame;
import org.qdsr.quic.wire.TransportParameters;

/**
 * The client's connection IDs for QDSR's server paths (draft-ietf-quic-multipath-21): spares per
 * path, the server side moving a path to a spare and retiring the old ID, the client's
 * replacement, and the errors RFC 9000 §5.1 and §19.15-16 name.
 */
class MultipathIdsTest {
    private static final ConnectionConfig CONFIG = ConnectionConfig.defaults().withPaths(2, true);
    private final List<ConnectionId> retired = new ArrayList<>();
    private final ConnectionIdListener listener = new ConnectionIdListener() {
        @Override
        public void onIssued(ConnectionId id) {
        }

        @Override
        public void onRetired(ConnectionId id) {
            retired.add(id);
        }
    };

    private static Multipath side(boolean client, long peerIdLimit) {
        Multipath m = new Multipath(client, client ? CONFIG : ConnectionConfig.defaults().withPaths(2, false));
        m.onPeerParameters(new TransportParameters.Builder().initialMaxPathId(2L).serverPaths(!client)
                .activeConnectionIdLimit(peerIdLimit).build());
        return m;
    }

    private List<NewConnectionIdFrame> issue(Multipath client) {
        return client.issuePathIds(new SplittableRandom(7), new StatelessResetTokens(new byte[32]), listener);
    }

    @Test
    void aPathMovesToASpareAndTheClientReplacesTheRetiredId() throws Exception {
        Multipath client = side(true, 4);
        Multipath server = side(false, 4);
        List<NewConnectionIdFrame> issued = issue(client);
        assertThat(issued).extracting(NewConnectionIdFrame::pathId).containsExactly(1L, 1L, 2L, 2L);
        for (NewConnectionIdFrame f : issued) {
            server.onPeerPathConnectionId(f);
        }
        ConnectionId first = server.peerPath(1).connectionId();
        assertThat(first).isEqualTo(issued.get(0).connectionId());
        assertThat(client.pathOf(first)).isEqualTo(1);

        RetireConnectionIdFrame retire = server.rotatePeerPath(1);
        assertThat(retire).isEqualTo(new RetireConnectionIdFrame(1, 0));
        assertThat(server.peerPath(1).connectionId()).isEqualTo(issued.get(1).connectionId());
        assertThat(server.rotatePeerPath(1)).as("no spare left until the client replaces it").isNull();

        ConnectionId onPath0 = ConnectionId.of(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
        List<NewConnectionIdFrame> replacement = client.onPathRetire(retire, onPath0);
        assertThat(client.pathOf(first)).as("packets under the retired ID still in flight are taken").isEqualTo(1);
        assertThat(retired).isEmpty();
        assertThat(replacement).singleElement().satisfies(f -> {
            assertThat(f.pathId()).isEqualTo(1);
            assertThat(f.sequenceNumber()).isEqualTo(2);
            assertThat(client.pathOf(f.connectionId())).isEqualTo(1);
        });
        assertThat(client.onPathRetire(retire, onPath0)).as("a retransmitted retire").isEmpty();
        server.onPeerPathConnectionId(replacement.get(0));
        server.onPeerPathConnectionId(issued.get(0)); // a late copy of the retired one is not taken back
        RetireConnectionIdFrame second = server.rotatePeerPath(1);
        assertThat(second).isEqualTo(new RetireConnectionIdFrame(1, 1));
        assertThat(server.peerPath(1).connectionId()).isEqualTo(replacement.get(0).connectionId());
        client.onPathRetire(second, onPath0);
        assertThat(retired).as("the path's next retirement ends the first ID").containsExactly(first);
        assertThat(client.pathOf(first)).isZero();
        assertThat(client.pathOf(issued.get(1).connectionId())).isEqualTo(1);
    }

    @Test
    void aPeerLimitOfOneMeansNoSpares() {
        assertThat(issue(side(true, 1))).extracting(NewConnectionIdFrame::sequenceNumber).containsExactly(0L, 0L);
    }

    @Test
    void violationsAreConnectionErrors() throws Exception {
        Multipath client = side(true, 4);
        List<NewConnectionIdFrame> issued = issue(client);
        assertThatThrownBy(() -> client.onPathRetire(new RetireConnectionIdFrame(1, 5), ConnectionId.of(new byte[8])))
                .isInstanceOfSatisfying(QuicException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(TransportError.PROTOCOL_VIOLATION.code()));
        assertThatThrownBy(() -> client.onPathRetire(new RetireConnectionIdFrame(1, 0), issued.get(0).connectionId()))
                .as("retiring the ID the packet came to").isInstanceOf(QuicException.class);

        Multipath server = side(false, 4);
        NewConnectionIdFrame f = issued.get(0);
        server.onPeerPathConnectionId(f);
        assertThatThrownBy(() -> server.onPeerPathConnectionId(new NewConnectionIdFrame(1, 0, 0,
                ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), f.statelessResetToken())))
                .as("the same sequence with another ID").isInstanceOf(QuicException.class);
        for (long seq = 1; seq < 4; seq++) {
            server.onPeerPathConnectionId(new NewConnectionIdFrame(1, seq, 0,
                    ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) seq}), f.statelessResetToken()));
        }
        assertThatThrownBy(() -> server.onPeerPathConnectionId(new NewConnectionIdFrame(1, 4, 0,
                ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 4}), f.statelessResetToken())))
                .isInstanceOfSatisfying(QuicException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(TransportError.CONNECTION_ID_LIMIT_ERROR.code()));
    }
}
