package org.qdsr.quic.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.crypto.CipherSuite;

import tech.kwik.agent15.ProtectionKeysType;
import tech.kwik.agent15.TlsConstants;
import tech.kwik.agent15.TlsConstants.HandshakeType;
import tech.kwik.agent15.TlsProtocolException;
import tech.kwik.agent15.alert.ErrorAlert;
import tech.kwik.agent15.alert.MissingExtensionAlert;
import tech.kwik.agent15.engine.MessageProcessor;
import tech.kwik.agent15.engine.TlsMessageParser;
import tech.kwik.agent15.extension.Extension;
import tech.kwik.agent15.handshake.HandshakeMessage;

/**
 * The TLS 1.3 handshake of one QUIC connection (RFC 9001 §4), driving agent15 sans-I/O: CRYPTO
 * stream bytes go in through {@link #receive}, and handshake bytes to send, traffic secrets and
 * the peer's transport parameters come out through the {@link TlsListener}, synchronously.
 * Not thread-safe; use from the connection's thread only.
 */
public final class QuicTls {
    /** Maximum bytes of incomplete handshake messages buffered per level (RFC 9000 §7.5). */
    public static final int CRYPTO_BUFFER_LIMIT = 64 * 1024;

    private static final long CRYPTO_FRAME_TYPE = 0x06;

    private final boolean client;
    private final TlsListener listener;
    private final TlsMessageParser parser = new TlsMessageParser(new TransportParametersExtension.Parser());
    private final CryptoMessageBuffer[] buffers = new CryptoMessageBuffer[EncryptionLevel.values().length];
    private HandshakeSide side;

    private QuicException failure;
    private boolean complete;
    private String alpn;
    private byte[] peerTransportParameters;
    private boolean earlyDataAccepted;
    private CipherSuite cipherSuite;
    private String serverName;

    private QuicTls(boolean client, TlsListener listener) {
        this.client = client;
        this.listener = listener;
        for (EncryptionLevel level : EncryptionLevel.values()) {
            buffers[level.ordinal()] = new CryptoMessageBuffer(CRYPTO_BUFFER_LIMIT);
        }
    }

    /** A client handshake; call {@link #start()} to produce the ClientHello. */
    public static QuicTls client(ClientTlsConfig cfg, byte[] localTransportParameters, TlsListener listener) {
        QuicTls tls = new QuicTls(true, listener);
        tls.side = new ClientSide(tls, cfg, localTransportParameters.clone());
        return tls;
    }

    /** A server handshake; it starts with the first Initial CRYPTO data. */
    public static QuicTls server(ServerTlsContext ctx, byte[] localTransportParameters, TlsListener listener) {
        QuicTls tls = new QuicTls(false, listener);
        tls.side = new ServerSide(tls, ctx, localTransportParameters.clone());
        return tls;
    }

    /** Client: emits the ClientHello (and the 0-RTT secret if early data is attempted). Server: no-op. */
    public void start() throws QuicException {
        run(() -> side.start());
    }

    /**
     * In-order CRYPTO stream bytes at {@code level} (the caller reassembles by offset). Complete
     * handshake messages are processed at once; a partial one is buffered.
     *
     * @throws QuicException CRYPTO_ERROR (0x100 + TLS alert) for handshake failures,
     *         CRYPTO_BUFFER_EXCEEDED, PROTOCOL_VIOLATION for CRYPTO data at EARLY_DATA level,
     *         or whatever {@link TlsListener#onPeerTransportParameters} threw
     */
    public void receive(EncryptionLevel level, byte[] data, int off, int len) throws QuicException {
        if (failure != null) {
            throw failure;
        }
        if (level == EncryptionLevel.EARLY_DATA) {
            throw fail(new QuicException(TransportError.PROTOCOL_VIOLATION, CRYPTO_FRAME_TYPE,
                    "CRYPTO frame in 0-RTT packet (RFC 9001 §4.1.3)"));
        }
        CryptoMessageBuffer buffer = buffers[level.ordinal()];
        try {
            buffer.append(data, off, len);
            for (byte[] message = buffer.nextMessage(); message != null; message = buffer.nextMessage()) {
                process(level, message);
            }
        } catch (QuicException e) {
            throw fail(e);
        }
    }

