package org.qdsr.control.message;

import java.util.Arrays;

/**
 * LB to RS: the connection moved to key generation {@code generation} (RFC 9001 §6); from now on
 * the RS seals with {@code newWriteSecret} and Key Phase bit {@code keyPhase}. The header
 * protection key does not change (RFC 9001 §6.1). The secret is SECRET and never printed.
 */
public record KeyUpdate(long connectionKey, byte[] newWriteSecret, boolean keyPhase, long generation)
        implements ControlMessage {
    /** Longest secret accepted (SHA-384 suites use 48 bytes). */
    public static final int MAX_SECRET_LENGTH = 64;

    public KeyUpdate {
        Checks.varint(connectionKey, "connectionKey");
        newWriteSecret = Checks.copy(newWriteSecret, "newWriteSecret");
        if (newWriteSecret.length == 0 || newWriteSecret.length > MAX_SECRET_LENGTH) {
            throw new IllegalArgumentException("secret length " + newWriteSecret.length);
        }
        Checks.varint(generation, "generation");
    }

    /** A copy of the secret. */
    @Override
    public byte[] newWriteSecret() {
        return newWriteSecret.clone();
    }

    byte[] secretUnsafe() {
        return newWriteSecret;
    }

    @Override
    public int typeCode() {
        return MessageType.KEY_UPDATE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyUpdate k && connectionKey == k.connectionKey && keyPhase == k.keyPhase
                && generation == k.generation && Arrays.equals(newWriteSecret, k.newWriteSecret);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(connectionKey) * 31 + Long.hashCode(generation);
    }

    @Override
    public String toString() {
        return "KeyUpdate[connection=" + connectionKey + ", generation=" + generation + ", keyPhase="
                + (keyPhase ? 1 : 0) + ", secret=<redacted>]";
    }
}
