package org.qdsr.quic.tls;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.X509TrustManager;

import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.crypto.CipherSuite;

import tech.kwik.agent15.NewSessionTicket;
import tech.kwik.agent15.TlsConstants.HandshakeType;
import tech.kwik.agent15.TlsConstants.NamedGroup;
import tech.kwik.agent15.TlsConstants.SignatureScheme;
import tech.kwik.agent15.TlsProtocolException;
import tech.kwik.agent15.alert.IllegalParameterAlert;
import tech.kwik.agent15.alert.NoApplicationProtocolAlert;
import tech.kwik.agent15.engine.ClientMessageSender;
import tech.kwik.agent15.engine.MessageProcessor;
import tech.kwik.agent15.engine.TlsClientEngine;
import tech.kwik.agent15.engine.TlsClientEngineFactory;
import tech.kwik.agent15.engine.TlsStatusEventHandler;
import tech.kwik.agent15.extension.ApplicationLayerProtocolNegotiationExtension;
import tech.kwik.agent15.extension.EarlyDataExtension;
import tech.kwik.agent15.extension.Extension;
import tech.kwik.agent15.handshake.CertificateMessage;
import tech.kwik.agent15.handshake.CertificateVerifyMessage;
import tech.kwik.agent15.handshake.ClientHello;
import tech.kwik.agent15.handshake.FinishedMessage;

/** The client role: agent15 client engine callbacks mapped to QUIC levels (RFC 9001 §4.1). */
final class ClientSide implements QuicTls.HandshakeSide, ClientMessageSender, TlsStatusEventHandler {
    private static final List<SignatureScheme> SIGNATURE_SCHEMES = List.of(
            SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pss_rsae_sha256,
            SignatureScheme.ecdsa_secp384r1_sha384, SignatureScheme.rsa_pss_rsae_sha384,
            SignatureScheme.ecdsa_secp521r1_sha512, SignatureScheme.rsa_pss_rsae_sha512);

    private static final long QUIC_MAX_EARLY_DATA_SIZE = 0xffffffffL;

    private final QuicTls tls;
    private final ClientTlsConfig cfg;
    private final TlsClientEngine engine;
    private SessionTicket resumedTicket;
    private CipherSuite earlySuite;
    private boolean earlyDataRequested;
    private CipherSuite suite;

    ClientSide(QuicTls tls, ClientTlsConfig cfg, byte[] localTransportParameters) {
        this.tls = tls;
        this.cfg = cfg;
        this.engine = TlsClientEngineFactory.createClientEngine(this, this);
        engine.setServerName(cfg.serverName());
        tls.serverName(cfg.serverName());
        engine.setCompatibilityMode(false); // RFC 9001 §8.4
        engine.addSupportedCiphers(cfg.cipherSuites().stream().map(QuicTls::agent15Suite).toList());
        engine.add(new TransportParametersExtension(localTransportParameters));
        engine.add(new ApplicationLayerProtocolNegotiationExtension(cfg.alpn()));
        configureTrust();
        configureResumption();
    }

    private void configureTrust() {
        if (cfg.insecure()) {
            engine.setTrustManager(new AcceptAll());
            engine.setHostnameVerifier((host, cert) -> true);
        } else {
            if (cfg.trustManager() != null) {
                engine.setTrustManager(new Tls13AuthType(cfg.trustManager()));
            }
            engine.setHostnameVerifier(new SanHostnameVerifier()); // IP literals match iPAddress entries
        }
    }

    /** Uses the ticket if it decodes, its ALPN is offered and its suite is offered (RFC 8446 §4.2.11). */
    private void configureResumption() {
        byte[] encoded = cfg.sessionTicket();
        if (encoded == null) {
            return;
        }
        NewSessionTicket ticket;
        try {
            resumedTicket = SessionTicket.decode(encoded);
            ticket = NewSessionTicket.deserialize(resumedTicket.tlsTicket());
        } catch (RuntimeException e) {
            resumedTicket = null;
            return; // unusable ticket: full handshake
        }
        CipherSuite ticketSuite = QuicTls.suite(ticket.getCipher());
        if (!cfg.alpn().contains(resumedTicket.alpn()) || !cfg.cipherSuites().contains(ticketSuite)) {
            resumedTicket = null;
            return;
        }
        engine.setNewSessionTicket(ticket);
        // agent15's deserialize() keeps only max_early_data_size; QUIC requires 0xffffffff (RFC 9001 §4.6.1).
        if (cfg.requestEarlyData() && ticket.getEarlyDataMaxSize() == QUIC_MAX_EARLY_DATA_SIZE) {
            engine.add(new EarlyDataExtension());
            earlyDataRequested = true;
            earlySuite = ticketSuite;
        }
    }

