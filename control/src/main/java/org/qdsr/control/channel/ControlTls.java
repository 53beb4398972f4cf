package org.qdsr.control.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.qdsr.quic.tls.Certificates;
import org.qdsr.quic.tls.CertifiedKey;

/**
 * TLS for the control channel: TLS 1.3 only, trust ONLY the cluster CA, and both sides present a
 * certificate issued by it (the server requires client authentication). Peer host names are not
 * checked: cluster membership is proven by the CA signature; the peer's subject is exposed as
 * {@link ControlChannel#peerIdentity()}.
 *
 * <p>Cluster folder written by {@code qdsr certs}: {@value #CA_CERT} (the CA certificate),
 * {@value #CA_KEY} (the CA key; keep it off the nodes), and per node {@code NAME.pem} (leaf then
 * CA) plus {@code NAME.key} (PKCS#8, mode 0600). Default names: {@code lb} and {@code rs}.
 *
 * <p>{@link #insecureLoopback()} replaces TLS by plain TCP and is refused for any address that
 * is not a loopback address.
 */
public final class ControlTls {
    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca.key";
    public static final String PROTOCOL = "TLSv1.3";
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final SSLContext context;

    private ControlTls(SSLContext context) {
        this.context = context;
    }

    /** Loads {@code dir/ca.pem}, {@code dir/NODE.pem} and {@code dir/NODE.key}. */
    public static ControlTls fromDirectory(Path dir, String nodeName) throws IOException {
        Path cert = dir.resolve(certFile(nodeName));
        Path key = dir.resolve(keyFile(nodeName));
        Path ca = dir.resolve(CA_CERT);
        for (Path p : List.of(ca, cert, key)) {
            if (!Files.isReadable(p)) {
                throw new IOException("control TLS: cannot read " + p);
            }
        }
        CertifiedKey own = new CertifiedKey(Certificates.readCertificates(cert), Certificates.readPrivateKey(key));
        return of(own, Certificates.readCertificates(ca));
    }

    /** Presents {@code own} and trusts exactly {@code trustedCas}. */
    public static ControlTls of(CertifiedKey own, List<X509Certificate> trustedCas) {
        return new ControlTls(context(own, trustedCas));
    }

    /** Trusts {@code trustedCas} but has no certificate of its own (servers will refuse it; for tests). */
    public static ControlTls withoutCertificate(List<X509Certificate> trustedCas) {
        return new ControlTls(context(null, trustedCas));
    }

    /** Plain TCP; only loopback addresses are accepted ({@code --insecure-control}). */
    public static ControlTls insecureLoopback() {
        return new ControlTls(null);
    }

    public boolean isInsecure() {
        return context == null;
    }

    public static String certFile(String nodeName) {
        return checkNodeName(nodeName) + ".pem";
    }

    public static String keyFile(String nodeName) {
        return checkNodeName(nodeName) + ".key";
    }

    /** Node names become file names: letters, digits, '.', '_', '-'; not "ca". */
    public static String checkNodeName(String name) {
        if (name == null || !NODE_NAME.matcher(name).matches() || name.equals("ca")) {
            throw new IllegalArgumentException("bad node name: " + name);
        }
        return name;
    }

    /** IllegalArgumentException if this is insecure and {@code address} is not a resolved loopback address. */
    public void checkAddress(InetSocketAddress address) {
        if (isInsecure() && (address.isUnresolved() || !address.getAddress().isLoopbackAddress())) {
            throw new IllegalArgumentException("insecure control channel refused for non-loopback address "
                    + address + " (use --control-tls)");
        }
    }

    /** Wraps a connected blocking TCP socket (tests, tools); returns {@code raw} when insecure. */
    Socket wrap(Socket raw, boolean server) throws IOException {
        if (context == null) {
            return raw;
        }
        InetSocketAddress peer = (InetSocketAddress) raw.getRemoteSocketAddress();
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, peer.getHostString(), peer.getPort(),
                true);
        s.setEnabledProtocols(new String[] {PROTOCOL});
        s.setUseClientMode(!server);
        if (server) {
            s.setNeedClientAuth(true);
        }
        return s;
    }

    /** The record layer for a connection to {@code peer}: an SSLEngine, or plain bytes when insecure. */
    RecordLayer layer(InetSocketAddress peer, boolean server) {
        if (context == null) {
            return RecordLayer.plain();
        }
        SSLEngine e = context.createSSLEngine(peer.getHostString(), peer.getPort());
        e.setEnabledProtocols(new String[] {PROTOCOL});
        e.setUseClientMode(!server);
        if (server) {
            e.setNeedClientAuth(true);
        }
        return RecordLayer.tls(e);
    }

    private static SSLContext context(CertifiedKey own, List<X509Certificate> trustedCas) {
        if (trustedCas.isEmpty()) {
            throw new IllegalArgumentException("no trusted CA");
        }
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trustedCas.size(); i++) {
                trust.setCertificateEntry("ca" + i, trustedCas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManager[] keyManagers = null;
            if (own != null) {
                char[] password = "qdsr-control".toCharArray();
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("node", own.privateKey(), password, own.chain().toArray(new X509Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
                keyManagers = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build control TLS context: " + e.getMessage(), e);
        }
    }
}
