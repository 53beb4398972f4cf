package org.qdsr.app;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.qdsr.quic.tls.Certificates;

/** Trust managers built from PEM files. */
final class TrustManagers {
    private TrustManagers() {
    }

    /** PKIX validation against exactly the certificates in {@code pem}. */
    static X509TrustManager fromPem(Path pem) throws IOException {
        List<X509Certificate> certs;
        try {
            certs = Certificates.readCertificates(pem);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot read " + pem + ": no such file", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot read " + pem + ": " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException("no certificate in " + pem);
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                store.setCertificateEntry("ca" + i, certs.get(i));
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IOException("no X509TrustManager available");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + pem + ": " + e.getMessage(), e);
        }
    }
}
