package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.InProcessCommand.Running;
import org.qdsr.quic.endpoint.PlaintextConnectionIds;
import org.qdsr.quic.wire.ConnectionId;

/**
 * An LB of several for one VIP learns its peers from a reloaded configuration, without a
 * restart, also when it started with none (but with its forward socket and the VIP secret): a
 * datagram naming LB 3 gets a stateless reset while LB 3 is unknown, and goes to LB 3's forward
 * socket (sealed, so longer) once a reload added it. Its own id and forward socket still
 * need a restart, and the reload says so. {@code qdsr lb --config} in this JVM, the peers and the
 * client as plain UDP sockets on loopback.
 */
@Timeout(60)
class PeerReloadTest {
    private static final int DATAGRAM = 80;

    @TempDir
    Path dir;

    @Test
    void aReloadAddsAPeerAndKeepsTheLbIdForARestart() throws Exception {
        Path secret = dir.resolve("vip.secret");
        Files.write(secret, new byte[32]);
        Path yaml = dir.resolve("lb.yaml");
        int vip = InProcessCommand.freeUdpPort();
        int forward = InProcessCommand.freeUdpPort();
        try (DatagramSocket peer2 = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket peer3 = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String peer2Entry = "  - {id: 2, address: \"127.0.0.1:" + peer2.getLocalPort() + "\"}\n";
            String peer3Entry = "  - {id: 3, address: \"127.0.0.1:" + peer3.getLocalPort() + "\"}\n";
            Files.writeString(yaml, config(vip, forward, secret, 1, ""));
            LbCommand lb = new LbCommand();
            try (Running run = InProcessCommand.start(lb, lb::stop, "--config", yaml.toString())) {
                assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb: %s", run.out()).isTrue();
                InetSocketAddress vipAddress = new InetSocketAddress("127.0.0.1", vip);
                byte[] forLb3 = shortHeader(PlaintextConnectionIds.of(3, 8).next(new SplittableRandom(3)));

                client.send(new DatagramPacket(forLb3, forLb3.length, vipAddress));
                assertThat(receive(client, 3000)).as("no peers yet: a stateless reset").isBetween(21, DATAGRAM - 1);
                assertThat(receive(peer3, 300)).as("nothing for LB 3 yet").isEqualTo(-1);

                Files.writeString(yaml, config(vip, forward, secret, 1, peer2Entry + peer3Entry));
                String line = lb.reload();
                assertThat(line).as("started with forward-listen and the secret: peers can come")
                        .contains("peers now {2=", "3=").doesNotContain("not applied");
                client.send(new DatagramPacket(forLb3, forLb3.length, vipAddress));
                assertThat(receive(peer3, 3000)).as("sealed and passed to LB 3").isGreaterThan(DATAGRAM);
                assertThat(receive(client, 300)).as("no reset once LB 3 is known").isEqualTo(-1);

                Files.writeString(yaml, config(vip, forward, secret, 5, peer3Entry));
                assertThat(lb.reload()).contains("peers now {3=").contains("needs a restart, not applied: [lb-id]");
                client.send(new DatagramPacket(forLb3, forLb3.length, vipAddress));
                assertThat(receive(peer3, 3000)).as("LB 3 still a peer").isGreaterThan(DATAGRAM);
                byte[] forLb2 = shortHeader(PlaintextConnectionIds.of(2, 8).next(new SplittableRandom(2)));
                client.send(new DatagramPacket(forLb2, forLb2.length, vipAddress));
                assertThat(receive(client, 3000)).as("LB 2 removed: a stateless reset").isBetween(21, DATAGRAM - 1);
                assertThat(receive(peer2, 300)).isEqualTo(-1);
            }
        }
    }

    private static String config(int vip, int forward, Path secret, int lbId, String peers) {
        return "listen: \"127.0.0.1:" + vip + "\"\n"
                + "control: {insecure: true}\n"
                + "backends: [{name: a, address: \"127.0.0.1:9\"}]\n"
                + "secret-file: \"" + secret + "\"\n"
                + "lb-id: " + lbId + "\n"
                + "forward-listen: \"127.0.0.1:" + forward + "\"\n"
                + (peers.isEmpty() ? "" : "peers:\n" + peers);
    }

    /** A 1-RTT packet's shape (fixed bit set) for {@code dcid}; the rest is noise no key opens. */
    private static byte[] shortHeader(ConnectionId dcid) {
        byte[] d = new byte[DATAGRAM];
        new SplittableRandom(5).nextBytes(d);
        d[0] = (byte) (0x40 | d[0] & 0x3f);
        dcid.copyTo(d, 1);
        return d;
    }

    /** The length of the next datagram within {@code millis}, or -1. */
    private static int receive(DatagramSocket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            s.receive(p);
            return p.getLength();
        } catch (SocketTimeoutException e) {
            return -1;
        }
    }
}
