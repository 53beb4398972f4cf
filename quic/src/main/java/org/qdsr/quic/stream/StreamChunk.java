package org.qdsr.quic.stream;

/**
 * One piece of a send stream to put into a STREAM frame (RFC 9000 §19.8).
 *
 * @param offset stream offset of the first byte
 * @param length number of bytes (0 only for a FIN-only frame)
 * @param fin    whether the frame carries the FIN bit (offset + length is then the final size)
 * @param isNew  first transmission: the caller consumes {@code length} bytes of connection credit;
 *               false for retransmissions, which never consume flow-control credit
 */
public record StreamChunk(long offset, int length, boolean fin, boolean isNew) {
    public long end() {
        return offset + length;
    }
}
