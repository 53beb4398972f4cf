package org.qdsr.quic.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.crypto.CipherSuite;

class QuicTlsHandshakeTest {
    static final byte[] CLIENT_TP = "client-transport-parameters\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] SERVER_TP = "server-tp".getBytes(StandardCharsets.US_ASCII);

    static ServerTlsContext server;

    @BeforeAll
    static void createServer() {
        server = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost", "127.0.0.1"));
    }

    @AfterAll
    static void closeServer() {
        server.close();
    }

    static ClientTlsConfig insecureClient() {
        return ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true);
    }

    /** Runs a full handshake and returns {client, server}. */
    static TlsPeer[] handshake(ClientTlsConfig cfg, ServerTlsContext ctx, int chunk) throws QuicException {
        TlsPeer client = new TlsPeer();
        TlsPeer srv = new TlsPeer();
        client.tls = QuicTls.client(cfg, CLIENT_TP, client);
        srv.tls = QuicTls.server(ctx, SERVER_TP, srv);
        client.tls.start();
        TlsPeer.pump(client, srv, chunk);
        return new TlsPeer[] {client, srv};
    }

    static void assertSecretsMatch(TlsPeer client, TlsPeer srv, EncryptionLevel level) {
        TlsPeer.Secrets c = client.secrets.get(level);
        TlsPeer.Secrets s = srv.secrets.get(level);
        assertThat(c).as("client %s secrets", level).isNotNull();
        assertThat(s).as("server %s secrets", level).isNotNull();
        assertThat(c.suite()).isEqualTo(s.suite());
        assertThat(c.write()).isEqualTo(s.read());
        assertThat(c.read()).isEqualTo(s.write());
        assertThat(c.read()).isNotEqualTo(c.write());
        assertThat(c.read()).hasSize(c.suite().hashLength());
    }

    @Test
    void fullHandshakeDerivesIdenticalSecretsAndExchangesParameters() throws QuicException {
        TlsPeer[] peers = handshake(insecureClient(), server, Integer.MAX_VALUE);
        TlsPeer client = peers[0];
        TlsPeer srv = peers[1];

        assertSecretsMatch(client, srv, EncryptionLevel.HANDSHAKE);
        assertSecretsMatch(client, srv, EncryptionLevel.APPLICATION);
        assertThat(client.secrets).doesNotContainKey(EncryptionLevel.EARLY_DATA);
        assertThat(srv.secrets).doesNotContainKey(EncryptionLevel.EARLY_DATA);
        assertThat(srv.secretOrder).containsExactly(EncryptionLevel.HANDSHAKE, EncryptionLevel.APPLICATION);

        assertThat(client.tls.alpn()).isEqualTo("h3");
        assertThat(srv.tls.alpn()).isEqualTo("h3");
        assertThat(client.peerTransportParameters).isEqualTo(SERVER_TP);
        assertThat(srv.peerTransportParameters).isEqualTo(CLIENT_TP);
        assertThat(client.tls.peerTransportParameters()).isEqualTo(SERVER_TP);
        assertThat(client.peerTransportParameterCalls).isEqualTo(1);
        assertThat(srv.peerTransportParameterCalls).isEqualTo(1);

        assertThat(client.complete).isTrue();
        assertThat(srv.complete).isTrue();
        assertThat(client.tls.handshakeComplete()).isTrue();
        assertThat(srv.tls.handshakeComplete()).isTrue();
        assertThat(client.tls.cipherSuite()).isEqualTo(CipherSuite.TLS_AES_128_GCM_SHA256);
        assertThat(srv.tls.cipherSuite()).isEqualTo(CipherSuite.TLS_AES_128_GCM_SHA256);
        assertThat(client.tls.earlyDataAccepted()).isFalse();
        assertThat(client.tickets).hasSize(1);
        assertThat(srv.tls.serverName()).isEqualTo("localhost");
        assertThat(client.tls.peerCertificates()).containsExactly(server.certificate());
    }

    @Test
    void handshakeMessagesSplitIntoSmallChunksAreReassembled() throws QuicException {
        TlsPeer[] peers = handshake(insecureClient(), server, 7);
        assertThat(peers[0].complete).isTrue();
        assertThat(peers[1].complete).isTrue();
        assertSecretsMatch(peers[0], peers[1], EncryptionLevel.APPLICATION);
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void eachCipherSuiteNegotiates(CipherSuite suite) throws QuicException {
        TlsPeer[] peers = handshake(insecureClient().withCipherSuites(List.of(suite)), server, Integer.MAX_VALUE);
        assertThat(peers[0].tls.cipherSuite()).isEqualTo(suite);
        assertThat(peers[1].tls.cipherSuite()).isEqualTo(suite);
        assertSecretsMatch(peers[0], peers[1], EncryptionLevel.HANDSHAKE);
        assertSecretsMatch(peers[0], peers[1], EncryptionLevel.APPLICATION);
    }

    @Test
    void resumedConnectionUsesZeroRtt() throws QuicException {
        byte[] ticket = handshake(insecureClient(), server, Integer.MAX_VALUE)[0].tickets.get(0);
        SessionTicket decoded = SessionTicket.decode(ticket);
        assertThat(decoded.alpn()).isEqualTo("h3");
        assertThat(decoded.peerTransportParameters()).isEqualTo(SERVER_TP);

        TlsPeer[] peers = handshake(insecureClient().withSessionTicket(ticket, true), server, Integer.MAX_VALUE);
        TlsPeer client = peers[0];
        TlsPeer srv = peers[1];
        TlsPeer.Secrets clientEarly = client.secrets.get(EncryptionLevel.EARLY_DATA);
        TlsPeer.Secrets serverEarly = srv.secrets.get(EncryptionLevel.EARLY_DATA);
        assertThat(clientEarly.read()).isNull();
        assertThat(serverEarly.write()).isNull();
        assertThat(clientEarly.write()).isNotNull().isEqualTo(serverEarly.read());
        assertThat(clientEarly.suite()).isEqualTo(serverEarly.suite());
        assertThat(client.secretOrder.get(0)).isEqualTo(EncryptionLevel.EARLY_DATA);
        assertThat(client.tls.earlyDataAccepted()).isTrue();
        assertThat(srv.tls.earlyDataAccepted()).isTrue();
        assertThat(client.complete).isTrue();
        assertThat(srv.complete).isTrue();
        assertSecretsMatch(client, srv, EncryptionLevel.APPLICATION);
    }

    @Test
    void serverCanDeclineEarlyData() throws QuicException {
        try (ServerTlsContext ctx = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost"))) {
            ctx.setAcceptEarlyData(false);
            byte[] ticket = handshake(insecureClient(), ctx, Integer.MAX_VALUE)[0].tickets.get(0);
            TlsPeer[] peers = handshake(insecureClient().withSessionTicket(ticket, true), ctx, Integer.MAX_VALUE);
            assertThat(peers[0].secrets).containsKey(EncryptionLevel.EARLY_DATA); // attempted
            assertThat(peers[1].secrets).doesNotContainKey(EncryptionLevel.EARLY_DATA);
            assertThat(peers[0].tls.earlyDataAccepted()).isFalse();
            assertThat(peers[1].tls.earlyDataAccepted()).isFalse();
            assertThat(peers[0].complete).isTrue();
            assertSecretsMatch(peers[0], peers[1], EncryptionLevel.APPLICATION);
        }
    }

    @Test
    void ticketWithoutEarlyDataRequestResumesWithoutZeroRtt() throws QuicException {
        byte[] ticket = handshake(insecureClient(), server, Integer.MAX_VALUE)[0].tickets.get(0);
        TlsPeer[] peers = handshake(insecureClient().withSessionTicket(ticket, false), server, Integer.MAX_VALUE);
        assertThat(peers[0].secrets).doesNotContainKey(EncryptionLevel.EARLY_DATA);
        assertThat(peers[1].secrets).doesNotContainKey(EncryptionLevel.EARLY_DATA);
        assertThat(peers[0].complete).isTrue();
    }

    @Test
    void corruptTicketFallsBackToFullHandshake() throws QuicException {
        TlsPeer[] peers = handshake(insecureClient().withSessionTicket(new byte[] {1, 2, 3}, true), server,
                Integer.MAX_VALUE);
        assertThat(peers[0].complete).isTrue();
        assertThat(peers[0].tls.earlyDataAccepted()).isFalse();
    }

    @Test
    void serverPrefersItsOwnAlpnOrder() throws QuicException {
        try (ServerTlsContext ctx = ServerTlsContext.selfSigned(List.of("h3", "hq-interop"), List.of("localhost"))) {
            ClientTlsConfig cfg = new ClientTlsConfig("localhost", List.of("hq-interop", "h3"), null, true,
                    null, false, null);
            TlsPeer[] peers = handshake(cfg, ctx, Integer.MAX_VALUE);
            assertThat(peers[0].tls.alpn()).isEqualTo("h3");
            assertThat(peers[1].tls.alpn()).isEqualTo("h3");
        }
    }

    @Test
    void sessionTicketEncodingRoundTrips() {
        SessionTicket t = new SessionTicket("h3", new byte[] {1, 2}, new byte[] {3, 4, 5});
        SessionTicket back = SessionTicket.decode(t.encode());
        assertThat(back.alpn()).isEqualTo("h3");
        assertThat(back.peerTransportParameters()).containsExactly(1, 2);
        assertThat(back.tlsTicket()).containsExactly(3, 4, 5);
    }
}
