package org.qdsr.quic.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

class QuicTlsErrorTest {
    static final long NO_APPLICATION_PROTOCOL = 0x100 + 120;
    static final long BAD_CERTIFICATE = 0x100 + 42;
    static final long CERTIFICATE_UNKNOWN = 0x100 + 46;
    static final long UNKNOWN_CA = 0x100 + 48;
    static final long UNEXPECTED_MESSAGE = 0x100 + 10;

    static ServerTlsContext server;

    @BeforeAll
    static void createServer() {
        server = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost"));
    }

    @AfterAll
    static void closeServer() {
        server.close();
    }

    static TlsPeer[] start(ClientTlsConfig cfg, ServerTlsContext ctx) throws QuicException {
        TlsPeer client = new TlsPeer();
        TlsPeer srv = new TlsPeer();
        client.tls = QuicTls.client(cfg, new byte[] {1}, client);
        srv.tls = QuicTls.server(ctx, new byte[] {2}, srv);
        client.tls.start();
        return new TlsPeer[] {client, srv};
    }

    static X509TrustManager trusting(java.security.cert.X509Certificate anchor) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("anchor", anchor);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    @Test
    void alpnMismatchClosesWithNoApplicationProtocol() throws QuicException {
        TlsPeer[] p = start(new ClientTlsConfig("localhost", List.of("hq-interop"), null, true, null, false, null),
                server);
        QuicException e = catchThrowableOfType(() -> TlsPeer.pump(p[0], p[1]), QuicException.class);
        assertThat(e.errorCode()).isEqualTo(NO_APPLICATION_PROTOCOL);
        assertThat(p[1].tls.handshakeComplete()).isFalse();
        assertThat(p[1].outbox).isEmpty(); // no ServerHello was produced
    }

    @Test
    void defaultTrustRejectsSelfSignedCertificate() throws QuicException {
        TlsPeer[] p = start(ClientTlsConfig.of("localhost", List.of("h3")), server);
        QuicException e = catchThrowableOfType(() -> TlsPeer.pump(p[0], p[1]), QuicException.class);
        assertThat(e.errorCode()).isIn(BAD_CERTIFICATE, CERTIFICATE_UNKNOWN, UNKNOWN_CA);
        assertThat(p[0].tls.handshakeComplete()).isFalse();
        assertThat(p[0].secrets).doesNotContainKey(EncryptionLevel.APPLICATION);
    }

    @Test
    void explicitTrustAnchorAcceptsServerAndChecksHostname() throws Exception {
        X509TrustManager tm = trusting(server.certificate());
        TlsPeer[] ok = start(ClientTlsConfig.of("localhost", List.of("h3")).withTrustManager(tm), server);
        TlsPeer.pump(ok[0], ok[1]);
        assertThat(ok[0].tls.handshakeComplete()).isTrue();

        TlsPeer[] wrongName = start(ClientTlsConfig.of("example.org", List.of("h3")).withTrustManager(tm), server);
        QuicException e = catchThrowableOfType(() -> TlsPeer.pump(wrongName[0], wrongName[1]), QuicException.class);
        assertThat(e.errorCode()).isEqualTo(CERTIFICATE_UNKNOWN);
    }

    @Test
    void insecureModeAcceptsAnyCertificateAndName() throws QuicException {
        TlsPeer[] p = start(ClientTlsConfig.of("not-the-name.example", List.of("h3")).withInsecure(true), server);
        TlsPeer.pump(p[0], p[1]);
        assertThat(p[0].tls.handshakeComplete()).isTrue();
        assertThat(p[1].tls.handshakeComplete()).isTrue();
    }

