package org.qdsr.rs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.qdsr.control.channel.ControlChannel;
import org.qdsr.control.channel.ControlClient;
import org.qdsr.control.channel.ControlListener;
import org.qdsr.control.channel.ControlOptions;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.Handoff;
import org.qdsr.control.message.StreamReport;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.rs.content.SyntheticSource;

/** The runtime on loopback: LB-like socket on the exact VIP, RS on the wildcard, a plain UDP "client". */
class RealServerSmokeTest {
    @Test
    void handoffOverTheControlChannelSendsFromTheVip() throws Exception {
        try (DatagramChannel lbSocket = DatagramChannel.open();
             DatagramChannel client = DatagramChannel.open()) {
            lbSocket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            lbSocket.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress vip = (InetSocketAddress) lbSocket.getLocalAddress();
            client.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress clientAddr = (InetSocketAddress) client.getLocalAddress();
            try (RealServer rs = RealServer.start(new InetSocketAddress("127.0.0.1", 0), vip, RealServer.Bind.WILDCARD,
                    ControlTls.insecureLoopback(), "rs1", loop -> new SyntheticSource(),
                    RealServerCore.Config.defaults())) {
                assertThat(rs.sendAddress().getPort()).isEqualTo(vip.getPort());
                assertThat(rs.sendAddress().getAddress().isAnyLocalAddress()).isTrue();
                LinkedBlockingQueue<ControlMessage> fromRs = new LinkedBlockingQueue<>();
                CountDownLatch open = new CountDownLatch(1);
                ControlClient lb = ControlClient.connect(rs.controlAddress(), ControlTls.insecureLoopback(), "lb",
                        ControlOptions.defaults(), new ControlListener() {
                            @Override
                            public void onOpen(ControlChannel ch) {
                                open.countDown();
                            }

                            @Override
                            public void onMessage(ControlChannel ch, ControlMessage m) {
                                fromRs.add(m);
                            }
                        });
                try {
                    assertThat(open.await(10, TimeUnit.SECONDS)).isTrue();
                    byte[] secret = new byte[32];
                    secret[0] = 42;
                    ConnectionId dcid = ConnectionId.of(new byte[] {9, 8, 7, 6});
                    ConnectionSnapshot snap = ConnectionSnapshot.initial(CipherSuite.TLS_AES_128_GCM_SHA256, secret,
                            false, dcid, 2, clientAddr, 1452, 25_000_000L, 3, 1 << 20,
                            List.of(ConnectionSnapshot.StreamSnapshot.fresh(0, 1 << 20)));
                    lb.send(new Handoff(1, 77, 0, snap.encode(), FakeLb.request("GET", "/bytes/20000"),
                            Handoff.Mode.ISOLATED));
                    TestClient tc = new TestClient(CipherSuite.TLS_AES_128_GCM_SHA256, secret, dcid, 2);
                    ByteBuffer buf = ByteBuffer.allocate(2048);
                    client.configureBlocking(false);
                    StreamReport report = null;
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (report == null && System.nanoTime() < until) {
                        buf.clear();
                        InetSocketAddress from = (InetSocketAddress) client.receive(buf);
                        if (from != null) {
                            assertThat(from).isEqualTo(vip);
                            buf.flip();
                            byte[] d = new byte[buf.remaining()];
                            buf.get(d);
                            tc.receive(d);
                            lb.send(AckForward.of(77, 2, 0, tc.ackRanges()));
                            continue;
                        }
                        ControlMessage m = fromRs.poll(2, TimeUnit.MILLISECONDS);
                        if (m instanceof StreamReport r) {
                            report = r;
                        }
                    }
                    assertThat(report).isNotNull();
                    assertThat(report.outcome()).isEqualTo(StreamReport.Outcome.FINISHED);
                    byte[] expected = new byte[20_000];
                    SyntheticSource.fill(0, expected, 0, expected.length);
                    assertThat(TestClient.parseResponse(tc.streamBytes(0)).body()).isEqualTo(expected);
                } finally {
                    lb.close();
                }
            }
        }
    }
}