    public boolean handshakeComplete() {
        return complete;
    }

    /** The negotiated ALPN protocol, or null before it is known. */
    public String alpn() {
        return alpn;
    }

    /** The peer's encoded transport parameters, or null before they arrived. */
    public byte[] peerTransportParameters() {
        return peerTransportParameters == null ? null : peerTransportParameters.clone();
    }

    /** Whether 0-RTT was accepted (client: known after EncryptedExtensions; server: after ClientHello). */
    public boolean earlyDataAccepted() {
        return earlyDataAccepted;
    }

    /** The negotiated cipher suite, or null before the ServerHello. */
    public CipherSuite cipherSuite() {
        return cipherSuite;
    }

    public boolean isClient() {
        return client;
    }

    /** Client: the configured server name. Server: the client's SNI (RFC 6066), or null if none sent. */
    public String serverName() {
        return serverName;
    }

    /** Client: the server's certificate chain once received (empty before). Server: empty. */
    public List<X509Certificate> peerCertificates() {
        return side.peerCertificates();
    }

    private void process(EncryptionLevel level, byte[] message) throws QuicException {
        HandshakeType type = handshakeType(message[0]);
        if (type == null || !expected(level).contains(type)) {
            throw new QuicException(alertCode(TlsConstants.AlertDescription.unexpected_message),
                    CRYPTO_FRAME_TYPE, "unexpected handshake message " + (message[0] & 0xff) + " at " + level);
        }
        run(() -> {
            parser.parseAndProcessHandshakeMessage(ByteBuffer.wrap(message), side.processor(), keysType(level));
            side.processed(type);
        });
    }

    /** Runs agent15 code, translating everything it can throw into QuicException (RFC 9001 §4.8). */
    private void run(Step step) throws QuicException {
        if (failure != null) {
            throw failure;
        }
        try {
            step.run();
        } catch (ListenerFailure e) {
            throw e.original;
        } catch (AbortedByListener e) {
            throw fail(e.exception);
        } catch (ErrorAlert e) {
            throw fail(new QuicException(alertCode(e.alertDescription()), CRYPTO_FRAME_TYPE,
                    e.alertDescription() + ": " + e.getMessage()));
        } catch (TlsProtocolException | IOException e) {
            throw fail(new QuicException(TransportError.INTERNAL_ERROR, CRYPTO_FRAME_TYPE, "TLS: " + e.getMessage()));
        } catch (RuntimeException e) {
            throw fail(new QuicException(alertCode(TlsConstants.AlertDescription.decode_error), CRYPTO_FRAME_TYPE,
                    "malformed handshake message: " + e));
        }
    }

    private QuicException fail(QuicException e) {
        failure = e;
        return e;
    }

    private Set<HandshakeType> expected(EncryptionLevel level) {
        return switch (level) {
            case INITIAL -> client ? EnumSet.of(HandshakeType.server_hello) : EnumSet.of(HandshakeType.client_hello);
            case HANDSHAKE -> client
                    ? EnumSet.of(HandshakeType.encrypted_extensions, HandshakeType.certificate,
                            HandshakeType.certificate_request, HandshakeType.certificate_verify, HandshakeType.finished)
                    : EnumSet.of(HandshakeType.certificate, HandshakeType.certificate_verify, HandshakeType.finished);
            // KeyUpdate is forbidden in QUIC (RFC 9001 §6); only tickets flow at 1-RTT.
            case APPLICATION -> client ? EnumSet.of(HandshakeType.new_session_ticket) : EnumSet.noneOf(HandshakeType.class);
            case EARLY_DATA -> EnumSet.noneOf(HandshakeType.class);
        };
    }

