package org.qdsr.quic.path;

import org.qdsr.quic.crypto.CipherSuite;

/**
 * A connection's current 1-RTT write keys as senders on other paths need them after a key
 * update (RFC 9001 §6). Contains a traffic secret: never log it ({@link #toString} redacts).
 */
public record WriteKeys(CipherSuite suite, byte[] secret, boolean keyPhase, long generation) {
    @Override
    public String toString() {
        return "WriteKeys[" + suite + ", secret=<redacted>, keyPhase=" + keyPhase + ", generation=" + generation + "]";
    }
}
