package org.qdsr.quic.stream;

import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

/**
 * The receiving part of one stream (RFC 9000 §3.2): reassembles STREAM frames that arrive out of
 * order, duplicated or overlapping, enforces the limit we advertised (RFC 9000 §4.1) and the final
 * size rules (RFC 9000 §4.5), and decides when to send MAX_STREAM_DATA.
 *
 * <p>Bytes {@code [readOffset, highestReceivedOffset)} live in a {@link ByteRing} whose base is
 * {@code readOffset}; which of them arrived is kept in a {@link RangeSet}. Bytes the application
 * has consumed, and bytes discarded after RESET_STREAM or STOP_SENDING, are reported once through
 * {@link #takeConsumedBytes()} so the connection can return them as MAX_DATA credit.
 */
public final class ReceiveStream {
    private static final long STREAM_FRAME = 0x08;
    private static final long RESET_STREAM_FRAME = 0x04;

    private final long streamId;
    private final long window;
    private final ByteRing ring;
    private final RangeSet received = new RangeSet();
    private long readOffset;
    private long highestReceived;
    private long finalSize = -1;
    private long maxStreamData;
    private long consumedUnreported;
    private boolean reset;
    private long resetErrorCode = -1;
    private boolean stopSending;
    private long stopSendingErrorCode = -1;

    /** @param initialWindow our initial_max_stream_data_* for this stream; also the refresh window */
    public ReceiveStream(long streamId, long initialWindow) {
        this.streamId = streamId;
        this.window = initialWindow;
        this.maxStreamData = initialWindow;
        this.ring = new ByteRing(0);
    }

    public long streamId() {
        return streamId;
    }

    /**
     * Handles a STREAM frame. Returns how much the highest received offset grew: the caller passes
     * it to {@link ConnectionFlowControl#onDataReceived(long)} (RFC 9000 §4.1).
     *
     * @throws QuicException FINAL_SIZE_ERROR when the frame contradicts a known final size, or a
     *                       FIN sits below data already received; FLOW_CONTROL_ERROR beyond our limit
     */
    public long onStreamFrame(long offset, byte[] data, int off, int len, boolean fin) throws QuicException {
        long end = offset + len;
        checkFinalSize(end, fin, STREAM_FRAME);
        if (end > maxStreamData) {
            throw new QuicException(TransportError.FLOW_CONTROL_ERROR, STREAM_FRAME,
                    "stream " + streamId + " data up to " + end + " exceeds limit " + maxStreamData);
        }
        long increase = Math.max(0, end - highestReceived);
        highestReceived += increase;
        if (fin) {
            finalSize = end;
        }
        if (reset || stopSending) {
            discardUpTo(highestReceived);
        } else {
            store(offset, data, off, len);
        }
        return increase;
    }

    private void checkFinalSize(long end, boolean fin, long frameType) throws QuicException {
        if (finalSize >= 0 && (end > finalSize || (fin && end != finalSize))) {
            throw new QuicException(TransportError.FINAL_SIZE_ERROR, frameType,
                    "stream " + streamId + " final size " + finalSize + " contradicted by " + end);
        }
        if (fin && end < highestReceived) {
            throw new QuicException(TransportError.FINAL_SIZE_ERROR, frameType,
                    "stream " + streamId + " final size " + end + " below received " + highestReceived);
        }
    }

    /** Copies the bytes of {@code [offset, offset+len)} not received before and not yet read. */
    private void store(long offset, byte[] data, int off, int len) {
        long end = offset + len;
        long pos = Math.max(offset, readOffset);
        if (pos >= end) {
            return;
        }
        ring.ensure(end);
        while (pos < end) {
            pos = received.coveredEnd(pos);
            if (pos >= end) {
                break;
            }
            long next = Math.min(end, received.nextStartAfter(pos));
            ring.put(pos, data, off + (int) (pos - offset), (int) (next - pos));
            pos = next;
        }
        received.add(Math.max(offset, readOffset), end);
    }

    /**
     * Handles RESET_STREAM (RFC 9000 §3.2, §4.5): checks the final size, discards buffered data.
     * Returns the growth of the highest received offset, for connection-level flow control.
     * Ignored (beyond the checks) once all data has been read.
     */
    public long onResetStream(long errorCode, long finalSize) throws QuicException {
        if (this.finalSize >= 0 && finalSize != this.finalSize) {
            throw new QuicException(TransportError.FINAL_SIZE_ERROR, RESET_STREAM_FRAME,
                    "stream " + streamId + " final size " + this.finalSize + " reset with " + finalSize);
        }
        checkFinalSize(finalSize, true, RESET_STREAM_FRAME);
        if (finalSize > maxStreamData) {
            throw new QuicException(TransportError.FLOW_CONTROL_ERROR, RESET_STREAM_FRAME,
                    "stream " + streamId + " final size " + finalSize + " exceeds limit " + maxStreamData);
        }
        long increase = finalSize - highestReceived;
        highestReceived = finalSize;
        this.finalSize = finalSize;
        if (!reset && !isFinished()) {
            reset = true;
            resetErrorCode = errorCode;
            discardUpTo(finalSize);
        }
        return increase;
    }

