package org.qdsr.app.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qdsr.app.KwikStall;
import org.qdsr.quic.connection.ConnectionConfig;
import tech.kwik.agent15.TlsConstants;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;

/** Interop: a Kwik 0.10.8 client against our server endpoint on a real UDP event loop (loopback). */
class KwikClientToQdsrServerTest {
    private UdpEchoServer server;
    private ExecutorService pool;
    private QuicClientConnection kwik;

    @BeforeEach
    void start() throws Exception {
        server = new UdpEchoServer(ConnectionConfig.defaults());
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kwik-client-io");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (kwik != null) {
                kwik.close();
            }
        } finally {
            pool.shutdownNow();
            server.close();
        }
    }

    private QuicClientConnection connectKwik(TlsConstants.CipherSuite suite) throws Exception {
        QuicClientConnection.Builder b = QuicClientConnection.newBuilder()
                .uri(URI.create("https://localhost:" + server.address().getPort()))
                .host("127.0.0.1")
                .port(server.address().getPort())
                .applicationProtocol(Fixtures.ALPN)
                .noServerCertificateCheck()
                .connectTimeout(Duration.ofSeconds(5))
                .maxIdleTimeout(Duration.ofSeconds(10))
                .defaultStreamReceiveBufferSize(2L << 20)
                .logger(new NullLogger());
        if (suite != null) {
            b.cipherSuite(suite);
        }
        QuicClientConnection c = b.build();
        c.connect();
        return c;
    }

    /** Writes {@code payload} with FIN on one thread and reads the echo to the end on another. */
    private Future<byte[]> echo(QuicClientConnection c, byte[] payload) throws Exception {
        QuicStream s = c.createStream(true);
        pool.submit(() -> {
            try (OutputStream out = s.getOutputStream()) {
                for (int off = 0; off < payload.length; off += 16384) {
                    out.write(payload, off, Math.min(16384, payload.length - off));
                }
            }
            return null;
        });
        return pool.submit(() -> {
            try (InputStream in = s.getInputStream()) {
                return in.readAllBytes();
            }
        });
    }

    @Test
    void fiveStreamsOfHundredKilobytesAndOneMegabyteEchoByteExact() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> KwikStall.retryOnStall("Kwik five echoes", () -> {
            if (kwik != null) {
                kwik.close();
            }
            kwik = connectKwik(null);
            List<byte[]> payloads = Fixtures.payloads(5, 100_000, 1);
            payloads.set(4, Fixtures.randomBytes(1 << 20, 99));
            List<Future<byte[]>> echoes = new ArrayList<>();
            for (byte[] p : payloads) {
                echoes.add(echo(kwik, p));
            }
            long rcvbufErrorsBefore = Diagnostics.udpRcvbufErrors();
            try {
                for (int i = 0; i < payloads.size(); i++) {
                    assertThat(echoes.get(i).get(45, TimeUnit.SECONDS)).as("stream %d", i)
                            .isEqualTo(payloads.get(i));
                }
            } catch (Exception | AssertionError e) {
                throw new AssertionError("echo failed; " + Diagnostics.describe(server, kwik.getStats(),
                        rcvbufErrorsBefore), e);
            }
            assertThat(server.counters().endpointExceptions()).isZero();
            assertThat(server.connectionCount()).isEqualTo(1);
        }));
    }

    @ParameterizedTest
    @EnumSource(value = TlsConstants.CipherSuite.class,
            names = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
    void handshakeAndEchoWithEachCipherSuite(TlsConstants.CipherSuite suite) {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> KwikStall.retryOnStall("Kwik echo with " + suite, () -> {
            if (kwik != null) {
                kwik.close();
            }
            kwik = connectKwik(suite);
            byte[] payload = Fixtures.randomBytes(20_000, suite.ordinal());
            assertThat(echo(kwik, payload).get(20, TimeUnit.SECONDS)).isEqualTo(payload);
            assertThat(server.counters().endpointExceptions()).isZero();
        }));
    }
}