    private static HandshakeType handshakeType(byte value) {
        for (HandshakeType t : HandshakeType.values()) {
            if (t.value == value) {
                return t;
            }
        }
        return null;
    }

    private static ProtectionKeysType keysType(EncryptionLevel level) {
        return switch (level) {
            case INITIAL, EARLY_DATA -> ProtectionKeysType.None;
            case HANDSHAKE -> ProtectionKeysType.Handshake;
            case APPLICATION -> ProtectionKeysType.Application;
        };
    }

    static long alertCode(TlsConstants.AlertDescription alert) {
        return TransportError.CRYPTO_ERROR_BASE + (alert.value & 0xff);
    }

    static CipherSuite suite(TlsConstants.CipherSuite agent15Suite) {
        return agent15Suite == null ? null : CipherSuite.fromCode(agent15Suite.value & 0xffff);
    }

    static TlsConstants.CipherSuite agent15Suite(CipherSuite suite) {
        return TlsConstants.CipherSuite.valueOf(suite.name());
    }

    // ---- events from the client/server sides (called inside agent15 callbacks) ----

    void emit(EncryptionLevel level, HandshakeMessage message) {
        byte[] bytes = message.getBytes();
        guard(() -> listener.onCryptoData(level, bytes));
    }

    void secrets(EncryptionLevel level, CipherSuite suite, byte[] read, byte[] write) {
        if (cipherSuite == null && level != EncryptionLevel.EARLY_DATA) {
            cipherSuite = suite;
        }
        guard(() -> listener.onSecrets(level, suite, read, write));
    }

    /** Finds quic_transport_parameters (RFC 9001 §8.2) and hands it to the listener. */
    void peerTransportParameters(List<Extension> extensions) throws TlsProtocolException {
        TransportParametersExtension tp = extensions.stream()
                .filter(TransportParametersExtension.class::isInstance)
                .map(TransportParametersExtension.class::cast)
                .findFirst()
                .orElseThrow(() -> new MissingExtensionAlert("quic_transport_parameters missing"));
        if (peerTransportParameters != null) {
            return;
        }
        peerTransportParameters = tp.parameters();
        try {
            listener.onPeerTransportParameters(tp.parameters());
        } catch (QuicException e) {
            throw new AbortedByListener(e);
        } catch (RuntimeException e) {
            throw new ListenerFailure(e);
        }
    }

    void serverName(String name) {
        serverName = name;
    }

    void alpnSelected(String protocol) {
        alpn = protocol;
    }

    void earlyDataAccepted(boolean accepted) {
        earlyDataAccepted = accepted;
    }

    void completed() {
        complete = true;
        guard(listener::onHandshakeComplete);
    }

    void sessionTicket(byte[] serialized) {
        guard(() -> listener.onSessionTicket(serialized));
    }

    private static void guard(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            throw new ListenerFailure(e);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws TlsProtocolException, IOException, QuicException;
    }

    /** A listener bug: rethrown unchanged to the caller rather than disguised as a TLS error. */
    private static final class ListenerFailure extends RuntimeException {
        final RuntimeException original;

        ListenerFailure(RuntimeException original) {
            super(original.getMessage(), null, false, false);
            this.original = original;
        }
    }

    /** Carries the listener's QuicException through agent15's callback. */
    private static final class AbortedByListener extends TlsProtocolException {
        final QuicException exception;

        AbortedByListener(QuicException exception) {
            super(exception.getMessage());
            this.exception = exception;
        }
    }

    /** The role-specific part: the agent15 engine and its callbacks. */
    interface HandshakeSide {
        MessageProcessor processor();

        void start() throws IOException;

        /** Called after a received message of {@code type} was processed. */
        void processed(HandshakeType type);

        List<X509Certificate> peerCertificates();
    }
}
