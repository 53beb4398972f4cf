package org.qdsr.control.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qdsr.control.message.ControlCodec;
import org.qdsr.control.message.ControlDecoder;
import org.qdsr.control.message.ControlError;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.Hello;
import org.qdsr.control.message.HelloAck;
import org.qdsr.control.message.Role;

/** A fake RS that completes TLS and the Hello exchange, then goes silent without closing. */
@Timeout(30)
class HeartbeatTimeoutTest {

    @Test
    void silentPeerIsDetectedAndOnCloseFires() throws Exception {
        TestPki pki = new TestPki();
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Recorder lb = new Recorder();
            Thread fake = new Thread(() -> silentRs(ss, pki), "fake-rs");
            fake.setDaemon(true);
            fake.start();
            ControlOptions options = ControlChannelTest.FAST.withBackoff(java.time.Duration.ofSeconds(30),
                    java.time.Duration.ofSeconds(30));
            try (ControlClient client = ControlClient.connect(
                    new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()), pki.lbTls(),
                    "lb", options, lb)) {
                lb.awaitOpen();
                Object cause = lb.awaitClose();
                assertThat(cause).isInstanceOf(ControlChannelException.class);
                assertThat(((ControlChannelException) cause).errorCode()).isEqualTo(ControlError.HEARTBEAT_TIMEOUT);
                assertThat(client.isOpen()).isFalse();
            }
        }
    }

    private static void silentRs(ServerSocket ss, TestPki pki) {
        try (Socket raw = ss.accept()) {
            SSLSocket s = (SSLSocket) pki.rsTls().wrap(raw, true);
            s.startHandshake();
            InputStream in = s.getInputStream();
            ControlDecoder decoder = new ControlDecoder();
            byte[] buf = new byte[4096];
            List<ControlMessage> got = List.of();
            while (got.isEmpty()) {
                int n = in.read(buf);
                got = decoder.feed(java.util.Arrays.copyOf(buf, n));
            }
            assertThat(got.get(0)).isInstanceOf(Hello.class);
            OutputStream out = s.getOutputStream();
            out.write(ControlCodec.encode(new HelloAck(1, "silent", Role.REAL_SERVER)));
            out.flush();
            Thread.sleep(20_000); // never answers heartbeats, never reads
        } catch (Exception ignored) {
            // the client closes on us
        }
    }
}
