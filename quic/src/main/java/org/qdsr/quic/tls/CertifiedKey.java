package org.qdsr.quic.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate chain (leaf first) and the leaf's private key.
 *
 * @param chain leaf certificate first, then intermediates/CA (non-empty)
 * @param privateKey the key matching {@code chain.get(0)}
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey privateKey) {
    public CertifiedKey {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        chain = List.copyOf(chain);
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }
}
