package org.qdsr.quic.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.ConnectionIdGenerator;

class PlaintextConnectionIdsTest {
    private final SplittableRandom random = new SplittableRandom(7);

    private static OptionalInt decode(ConnectionIdGenerator g, ConnectionId id) {
        return g.serverId(id.toBytes(), 0, id.length());
    }

    @Test
    void everyIdCarriesTheServerIdAfterTheConfigRotationBits() {
        for (int server : new int[] {0, 1, 42, 255}) {
            PlaintextConnectionIds g = new PlaintextConnectionIds(2, 1, server, 8);
            Set<ConnectionId> seen = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                ConnectionId id = g.next(random);
                byte[] b = id.toBytes();
                assertThat(b).hasSize(8);
                assertThat((b[0] & 0xff) >>> 5).as("config rotation bits").isEqualTo(2);
                assertThat(b[1] & 0xff).as("server id octet").isEqualTo(server);
                assertThat(decode(g, id)).hasValue(server);
                seen.add(id);
            }
            assertThat(seen).as("random nonce: no repeats").hasSize(500);
        }
    }

    @Test
    void twoOctetServerIdsAndLongerIdsRoundTrip() {
        PlaintextConnectionIds g = new PlaintextConnectionIds(0, 2, 0x1234, 12);
        ConnectionId id = g.next(random);
        assertThat(id.length()).isEqualTo(12);
        assertThat(id.toBytes()[1]).isEqualTo((byte) 0x12);
        assertThat(id.toBytes()[2]).isEqualTo((byte) 0x34);
        assertThat(decode(g, id)).hasValue(0x1234);
    }

    @Test
    void anotherLoadBalancersIdDecodesWithTheSharedConfiguration() {
        PlaintextConnectionIds a = PlaintextConnectionIds.of(1, 8);
        PlaintextConnectionIds b = PlaintextConnectionIds.of(2, 8);
        assertThat(decode(b, a.next(random))).hasValue(1);
        assertThat(decode(a, b.next(random))).hasValue(2);
    }

    @Test
    void otherConfigRotationOrLengthIsNotRoutable() {
        PlaintextConnectionIds g = PlaintextConnectionIds.of(5, 8);
        ConnectionId otherRotation = new PlaintextConnectionIds(3, 1, 5, 8).next(random);
        assertThat(decode(g, otherRotation)).isEmpty();
        ConnectionId longer = PlaintextConnectionIds.of(5, 9).next(random);
        assertThat(decode(g, longer)).isEmpty();
        byte[] unroutable = g.next(random).toBytes();
        unroutable[0] |= (byte) 0xe0; // config rotation 0b111
        assertThat(g.serverId(unroutable, 0, 8)).isEmpty();
    }

    @Test
    void theRandomGeneratorNamesNoServer() {
        ConnectionIdGenerator g = ConnectionIdGenerator.random(8);
        assertThat(g.ownServerId()).isEmpty();
        assertThat(PlaintextConnectionIds.of(9, 8).ownServerId()).hasValue(9);
        for (int i = 0; i < 100; i++) {
            ConnectionId id = g.next(random);
            assertThat(id.length()).isEqualTo(8);
            assertThat(decode(g, id)).isEmpty();
        }
    }

    @Test
    void rejectsLayoutsTheDraftDoesNotAllow() {
        assertThatThrownBy(() -> new PlaintextConnectionIds(7, 1, 1, 8)).hasMessageContaining("config rotation");
        assertThatThrownBy(() -> PlaintextConnectionIds.of(256, 8)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> PlaintextConnectionIds.of(-1, 8)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> PlaintextConnectionIds.of(1, 5)).hasMessageContaining("nonce");
        assertThat(PlaintextConnectionIds.of(1, 6).length()).isEqualTo(6);
    }
}
