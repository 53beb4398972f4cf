package org.qdsr.quic.crypto;

import org.qdsr.quic.wire.ConnectionId;

/**
 * Packet protection for one encryption level, key phase and direction (RFC 9001 §5): the AEAD
 * key and IV ("quic key", "quic iv") plus the header protection key ("quic hp"), all derived from
 * one traffic secret. Sealing and opening work in place on a heap array holding the packet.
 * Not thread-safe: one instance belongs to one connection's thread.
 *
 * <p>Packet layout used by every method: the packet starts at {@code start} with the first
 * byte; the (truncated) packet number occupies [pnOffset, pnOffset + pnLength); the payload
 * follows it. The AAD is the header, [start, pnOffset + pnLength), unprotected.
 */
public final class PacketProtection {
    private final CipherSuite suite;
    private final byte[] secret;
    private final PacketAead aead;
    private final HeaderProtector headerProtector;

    private PacketProtection(CipherSuite suite, byte[] secret, PacketAead aead, HeaderProtector hp) {
        this.suite = suite;
        this.secret = secret;
        this.aead = aead;
        this.headerProtector = hp;
    }

    /** Derives key, IV and header protection key from a TLS traffic secret (RFC 9001 §5.1). */
    public static PacketProtection fromSecret(CipherSuite suite, byte[] secret) {
        if (secret.length != suite.hashLength()) {
            throw new IllegalArgumentException("secret length " + secret.length + " for " + suite);
        }
        byte[] hpKey = Hkdf.expandLabel(suite, secret, "quic hp", suite.keyLength());
        return new PacketProtection(suite, secret.clone(), aeadFor(suite, secret),
                HeaderProtector.create(suite, hpKey));
    }

    /**
     * Initial packet protection (RFC 9001 §5.2) for the client's original Destination Connection
     * ID. The client sends with the client secret, the server with the server secret.
     */
    public static PacketProtection initial(ConnectionId odcid, boolean isClient, boolean forSending) {
        boolean clientKeys = isClient == forSending;
        byte[] secret = clientKeys ? InitialSecrets.clientSecret(odcid) : InitialSecrets.serverSecret(odcid);
        return fromSecret(InitialSecrets.SUITE, secret);
    }

    /**
     * The next key phase (RFC 9001 §6.1): secret' = HKDF-Expand-Label(secret, "quic ku", "",
     * Hash.length), with a new AEAD key and IV but the SAME header protection key.
     */
    public PacketProtection nextGeneration() {
        byte[] next = Hkdf.expandLabel(suite, secret, "quic ku", suite.hashLength());
        return new PacketProtection(suite, next, aeadFor(suite, next),
                HeaderProtector.create(suite, headerProtector.key()));
    }

    private static PacketAead aeadFor(CipherSuite suite, byte[] secret) {
        byte[] key = Hkdf.expandLabel(suite, secret, "quic key", suite.keyLength());
        byte[] iv = Hkdf.expandLabel(suite, secret, "quic iv", PacketAead.IV_LENGTH);
        return PacketAead.create(suite, key, iv);
    }

    /**
     * Protects a packet in place: encrypts [pnOffset + pnLength, payloadEnd) with the header as
     * AAD, appends the 16-byte tag, then applies header protection (RFC 9001 §5.4.1).
     * Needs 16 spare bytes after payloadEnd, and pnLength + payload >= 4 bytes so that the
     * header protection sample exists (RFC 9001 §5.4.2: pad short packets). Returns the packet end.
     */
    public int seal(byte[] packet, int start, int pnOffset, int pnLength, int payloadEnd,
                    long packetNumber, long pathId) {
        int payloadStart = pnOffset + pnLength;
        if (payloadEnd + PacketAead.TAG_LENGTH - (pnOffset + 4) < HeaderProtector.SAMPLE_LENGTH) {
            throw new IllegalArgumentException("payload too short to sample for header protection; pad it");
        }
        int end = aead.seal(packet, start, payloadStart, payloadEnd, packetNumber, pathId);
        headerProtector.protect(packet, start, pnOffset, pnLength);
        return end;
    }

    /**
     * Removes header protection in place (RFC 9001 §5.4.2). Returns the packet number length
     * (1..4), or -1 when the packet is too short to sample (the caller drops it). The caller
     * then reads the first byte (key phase etc.) and the truncated packet number itself.
     */
    public int removeHeaderProtection(byte[] packet, int start, int pnOffset, int packetEnd) {
        return headerProtector.unprotect(packet, start, pnOffset, packetEnd);
    }

    /**
     * Decrypts the payload in place after header protection was removed. Returns the plaintext
     * length (the plaintext starts at pnOffset + pnLength) or -1 if authentication fails or the
     * packet is malformed. Never throws for bad input. After a failure the bytes in
     * [pnOffset + pnLength, packetEnd) are unspecified (JDK 25 leaves wrongly decrypted bytes):
     * copy the packet first to try a second key; header and bytes after packetEnd are untouched.
     */
    public int open(byte[] packet, int start, int pnOffset, int pnLength, int packetEnd,
                    long packetNumber, long pathId) {
        return aead.open(packet, start, pnOffset + pnLength, packetEnd, packetNumber, pathId);
    }

    /** See {@link PacketAead#nonce}. */
    public static void nonce(byte[] iv, long pathId, long packetNumber, byte[] out) {
        PacketAead.nonce(iv, pathId, packetNumber, out);
    }

    public CipherSuite suite() {
        return suite;
    }

    /** A copy of the traffic secret, enough to recreate this object with {@link #fromSecret}. */
    public byte[] secret() {
        return secret.clone();
    }

    /**
     * A copy of the header protection key ("quic hp", RFC 9001 §5.4). Every generation from
     * {@link #nextGeneration} keeps its predecessor's, so this is the key of the first generation.
     */
    public byte[] headerProtectionKey() {
        return headerProtector.key();
    }

    /** Packets that may be protected with one key (RFC 9001 §6.6). */
    public long confidentialityLimit() {
        return confidentialityLimit(suite);
    }

    /** Packets failing authentication tolerated across all keys of a connection (RFC 9001 §6.6). */
    public long integrityLimit() {
        return integrityLimit(suite);
    }

    public static long confidentialityLimit(CipherSuite suite) {
        return suite == CipherSuite.TLS_CHACHA20_POLY1305_SHA256 ? 1L << 62 : 1L << 23;
    }

    public static long integrityLimit(CipherSuite suite) {
        return suite == CipherSuite.TLS_CHACHA20_POLY1305_SHA256 ? 1L << 36 : 1L << 52;
    }

    PacketAead aead() {
        return aead;
    }

    HeaderProtector headerProtector() {
        return headerProtector;
    }
}
