package org.qdsr.app.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.qdsr.quic.tls.CertifiedKey;
import org.qdsr.quic.tls.Certificates;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.log.Logger;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;
import tech.kwik.flupke.server.Http3ApplicationProtocolFactory;
import tech.kwik.flupke.server.HttpServerRequest;
import tech.kwik.flupke.server.HttpServerResponse;

/**
 * A Flupke 0.9.4 HTTP/3 server (Kwik {@link ServerConnector} + {@link Http3ApplicationProtocolFactory})
 * on 127.0.0.1:0. GET of a path in {@code bodies} answers 200 with that body; POST /echo answers
 * the request body; anything else 404. Its certificate (SAN localhost) is issued by {@link #ca}.
 * Records every request as "METHOD path from address".
 */
final class FlupkeServer implements AutoCloseable {
    static final String HEADER = "x-flupke-test";
    private static final char[] PASSWORD = "interop".toCharArray();

    final CertifiedKey ca = Certificates.generateCa("flupke-interop-ca", Duration.ofDays(1));
    /** "METHOD path from address" per request, and the client addresses seen. */
    final ConcurrentLinkedQueue<String> requestLog = new ConcurrentLinkedQueue<>();
    final Set<InetSocketAddress> clients = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> bodies;
    private final DatagramSocket socket;
    private final ServerConnector connector;

    FlupkeServer(Map<String, byte[]> bodies) throws Exception {
        this(bodies, 3);
    }

    /**
     * {@code peerUniStreams}: Kwik's initial_max_streams_uni. Kwik's default is 0 and the
     * application protocol's value (Flupke: 3) only caps it, so an HTTP/3 server built on Kwik must
     * set at least 3 itself (RFC 9114 §6.2); 0 makes a non-conformant server for a negative test.
     */
    FlupkeServer(Map<String, byte[]> bodies, int peerUniStreams) throws Exception {
        this(bodies, peerUniStreams, new NullLogger());
    }

    /** As above, logging to {@code log} (Kwik's packet, recovery and flow-control log, for diagnosis). */
    FlupkeServer(Map<String, byte[]> bodies, int peerUniStreams, Logger log) throws Exception {
        this.bodies = Map.copyOf(bodies);
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        try {
            socket.setReceiveBufferSize(4 << 20);
            socket.setSendBufferSize(4 << 20);
            CertifiedKey leaf = Certificates.issue(ca, "localhost", List.of("localhost", "127.0.0.1"), false,
                    Duration.ofDays(1));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", leaf.privateKey(), PASSWORD, leaf.chain().toArray(new Certificate[0]));
            ServerConnectionConfig config = ServerConnectionConfig.builder()
                    .maxIdleTimeoutInSeconds(10)
                    .maxOpenPeerInitiatedUnidirectionalStreams(peerUniStreams)
                    .maxOpenPeerInitiatedBidirectionalStreams(50)
                    .maxBidirectionalStreamBufferSize(1L << 20)
                    .maxConnectionBufferSize(8L << 20)
                    .build();
            connector = ServerConnector.builder()
                    .withSocket(socket)
                    .withKeyStore(store, "server", PASSWORD)
                    .withSupportedVersion(QuicConnection.QuicVersion.V1)
                    .withConfiguration(config)
                    .withLogger(log)
                    .build();
            connector.registerApplicationProtocol(Http3ApplicationProtocolFactory.HTTP3_PROTOCOL_ID,
                    new Http3ApplicationProtocolFactory(this::handle));
            connector.start();
        } catch (Exception e) {
            socket.close();
            throw e;
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    private void handle(HttpServerRequest request, HttpServerResponse response) throws IOException {
        requestLog.add(request.method() + " " + request.path() + " from " + request.remoteAddress());
        clients.add(request.remoteAddress());
        byte[] body;
        if ("POST".equals(request.method()) && "/echo".equals(request.path())) {
            body = request.body().readAllBytes();
            response.setStatus(200);
        } else if ("GET".equals(request.method()) && bodies.containsKey(request.path())) {
            body = bodies.get(request.path());
            response.setStatus(200);
        } else {
            body = ("not found: " + request.method() + " " + request.path() + "\n").getBytes();
            response.setStatus(404);
        }
        response.addHeader(HEADER, "flupke");
        response.addHeader("content-length", Integer.toString(body.length));
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } finally {
            socket.close();
        }
    }
}
