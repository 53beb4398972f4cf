package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.NewConnectionIdFrame;

/**
 * RFC 9000 §9.5: a PATH_RESPONSE to a probe from another address goes out under a spare ID of the
 * peer's, the very one a migration to that address then moves to, never under the ID in use at
 * the peer's current address; without a spare, under that one (nothing better exists).
 */
class ProbeConnectionIdTest {
    private static ConnectionId id(int b) {
        return ConnectionId.of(new byte[] {(byte) b, 1, 2, 3, 4, 5, 6, 7});
    }

    @Test
    void aProbeIsAnsweredUnderTheSpareAMigrationThenUses() throws Exception {
        ConnectionIds ids = new ConnectionIds(new SplittableRandom(1), null, null, ConnectionIdListener.NONE);
        ids.setInitialPeer(id(0), null);
        assertThat(ids.probePeer()).as("no spare yet").isEqualTo(id(0));

        ids.onNewConnectionId(new NewConnectionIdFrame(-1, 1, 0, id(1), new byte[16]), 4);
        ids.onNewConnectionId(new NewConnectionIdFrame(-1, 2, 0, id(2), new byte[16]), 4);
        assertThat(ids.probePeer()).isEqualTo(id(1));
        assertThat(ids.activePeer()).as("the current address keeps its ID").isEqualTo(id(0));

        assertThat(ids.rotatePeer()).isNotNull();
        assertThat(ids.activePeer()).as("the migration moves to the ID the probe answer used").isEqualTo(id(1));
        assertThat(ids.probePeer()).isEqualTo(id(2));
    }
}
