package org.qdsr.quic.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import tech.kwik.agent15.engine.ServerMessageSender;
import tech.kwik.agent15.engine.TlsServerEngine;
import tech.kwik.agent15.engine.TlsServerEngineFactory;
import tech.kwik.agent15.engine.TlsStatusEventHandler;

/**
 * Server TLS state shared by all connections of a process: certificate chain, key, supported
 * ALPN protocols and agent15's {@link TlsServerEngineFactory}. The factory keeps resumption
 * tickets in memory and owns a NON-DAEMON timer thread: call {@link #close()} at shutdown or the
 * JVM will not exit. Create one per listening endpoint (or per process), not per connection.
 */
public final class ServerTlsContext implements AutoCloseable {
    private static final String ALIAS = "qdsr";
    private static final char[] KEYSTORE_PASSWORD = "qdsr".toCharArray();

    private final CertifiedKey certifiedKey;
    private final List<String> alpn;
    private final TlsServerEngineFactory factory;
    private volatile boolean acceptEarlyData = true;

    private ServerTlsContext(CertifiedKey certifiedKey, List<String> alpn) {
        if (alpn.isEmpty()) {
            throw new IllegalArgumentException("QUIC requires at least one ALPN protocol (RFC 9001 §8.1)");
        }
        this.certifiedKey = certifiedKey;
        this.alpn = List.copyOf(alpn);
        this.factory = newFactory(certifiedKey);
    }

    /** A context for {@code key}; {@code alpn} lists supported protocols in server preference order. */
    public static ServerTlsContext create(CertifiedKey key, List<String> alpn) {
        return new ServerTlsContext(key, alpn);
    }

    /** Reads a PEM chain (leaf first) and a PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA). */
    public static ServerTlsContext fromPem(Path certPem, Path keyPem, List<String> alpn) throws IOException {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Certificates.readCertificates(certPem);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("certificate " + certPem + ": " + describe(e), e);
        }
        try {
            key = Certificates.readPrivateKey(keyPem);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("private key " + keyPem + ": " + describe(e), e);
        }
        if (!Certificates.keyMatches(chain.get(0), key)) {
            // caught here, not in every client's failed handshake
            throw new IOException("private key " + keyPem + " does not match the certificate " + certPem);
        }
        return new ServerTlsContext(new CertifiedKey(chain, key), alpn);
    }

    private static String describe(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A fresh ECDSA P-256 self-signed certificate for {@code hostnames}, valid 14 days. */
    public static ServerTlsContext selfSigned(List<String> alpn, List<String> hostnames) {
        return new ServerTlsContext(Certificates.generate(hostnames, Duration.ofDays(14)), alpn);
    }

    public X509Certificate certificate() {
        return certifiedKey.certificate();
    }

    public CertifiedKey certifiedKey() {
        return certifiedKey;
    }

    public List<String> alpn() {
        return alpn;
    }

    /** Base64 SHA-256 of the leaf's SubjectPublicKeyInfo (Chromium --ignore-certificate-errors-spki-list). */
    public String spkiSha256Base64() {
        return Certificates.spkiSha256Base64(certificate());
    }

    /** Whether 0-RTT offered with a valid ticket of the same ALPN is accepted (default true). */
    public boolean acceptEarlyData() {
        return acceptEarlyData;
    }

    public void setAcceptEarlyData(boolean accept) {
        this.acceptEarlyData = accept;
    }

    TlsServerEngine createEngine(ServerMessageSender sender, TlsStatusEventHandler handler) {
        return factory.createServerEngine(sender, handler);
    }

    /** Stops agent15's ticket-registry timer thread; outstanding tickets are forgotten. */
    @Override
    public void close() {
        factory.dispose();
    }

    private static TlsServerEngineFactory newFactory(CertifiedKey key) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key.privateKey(), KEYSTORE_PASSWORD,
                    key.chain().toArray(new Certificate[0]));
            return new TlsServerEngineFactory(store, ALIAS, KEYSTORE_PASSWORD);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("unusable certificate or key: " + e.getMessage(), e);
        }
    }
}
