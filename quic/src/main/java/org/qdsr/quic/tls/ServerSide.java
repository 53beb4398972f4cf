package org.qdsr.quic.tls;

import java.security.cert.X509Certificate;
import java.util.List;

import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.crypto.CipherSuite;

import tech.kwik.agent15.NewSessionTicket;
import tech.kwik.agent15.TlsConstants.HandshakeType;
import tech.kwik.agent15.TlsProtocolException;
import tech.kwik.agent15.alert.NoApplicationProtocolAlert;
import tech.kwik.agent15.engine.MessageProcessor;
import tech.kwik.agent15.engine.ServerMessageSender;
import tech.kwik.agent15.engine.TlsServerEngine;
import tech.kwik.agent15.engine.TlsStatusEventHandler;
import tech.kwik.agent15.extension.ApplicationLayerProtocolNegotiationExtension;
import tech.kwik.agent15.extension.Extension;
import tech.kwik.agent15.extension.ServerNameExtension;
import tech.kwik.agent15.handshake.CertificateMessage;
import tech.kwik.agent15.handshake.CertificateVerifyMessage;
import tech.kwik.agent15.handshake.EncryptedExtensions;
import tech.kwik.agent15.handshake.FinishedMessage;
import tech.kwik.agent15.handshake.NewSessionTicketMessage;
import tech.kwik.agent15.handshake.ServerHello;

/** The server role: agent15 server engine callbacks mapped to QUIC levels (RFC 9001 §4.1). */
final class ServerSide implements QuicTls.HandshakeSide, ServerMessageSender, TlsStatusEventHandler {
    private final QuicTls tls;
    private final ServerTlsContext ctx;
    private final byte[] localTransportParameters;
    private final TlsServerEngine engine;
    private boolean earlyDataAccepted;

    ServerSide(QuicTls tls, ServerTlsContext ctx, byte[] localTransportParameters) {
        this.tls = tls;
        this.ctx = ctx;
        this.localTransportParameters = localTransportParameters;
        this.engine = ctx.createEngine(this, this);
        engine.addSupportedCiphers(ClientTlsConfig.DEFAULT_CIPHER_SUITES.stream().map(QuicTls::agent15Suite).toList());
    }

    @Override
    public MessageProcessor processor() {
        return engine;
    }

    @Override
    public void start() {
    }

    /** After the ClientHello the 1-RTT secrets exist, but agent15 has no callback for them. */
    @Override
    public void processed(HandshakeType type) {
        if (type == HandshakeType.client_hello) {
            tls.secrets(EncryptionLevel.APPLICATION, suite(),
                    engine.getClientApplicationTrafficSecret(), engine.getServerApplicationTrafficSecret());
        }
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return List.of();
    }

    private CipherSuite suite() {
        return QuicTls.suite(engine.getSelectedCipher());
    }

    // ---- ServerMessageSender ----

    @Override
    public void send(ServerHello message) {
        tls.emit(EncryptionLevel.INITIAL, message);
    }

    @Override
    public void send(EncryptedExtensions message) {
        tls.emit(EncryptionLevel.HANDSHAKE, message);
    }

    @Override
    public void send(CertificateMessage message) {
        tls.emit(EncryptionLevel.HANDSHAKE, message);
    }

    @Override
    public void send(CertificateVerifyMessage message) {
        tls.emit(EncryptionLevel.HANDSHAKE, message);
    }

    @Override
    public void send(FinishedMessage message) {
        tls.emit(EncryptionLevel.HANDSHAKE, message);
    }

    @Override
    public void send(NewSessionTicketMessage message) {
        tls.emit(EncryptionLevel.APPLICATION, message);
    }

    // ---- TlsStatusEventHandler ----

    /** ClientHello extensions: select ALPN (RFC 9001 §8.1), take and answer transport parameters. */
    @Override
    public void extensionsReceived(List<Extension> extensions) throws TlsProtocolException {
        List<String> offered = extensions.stream()
                .filter(ApplicationLayerProtocolNegotiationExtension.class::isInstance)
                .map(e -> ((ApplicationLayerProtocolNegotiationExtension) e).getProtocols())
                .findFirst()
                .orElseThrow(NoApplicationProtocolAlert::new);
        String selected = ctx.alpn().stream().filter(offered::contains).findFirst()
                .orElseThrow(() -> new NoApplicationProtocolAlert(offered));
        extensions.stream().filter(ServerNameExtension.class::isInstance).findFirst()
                .ifPresent(e -> tls.serverName(((ServerNameExtension) e).getHostName()));
        tls.peerTransportParameters(extensions);
        engine.setSelectedApplicationLayerProtocol(selected);
        engine.addServerExtensions(new ApplicationLayerProtocolNegotiationExtension(selected));
        engine.addServerExtensions(new TransportParametersExtension(localTransportParameters));
        tls.alpnSelected(selected);
    }

    /** Asked only when the client offered early data with a valid first PSK and the same ALPN. */
    @Override
    public boolean isEarlyDataAccepted() {
        earlyDataAccepted = ctx.acceptEarlyData();
        tls.earlyDataAccepted(earlyDataAccepted);
        return earlyDataAccepted;
    }

    @Override
    public void earlySecretsKnown() {
        if (earlyDataAccepted) {
            tls.secrets(EncryptionLevel.EARLY_DATA, suite(), engine.getClientEarlyTrafficSecret(), null);
        }
    }

    @Override
    public void handshakeSecretsKnown() {
        tls.secrets(EncryptionLevel.HANDSHAKE, suite(),
                engine.getClientHandshakeTrafficSecret(), engine.getServerHandshakeTrafficSecret());
    }

    @Override
    public void handshakeFinished() {
        tls.completed();
    }

    @Override
    public void newSessionTicketReceived(NewSessionTicket ticket) {
    }
}