    /** The ticket being resumed (for 0-RTT transport parameter limits), or null. */
    SessionTicket resumedTicket() {
        return resumedTicket;
    }

    @Override
    public MessageProcessor processor() {
        return engine;
    }

    @Override
    public void start() throws IOException {
        engine.startHandshake(NamedGroup.x25519, SIGNATURE_SCHEMES);
    }

    @Override
    public void processed(HandshakeType type) {
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        List<X509Certificate> chain = engine.getServerCertificateChain();
        return chain == null ? List.of() : List.copyOf(chain);
    }

    // ---- ClientMessageSender ----

    @Override
    public void send(ClientHello message) {
        tls.emit(EncryptionLevel.INITIAL, message);
    }

    @Override
    public void send(FinishedMessage message) {
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

    // ---- TlsStatusEventHandler ----

    @Override
    public void earlySecretsKnown() {
        if (earlyDataRequested) {
            tls.secrets(EncryptionLevel.EARLY_DATA, earlySuite, null, engine.getClientEarlyTrafficSecret());
        }
    }

    @Override
    public void handshakeSecretsKnown() {
        suite = QuicTls.suite(engine.getSelectedCipher());
        tls.secrets(EncryptionLevel.HANDSHAKE, suite,
                engine.getServerHandshakeTrafficSecret(), engine.getClientHandshakeTrafficSecret());
    }

    /** EncryptedExtensions: ALPN is mandatory in QUIC (RFC 9001 §8.1), as are transport parameters. */
    @Override
    public void extensionsReceived(List<Extension> extensions) throws TlsProtocolException {
        List<String> selected = extensions.stream()
                .filter(ApplicationLayerProtocolNegotiationExtension.class::isInstance)
                .map(e -> ((ApplicationLayerProtocolNegotiationExtension) e).getProtocols())
                .findFirst()
                .orElseThrow(NoApplicationProtocolAlert::new);
        if (selected.size() != 1 || !cfg.alpn().contains(selected.get(0))) {
            throw new IllegalParameterAlert("server selected an ALPN protocol that was not offered");
        }
        tls.alpnSelected(selected.get(0));
        tls.earlyDataAccepted(earlyDataRequested
                && extensions.stream().anyMatch(EarlyDataExtension.class::isInstance));
        tls.peerTransportParameters(extensions);
    }

    @Override
    public void handshakeFinished() {
        tls.secrets(EncryptionLevel.APPLICATION, suite,
                engine.getServerApplicationTrafficSecret(), engine.getClientApplicationTrafficSecret());
        tls.completed();
    }

    @Override
    public void newSessionTicketReceived(NewSessionTicket ticket) {
        byte[] peerTp = tls.peerTransportParameters();
        if (tls.alpn() == null || peerTp == null) {
            return;
        }
        tls.sessionTicket(new SessionTicket(tls.alpn(), peerTp, ticket.serialize()).encode());
    }

    @Override
    public boolean isEarlyDataAccepted() {
        return tls.earlyDataAccepted();
    }

    /**
     * agent15 passes authType "RSA" to a custom trust manager, which makes the JDK's PKIX checker
     * demand keyEncipherment (a TLS 1.2 RSA key-exchange rule); TLS 1.3 has no key exchange in the
     * certificate, so JSSE itself uses "UNKNOWN". This adapter does the same.
     */
    private record Tls13AuthType(X509TrustManager delegate) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, "UNKNOWN");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, "UNKNOWN");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** Insecure mode only: trusts every server certificate. */
    private static final class AcceptAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
