package org.qdsr.app.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.io.UdpOptions;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.QuicClientEndpoint;

/** Interop: our client endpoint on a real UDP event loop against a Kwik 0.10.8 echo server (loopback). */
class QdsrClientToKwikServerTest {

    @Test
    void fiveStreamsEchoByteExact() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (KwikEchoServer kwik = new KwikEchoServer(); UdpEventLoop loop = UdpEventLoop.start("robust-client")) {
                List<byte[]> payloads = Fixtures.payloads(5, 100_000, 40);
                payloads.set(4, Fixtures.randomBytes(1 << 20, 41));
                MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
                QuicConnection c = connect(loop, kwik.address(), app);

                app.done.get(45, TimeUnit.SECONDS);
                for (int i = 0; i < payloads.size(); i++) {
                    assertThat(app.received(i)).as("stream %d", i).isEqualTo(payloads.get(i));
                }
                assertThat(loop.call(c::alpn)).isEqualTo(Fixtures.ALPN);
                assertThat(loop.counters().endpointExceptions()).isZero();
                loop.call(() -> {
                    c.close(0, "done", System.nanoTime());
                    return null;
                });
            }
        });
    }

    static QuicConnection connect(UdpEventLoop loop, InetSocketAddress server, MultiStreamEchoClient app)
            throws Exception {
        QuicClientEndpoint endpoint = new QuicClientEndpoint();
        loop.register(new InetSocketAddress("127.0.0.1", 0), endpoint, UdpOptions.defaults());
        ClientOptions options = ClientOptions.of(SimHarness.clientTls(), server)
                .withConfig(ConnectionConfig.defaults().withMaxIdleTimeout(Duration.ofSeconds(10)));
        return loop.call(() -> {
            QuicConnection c = QuicConnection.connect(options, System.nanoTime());
            endpoint.add(c, app);
            return c;
        });
    }
}
