package org.qdsr.rs;

import org.qdsr.quic.stream.SendStream;

/**
 * Instructed mode (DESIGN.md "Delivery modes"): the response stream's bytes wait here, up to a
 * window, until the LB names them in a {@link org.qdsr.quic.path.SendInstruction}; they are freed
 * when the LB reports the client acknowledged them. The LB learns how far the bytes go from
 * {@link org.qdsr.control.message.StreamReady} announcements. A {@link SendStream} is the buffer:
 * written bytes at stream offsets, an acknowledged prefix, nothing scheduled here.
 */
final class InstructedOutput implements PathOutput.Target {
    /**
     * Smallest growth worth a StreamReady while the LB still has at least this much announced
     * and unreleased; below that every byte is announced at once so the LB never waits on us.
     * Each announcement wakes the LB's loop (a turn, a channel write): 32 KB cost one per ~27
     * packets. A quarter of the buffer at most, so a small buffer still keeps the LB supplied.
     */
    static final int ANNOUNCE_STEP = 128 * 1024;

    private final SendStream buffer;
    private final int announceStep;
    private long announced;
    private boolean finAnnounced;
    private boolean reset;

    InstructedOutput(long streamId, int window) {
        this.buffer = new SendStream(streamId, Long.MAX_VALUE >> 2, window);
        this.announceStep = Math.max(1, Math.min(ANNOUNCE_STEP, window / 4));
    }

    @Override
    public int write(byte[] b, int off, int len) {
        return reset ? 0 : buffer.write(b, off, len);
    }

    @Override
    public long writableBytes() {
        return buffer.writableBytes();
    }

    @Override
    public void finish() {
        buffer.finish();
    }

    @Override
    public void reset(long errorCode) {
        reset = true; // the StreamReport tells the LB, which resets the client's stream itself
    }

    /** Bytes buffered so far (the stream offset of the next byte). */
    long readyOffset() {
        return buffer.writtenOffset();
    }

    /** True once if more bytes (or the FIN) are ready than announced; then they count as announced. */
    boolean takeAnnouncement() {
        boolean fin = buffer.isFinished();
        if (reset || (buffer.writtenOffset() == announced && fin == finAnnounced)) {
            return false;
        }
        boolean lbHasPlenty = announced - buffer.ackedOffset() >= announceStep;
        if (!fin && lbHasPlenty && buffer.writtenOffset() - announced < announceStep) {
            return false;
        }
        announced = buffer.writtenOffset();
        finAnnounced = fin;
        return true;
    }

    boolean finAnnounced() {
        return finAnnounced;
    }

    /** True if bytes {@code [offset, offset+length)} are held (announced and not yet released). */
    boolean holds(long offset, int length) {
        return !reset && offset >= buffer.ackedOffset() && offset + length <= announced;
    }

    void copy(long offset, int length, byte[] dst, int dstOff) {
        buffer.copyData(offset, length, dst, dstOff);
    }

    /** The client acknowledged every byte below {@code ackedOffset}; returns true when the whole response was. */
    boolean release(long ackedOffset) {
        long base = buffer.ackedOffset();
        long end = Math.min(ackedOffset, buffer.writtenOffset());
        boolean fin = buffer.isFinished() && ackedOffset >= buffer.writtenOffset();
        if (end > base || fin) {
            buffer.onAcked(base, (int) Math.min(Integer.MAX_VALUE, end - base), fin);
        }
        return buffer.isFullyAcknowledged();
    }
}