    /**
     * The application no longer wants data (RFC 9000 §3.5): the caller sends STOP_SENDING with
     * {@code errorCode}. Buffered and later data are discarded (and reported as consumed).
     */
    public void stopSending(long errorCode) {
        if (stopSending || reset || isFinished()) {
            return;
        }
        stopSending = true;
        stopSendingErrorCode = errorCode;
        discardUpTo(highestReceived);
    }

    private void discardUpTo(long offset) {
        if (offset > readOffset) {
            consumedUnreported += offset - readOffset;
            readOffset = offset;
        }
        received.clear();
        ring.advanceTo(readOffset);
        ring.release();
    }

    /**
     * Reads contiguous bytes. Returns the count, 0 if nothing is available yet, -1 at the end of
     * the stream (all data up to the FIN read) or after a reset (check {@link #isReset()}).
     */
    public int read(byte[] dst, int off, int len) {
        if (reset) {
            return -1;
        }
        int n = (int) Math.min(len, readableBytes());
        if (n <= 0) {
            return finalSize >= 0 && readOffset == finalSize ? -1 : 0;
        }
        ring.get(readOffset, dst, off, n);
        readOffset += n;
        consumedUnreported += n;
        received.remove(0, readOffset);
        ring.advanceTo(readOffset);
        if (readOffset == finalSize) {
            ring.release();
        }
        return n;
    }

    /** Bytes readable now without waiting for a gap to fill. */
    public int readableBytes() {
        if (reset || stopSending) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, received.coveredEnd(readOffset) - readOffset);
    }

    /** Bytes consumed (read, or discarded by reset/stop-sending) since the last call: pass to
     *  {@link ConnectionFlowControl#onDataConsumed(long)}. */
    public long takeConsumedBytes() {
        long n = consumedUnreported;
        consumedUnreported = 0;
        return n;
    }

    /** All data up to the FIN was read ("Data Read", RFC 9000 §3.2). */
    public boolean isFinished() {
        return !reset && !stopSending && finalSize >= 0 && readOffset == finalSize;
    }

    /** The final size is known (FIN or RESET_STREAM received). */
    public boolean isFinalSizeKnown() {
        return finalSize >= 0;
    }

    /** All bytes up to the final size have arrived ("Data Recvd"). */
    public boolean isAllDataReceived() {
        return finalSize >= 0 && (reset || received.coveredEnd(readOffset) == finalSize);
    }

    public long finalSize() {
        return finalSize;
    }

    public boolean isReset() {
        return reset;
    }

    public long resetErrorCode() {
        return resetErrorCode;
    }

    public boolean isStopSending() {
        return stopSending;
    }

    public long stopSendingErrorCode() {
        return stopSendingErrorCode;
    }

    public long readOffset() {
        return readOffset;
    }

    public long highestReceivedOffset() {
        return highestReceived;
    }

    // ---- flow control (RFC 9000 §4.1, §4.2) ----

    /** The limit we advertised (initial window or last MAX_STREAM_DATA sent). */
    public long maxStreamData() {
        return maxStreamData;
    }

    /**
     * A new MAX_STREAM_DATA value ({@code readOffset + window}) once the peer has used more than
     * half the window since the last update, else -1 (also -1 once the final size is known).
     */
    public long maxStreamDataToAdvertise() {
        if (finalSize >= 0 || reset || stopSending) {
            return -1;
        }
        return maxStreamData - readOffset < window / 2 ? readOffset + window : -1;
    }

    public void onMaxStreamDataSent(long limit) {
        maxStreamData = Math.max(maxStreamData, limit);
    }

    // ---- export / import ----

    /**
     * Portable state. {@code data} covers {@code [readOffset, highestReceived)}; only the
     * {@code receivedRanges} pairs (all above readOffset) hold meaningful bytes.
     */
    public record State(long streamId, long readOffset, long highestReceived, long maxStreamData,
                        long window, long finalSize, long[] receivedRanges, byte[] data) {
    }

    /** Exports the state; a reset or stop-sending stream cannot be handed off. */
    public State exportState() {
        if (reset || stopSending) {
            throw new IllegalStateException("stream " + streamId + " is being abandoned");
        }
        byte[] data = new byte[(int) (highestReceived - readOffset)];
        for (int i = 0; i < received.size(); i++) {
            long s = received.start(i);
            ring.get(s, data, (int) (s - readOffset), (int) (received.end(i) - s));
        }
        return new State(streamId, readOffset, highestReceived, maxStreamData, window, finalSize,
                received.toArray(), data);
    }

    public static ReceiveStream importState(State s) {
        if (s.data().length != s.highestReceived() - s.readOffset()) {
            throw new IllegalArgumentException("inconsistent receive stream state");
        }
        ReceiveStream r = new ReceiveStream(s.streamId(), s.window());
        r.readOffset = s.readOffset();
        r.highestReceived = s.highestReceived();
        r.maxStreamData = s.maxStreamData();
        r.finalSize = s.finalSize();
        r.ring.advanceTo(s.readOffset());
        RangeSet ranges = RangeSet.fromArray(s.receivedRanges());
        for (int i = 0; i < ranges.size(); i++) {
            r.store(ranges.start(i), s.data(), (int) (ranges.start(i) - s.readOffset()),
                    (int) (ranges.end(i) - ranges.start(i)));
        }
        return r;
    }
}
