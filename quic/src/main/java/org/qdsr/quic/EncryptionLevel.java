package org.qdsr.quic;

/** The four encryption levels of a QUIC connection (RFC 9001 §2.1). */
public enum EncryptionLevel {
    INITIAL,
    EARLY_DATA,
    HANDSHAKE,
    APPLICATION;
}
