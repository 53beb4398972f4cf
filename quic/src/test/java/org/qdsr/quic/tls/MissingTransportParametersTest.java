package org.qdsr.quic.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;

import tech.kwik.agent15.NewSessionTicket;
import tech.kwik.agent15.TlsConstants;
import tech.kwik.agent15.engine.ClientMessageSender;
import tech.kwik.agent15.engine.TlsClientEngine;
import tech.kwik.agent15.engine.TlsClientEngineFactory;
import tech.kwik.agent15.engine.TlsStatusEventHandler;
import tech.kwik.agent15.extension.ApplicationLayerProtocolNegotiationExtension;
import tech.kwik.agent15.extension.Extension;
import tech.kwik.agent15.handshake.CertificateMessage;
import tech.kwik.agent15.handshake.CertificateVerifyMessage;
import tech.kwik.agent15.handshake.ClientHello;
import tech.kwik.agent15.handshake.FinishedMessage;

/** A plain-TLS ClientHello (no quic_transport_parameters) must be refused (RFC 9001 §8.2). */
class MissingTransportParametersTest {
    static final long MISSING_EXTENSION = 0x100 + 109;

    /** Builds a ClientHello with agent15 directly, offering ALPN but no transport parameters. */
    static byte[] plainTlsClientHello() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        ClientMessageSender sender = new ClientMessageSender() {
            @Override
            public void send(ClientHello message) {
                sent.add(message.getBytes());
            }

            @Override
            public void send(FinishedMessage message) {
            }

            @Override
            public void send(CertificateMessage message) {
            }

            @Override
            public void send(CertificateVerifyMessage message) {
            }
        };
        TlsStatusEventHandler events = new TlsStatusEventHandler() {
            public void earlySecretsKnown() {
            }

            public void handshakeSecretsKnown() {
            }

            public void handshakeFinished() {
            }

            public void newSessionTicketReceived(NewSessionTicket ticket) {
            }

            public void extensionsReceived(List<Extension> extensions) {
            }

            public boolean isEarlyDataAccepted() {
                return false;
            }
        };
        TlsClientEngine engine = TlsClientEngineFactory.createClientEngine(sender, events);
        engine.setServerName("localhost");
        engine.addSupportedCiphers(List.of(TlsConstants.CipherSuite.TLS_AES_128_GCM_SHA256));
        engine.add(new ApplicationLayerProtocolNegotiationExtension("h3"));
        engine.startHandshake(TlsConstants.NamedGroup.x25519,
                List.of(TlsConstants.SignatureScheme.ecdsa_secp256r1_sha256));
        return sent.get(0);
    }

    @Test
    void serverRejectsClientHelloWithoutTransportParameters() throws Exception {
        byte[] hello = plainTlsClientHello();
        try (ServerTlsContext ctx = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost"))) {
            TlsPeer srv = new TlsPeer();
            srv.tls = QuicTls.server(ctx, new byte[] {1}, srv);
            QuicException e = catchThrowableOfType(
                    () -> srv.tls.receive(EncryptionLevel.INITIAL, hello, 0, hello.length), QuicException.class);
            assertThat(e.errorCode()).isEqualTo(MISSING_EXTENSION);
            assertThat(srv.outbox).isEmpty();
            assertThat(srv.peerTransportParameterCalls).isZero();
        }
    }
}
