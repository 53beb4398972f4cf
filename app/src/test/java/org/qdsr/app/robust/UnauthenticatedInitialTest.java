package org.qdsr.app.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.app.robust.Fixtures.SECOND;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.tls.ServerTlsContext;

/**
 * Hardening against connection-state exhaustion (RFC 9000 §21, denial of service): an Initial datagram
 * that does not authenticate must not leave a connection behind. Found by {@link BadInputTest},
 * where bit-flipped copies of real client Initials made the server accept 160 connections that
 * never received a single authentic packet.
 */
class UnauthenticatedInitialTest {
    private static final InetSocketAddress ATTACKER = new InetSocketAddress("198.18.0.66", 40000);
    private static ServerTlsContext tls;

    @BeforeAll
    static void tls() {
        tls = ServerTlsContext.selfSigned(List.of(Fixtures.ALPN), List.of("localhost"));
    }

    @AfterAll
    static void closeTls() {
        tls.close();
    }

    /** A real client's first Initial datagram (built by connect + poll, no network). */
    private static byte[] realClientInitial(long seed) throws Exception {
        ClientOptions o = ClientOptions.of(SimHarness.clientTls(), SimHarness.SERVER)
                .withRandom(new java.util.SplittableRandom(seed));
        QuicConnection c = QuicConnection.connect(o, 0);
        byte[] out = new byte[65536];
        int n = c.poll(out, 0);
        assertThat(n).isGreaterThanOrEqualTo(1200);
        return Arrays.copyOf(out, n);
    }

    /**
     * {@code flipAt} -1 sends the Initial unchanged (control: one connection); 6 flips a bit in the
     * DCID (keys derive from a different DCID); 600 flips a bit in the protected payload.
     */
    @ParameterizedTest
    @ValueSource(ints = {-1, 6, 600})
    void initialThatFailsToDecryptCreatesNoConnection(int flipAt) throws Exception {
        SimHarness h = new SimHarness(5, SimHarness.settings(tls, ConnectionConfig.defaults()));
        RawEndpoint attacker = new RawEndpoint();
        h.net.attach(ATTACKER, attacker);
        byte[] initial = realClientInitial(3);
        if (flipAt >= 0) {
            initial[flipAt] ^= 0x10;
        }
        attacker.queue(initial, SimHarness.SERVER);
        h.net.runFor(SECOND / 10);

        int expected = flipAt < 0 ? 1 : 0;
        assertThat(h.server.connectionCount()).as("connections after one %s Initial",
                flipAt < 0 ? "authentic" : "corrupted").isEqualTo(expected);
        if (flipAt < 0) {
            assertThat(attacker.received).as("server's first flight").isNotEmpty();
        } else {
            assertThat(attacker.received).as("no answer to a corrupted Initial").isEmpty();
        }
    }
}
