package org.qdsr.quic.path;

import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.crypto.HeaderProtector;
import org.qdsr.quic.crypto.Hkdf;
import org.qdsr.quic.crypto.PacketAead;

/**
 * The 1-RTT write keys of one path sender: AEAD key and IV of the current generation and the
 * header protection key, which stays the same across key updates (RFC 9001 §6.1). Built from
 * the public crypto primitives because a snapshot of a later generation carries the current
 * secret and the generation-0 header protection key separately.
 */
final class PathKeys {
    private final CipherSuite suite;
    private final byte[] secret;
    private final byte[] hpKey;
    private final PacketAead aead;
    private final HeaderProtector headerProtector;
    private final boolean keyPhase;
    private final long generation;
    private long packetsProtected;

    PathKeys(CipherSuite suite, byte[] secret, byte[] hpKey, boolean keyPhase, long generation) {
        this(suite, secret, hpKey, HeaderProtector.create(suite, hpKey), keyPhase, generation);
    }

    private PathKeys(CipherSuite suite, byte[] secret, byte[] hpKey, HeaderProtector hp, boolean keyPhase,
                     long generation) {
        if (secret.length != suite.hashLength()) {
            throw new IllegalArgumentException("secret length " + secret.length + " for " + suite);
        }
        this.suite = suite;
        this.secret = secret.clone();
        this.hpKey = hpKey.clone();
        this.aead = PacketAead.create(suite, Hkdf.expandLabel(suite, secret, "quic key", suite.keyLength()),
                Hkdf.expandLabel(suite, secret, "quic iv", PacketAead.IV_LENGTH));
        this.headerProtector = hp;
        this.keyPhase = keyPhase;
        this.generation = generation;
    }

    /** The keys of a key update ordered by the LB: new secret, same header protection key. */
    PathKeys updated(byte[] newSecret, boolean newKeyPhase) {
        return new PathKeys(suite, newSecret, hpKey, headerProtector, newKeyPhase, generation + 1);
    }

    /** Same contract as {@code PacketProtection.seal}: AEAD with the multipath nonce, then header protection. */
    int seal(byte[] packet, int start, int pnOffset, int pnLength, int payloadEnd, long pn, long pathId) {
        int end = aead.seal(packet, start, pnOffset + pnLength, payloadEnd, pn, pathId);
        headerProtector.protect(packet, start, pnOffset, pnLength);
        packetsProtected++;
        return end;
    }

    CipherSuite suite() {
        return suite;
    }

    byte[] secret() {
        return secret.clone();
    }

    byte[] hpKey() {
        return hpKey.clone();
    }

    boolean keyPhase() {
        return keyPhase;
    }

    long generation() {
        return generation;
    }

    long packetsProtected() {
        return packetsProtected;
    }
}
