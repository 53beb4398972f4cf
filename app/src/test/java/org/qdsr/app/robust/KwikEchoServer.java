package org.qdsr.app.robust;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.qdsr.quic.tls.CertifiedKey;
import org.qdsr.quic.tls.Certificates;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

/**
 * A Kwik 0.10.8 server on 127.0.0.1:0 that echoes every peer-initiated bidirectional stream
 * (ALPN {@link Fixtures#ALPN}). Kwik's {@code withCertificate} takes RSA keys only, so the ECDSA
 * certificate from {@link Certificates} goes in through a PKCS12 key store.
 */
final class KwikEchoServer implements AutoCloseable {
    private static final char[] PASSWORD = "robust".toCharArray();

    private final DatagramSocket socket;
    private final ServerConnector connector;
    private final ExecutorService streams = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kwik-echo-stream");
        t.setDaemon(true);
        return t;
    });

    KwikEchoServer() throws Exception {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        try {
            socket.setReceiveBufferSize(4 << 20);
            socket.setSendBufferSize(4 << 20);
            CertifiedKey key = Certificates.generate(List.of("localhost"), Duration.ofDays(1));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key.privateKey(), PASSWORD, key.chain().toArray(new Certificate[0]));
            ServerConnectionConfig config = ServerConnectionConfig.builder()
                    .maxIdleTimeoutInSeconds(10)
                    .maxOpenPeerInitiatedBidirectionalStreams(16)
                    .maxBidirectionalStreamBufferSize(2L << 20)
                    .maxConnectionBufferSize(16L << 20)
                    .build();
            connector = ServerConnector.builder()
                    .withSocket(socket)
                    .withKeyStore(store, "server", PASSWORD)
                    .withSupportedVersion(QuicConnection.QuicVersion.V1)
                    .withConfiguration(config)
                    .withLogger(new NullLogger())
                    .build();
            connector.registerApplicationProtocol(Fixtures.ALPN, new Factory());
            connector.start();
        } catch (Exception e) {
            socket.close();
            streams.shutdownNow();
            throw e;
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        try {
            connector.close();
        } finally {
            streams.shutdownNow();
            socket.close();
        }
    }

    private final class Factory implements ApplicationProtocolConnectionFactory {
        @Override
        public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
            return new ApplicationProtocolConnection() {
                @Override
                public void acceptPeerInitiatedStream(QuicStream stream) {
                    streams.submit(() -> echo(stream));
                }
            };
        }

        @Override
        public int maxConcurrentPeerInitiatedBidirectionalStreams() {
            return 16;
        }
    }

    private static Void echo(QuicStream stream) throws Exception {
        byte[] buf = new byte[16384];
        try (InputStream in = stream.getInputStream(); OutputStream out = stream.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        }
        return null;
    }
}
