package org.qdsr.quic.tls;

import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.crypto.CipherSuite;

/**
 * Receives what the TLS handshake produces for the QUIC connection (RFC 9001 §4.1). All methods
 * are called synchronously from within {@link QuicTls#start()} or {@link QuicTls#receive}.
 */
public interface TlsListener {

    /** Handshake bytes to send in CRYPTO frames at {@code level} (appended to that CRYPTO stream). */
    void onCryptoData(EncryptionLevel level, byte[] data);

    /**
     * New traffic secrets for {@code level} (EARLY_DATA, HANDSHAKE or APPLICATION). For
     * EARLY_DATA only one direction is given: the client gets a write secret, the server a read
     * secret. A server learns its APPLICATION secrets before the client's Finished arrives; it must
     * not use the read secret before the handshake completes (RFC 9001 §5.7).
     */
    void onSecrets(EncryptionLevel level, CipherSuite suite, byte[] readSecret, byte[] writeSecret);

    /**
     * The peer's encoded transport parameters (RFC 9000 §18), called once before the handshake
     * completes. Throw (e.g. TRANSPORT_PARAMETER_ERROR) to abort the handshake: the exception
     * comes out of {@link QuicTls#receive} unchanged.
     */
    void onPeerTransportParameters(byte[] encoded) throws QuicException;

    /** The TLS handshake completed (RFC 9001 §4.1.1): Finished sent and the peer's verified. */
    void onHandshakeComplete();

    /**
     * Client only: a resumption ticket arrived; {@code serializedTicket} is a {@link SessionTicket}
     * encoding that can be stored and passed back in {@link ClientTlsConfig#sessionTicket()}.
     */
    default void onSessionTicket(byte[] serializedTicket) {
    }
}