    @Test
    void transportParameterRejectionByListenerPropagatesUnchanged() throws QuicException {
        TlsPeer[] p = start(ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true), server);
        QuicException reject = new QuicException(TransportError.TRANSPORT_PARAMETER_ERROR, "bad");
        p[1].rejectTransportParameters = reject;
        assertThatThrownBy(() -> TlsPeer.pump(p[0], p[1])).isSameAs(reject);
        // the connection stays failed
        assertThatThrownBy(() -> p[1].tls.receive(EncryptionLevel.INITIAL, new byte[1], 0, 1)).isSameAs(reject);
    }

    @Test
    void clientRejectionOfServerParametersPropagates() throws QuicException {
        TlsPeer[] p = start(ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true), server);
        p[0].rejectTransportParameters = new QuicException(TransportError.TRANSPORT_PARAMETER_ERROR, "bad");
        QuicException e = catchThrowableOfType(() -> TlsPeer.pump(p[0], p[1]), QuicException.class);
        assertThat(e.errorCode()).isEqualTo(TransportError.TRANSPORT_PARAMETER_ERROR.code());
        assertThat(p[0].tls.handshakeComplete()).isFalse();
    }

    @Test
    void randomGarbageOnlyEverYieldsQuicException() {
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[1 + random.nextInt(600)];
            random.nextBytes(junk);
            if (i % 2 == 0) {
                junk[0] = (byte) (i % 4 == 0 ? 1 : 2); // client_hello / server_hello type
                junk[1] = 0;
                junk[2] = (byte) ((junk.length - 4) >> 8);
                junk[3] = (byte) (junk.length - 4);
            }
            TlsPeer peer = new TlsPeer();
            boolean asClient = i % 3 == 0;
            peer.tls = asClient
                    ? QuicTls.client(ClientTlsConfig.of("localhost", List.of("h3")), new byte[0], peer)
                    : QuicTls.server(server, new byte[0], peer);
            EncryptionLevel level = i % 5 == 0 ? EncryptionLevel.HANDSHAKE : EncryptionLevel.INITIAL;
            try {
                if (asClient) {
                    peer.tls.start();
                }
                peer.tls.receive(level, junk, 0, junk.length);
            } catch (QuicException expected) {
                assertThat(expected.errorCode()).isNotZero();
            }
        }
    }

    @Test
    void truncatedClientHelloBodiesOnlyYieldQuicException() throws QuicException {
        TlsPeer client = new TlsPeer();
        client.tls = QuicTls.client(ClientTlsConfig.of("localhost", List.of("h3")), new byte[] {7}, client);
        client.tls.start();
        byte[] hello = client.drain(EncryptionLevel.INITIAL);
        for (int cut = 5; cut < hello.length; cut += 3) {
            byte[] broken = Arrays.copyOf(hello, cut);
            int body = cut - 4;
            broken[1] = (byte) (body >> 16);
            broken[2] = (byte) (body >> 8);
            broken[3] = (byte) body;
            TlsPeer srv = new TlsPeer();
            srv.tls = QuicTls.server(server, new byte[0], srv);
            assertThatThrownBy(() -> srv.tls.receive(EncryptionLevel.INITIAL, broken, 0, broken.length))
                    .isInstanceOf(QuicException.class);
        }
    }

    @Test
    void oversizedHandshakeMessageExceedsCryptoBuffer() {
        TlsPeer srv = new TlsPeer();
        srv.tls = QuicTls.server(server, new byte[0], srv);
        byte[] header = {1, 0x01, 0x00, 0x00}; // ClientHello claiming 64 KiB
        QuicException e = catchThrowableOfType(
                () -> srv.tls.receive(EncryptionLevel.INITIAL, header, 0, header.length), QuicException.class);
        assertThat(e.errorCode()).isEqualTo(TransportError.CRYPTO_BUFFER_EXCEEDED.code());
    }

    @Test
    void tooMuchBufferedDataExceedsCryptoBuffer() {
        TlsPeer srv = new TlsPeer();
        srv.tls = QuicTls.server(server, new byte[0], srv);
        byte[] chunk = new byte[QuicTls.CRYPTO_BUFFER_LIMIT + 1];
        QuicException e = catchThrowableOfType(
                () -> srv.tls.receive(EncryptionLevel.HANDSHAKE, chunk, 0, chunk.length), QuicException.class);
        assertThat(e.errorCode()).isEqualTo(TransportError.CRYPTO_BUFFER_EXCEEDED.code());
    }

    @Test
    void cryptoDataAtEarlyDataLevelIsProtocolViolation() {
        TlsPeer srv = new TlsPeer();
        srv.tls = QuicTls.server(server, new byte[0], srv);
        QuicException e = catchThrowableOfType(
                () -> srv.tls.receive(EncryptionLevel.EARLY_DATA, new byte[4], 0, 4), QuicException.class);
        assertThat(e.errorCode()).isEqualTo(TransportError.PROTOCOL_VIOLATION.code());
    }

    @Test
    void handshakeMessageAtWrongLevelIsUnexpectedMessage() throws QuicException {
        TlsPeer[] p = start(ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true), server);
        byte[] hello = p[0].drain(EncryptionLevel.INITIAL);
        QuicException e = catchThrowableOfType(
                () -> p[1].tls.receive(EncryptionLevel.HANDSHAKE, hello, 0, hello.length), QuicException.class);
        assertThat(e.errorCode()).isEqualTo(UNEXPECTED_MESSAGE);
    }

    @Test
    void listenerBugsAreNotDisguisedAsTlsErrors() throws QuicException {
        TlsPeer client = new TlsPeer() {
            @Override
            public void onCryptoData(EncryptionLevel level, byte[] data) {
                throw new IllegalStateException("listener bug");
            }
        };
        client.tls = QuicTls.client(ClientTlsConfig.of("localhost", List.of("h3")), new byte[0], client);
        assertThatThrownBy(client.tls::start).isInstanceOf(IllegalStateException.class).hasMessage("listener bug");
    }
}
