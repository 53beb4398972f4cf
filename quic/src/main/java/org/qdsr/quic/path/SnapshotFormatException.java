package org.qdsr.quic.path;

/**
 * A {@link ConnectionSnapshot} encoding that cannot be decoded: unknown format version,
 * truncation, trailing bytes or a field outside its allowed range. The message never contains
 * key material.
 */
public final class SnapshotFormatException extends Exception {
    public SnapshotFormatException(String message) {
        super(message, null, false, false);
    }
}
