package org.qdsr.quic.stream;

/**
 * The sending part of one stream (RFC 9000 §3.1): buffers application bytes until they are
 * acknowledged, cuts them into {@link StreamChunk}s within the peer's MAX_STREAM_DATA
 * (RFC 9000 §4.1) and the connection credit, and requeues lost ranges that are not yet acknowledged.
 *
 * <p>Offsets: {@code ackedOffset <= sentOffset <= writtenOffset}. Bytes below {@code ackedOffset}
 * (the acknowledged prefix) are freed; bytes in {@code [ackedOffset, writtenOffset)} stay in a
 * {@link ByteRing}. Acknowledged and lost ranges above the prefix live in {@link RangeSet}s.
 * All state is in plain fields and round-trips through {@link #exportState()}/{@link #importState}.
 */
public final class SendStream {
    private final long streamId;
    private final int bufferLimit;
    private final ByteRing ring;
    private final RangeSet acked;
    private final RangeSet lost;
    private long writtenOffset;
    private long sentOffset;
    private long maxStreamData;
    private boolean finished;
    private boolean finSent;
    private boolean finAcked;
    private boolean finLost;
    private boolean reset;
    private long resetErrorCode = -1;
    private long resetFinalSize = -1;
    private boolean resetAcked;
    private long blockedSentAt = -1;
    /** The bytes live on another machine (QDSR instructed mode); only offsets are tracked here. */
    private boolean remote;

    /**
     * @param initialMaxStreamData the peer's initial_max_stream_data_* for this stream (RFC 9000 §18.2)
     * @param bufferLimit          most unacknowledged bytes {@link #write} buffers
     */
    public SendStream(long streamId, long initialMaxStreamData, int bufferLimit) {
        this(streamId, 0, initialMaxStreamData, bufferLimit);
    }

    private SendStream(long streamId, long startOffset, long maxStreamData, int bufferLimit) {
        if (bufferLimit <= 0) {
            throw new IllegalArgumentException("bufferLimit must be positive");
        }
        this.streamId = streamId;
        this.bufferLimit = bufferLimit;
        this.ring = new ByteRing(startOffset);
        this.acked = new RangeSet();
        this.lost = new RangeSet();
        this.writtenOffset = startOffset;
        this.sentOffset = startOffset;
        this.maxStreamData = maxStreamData;
    }

    public long streamId() {
        return streamId;
    }

    // ---- application side ----

    /** Buffers up to the buffer limit; returns the number of bytes accepted (0 when full). */
    public int write(byte[] b, int off, int len) {
        if (finished || reset || remote) {
            throw new IllegalStateException("stream " + streamId
                    + (reset ? " was reset" : remote ? " is remote" : " is finished"));
        }
        int n = (int) Math.min(len, Math.max(0, bufferLimit - bufferedBytes()));
        if (n <= 0) {
            return 0;
        }
        ring.ensure(writtenOffset + n);
        ring.put(writtenOffset, b, off, n);
        writtenOffset += n;
        return n;
    }

    /** Marks the end of the stream: FIN follows the bytes written so far. Idempotent. */
    public void finish() {
        if (reset) {
            throw new IllegalStateException("stream " + streamId + " was reset");
        }
        finished = true;
    }

    public boolean isFinished() {
        return finished;
    }

    public long writtenOffset() {
        return writtenOffset;
    }

    /** Highest offset sent so far (the end of all new data handed out by {@link #nextChunk}). */
    public long sentOffset() {
        return sentOffset;
    }

    /** Bytes held in memory: written but not in the acknowledged prefix. */
    public long bufferedBytes() {
        return writtenOffset - ring.base();
    }

    /** Free space for {@link #write}. */
    public long writableBytes() {
        return reset || finished ? 0 : Math.max(0, bufferLimit - bufferedBytes());
    }

    // ---- remote data (QDSR instructed mode) ----

    /**
     * Declares that this stream's bytes are held by another machine: this side only numbers,
     * schedules and tracks them, and {@link #copyData} is not available. Allowed before any byte
     * was written.
     */
    public void markRemote() {
        if (writtenOffset != ring.base() || ring.base() != 0 || finished || reset) {
            throw new IllegalStateException("stream " + streamId + " already has data");
        }
        remote = true;
    }

    public boolean isRemote() {
        return remote;
    }

    /**
     * The remote holder has bytes up to {@code readyOffset} (the final size if {@code fin}).
     * Offsets never move back; a FIN at a size other than the one announced before is rejected.
     */
    public void announceRemote(long readyOffset, boolean fin) {
        if (!remote) {
            throw new IllegalStateException("stream " + streamId + " is not remote");
        }
        if (reset) {
            return;
        }
        if (finished ? readyOffset != writtenOffset : readyOffset < writtenOffset) {
            throw new IllegalArgumentException("stream " + streamId + ": ready offset " + readyOffset
                    + " after " + writtenOffset + (finished ? " (final)" : ""));
        }
        writtenOffset = readyOffset;
        finished |= fin;
    }

    /** The offset below which every byte was acknowledged (the holder may free them). */
    public long ackedOffset() {
        return ring.base();
    }

    // ---- packetization ----

    /**
     * True if {@link #nextChunk} would return a chunk: lost data or a lost FIN to retransmit, new
     * data within MAX_STREAM_DATA when {@code connectionCredit > 0}, or an unsent FIN with no
     * data pending (a zero-length FIN needs no credit).
     */
    public boolean hasSendable(long connectionCredit) {
        if (reset) {
            return false;
        }
        return !lost.isEmpty() || finLost
                || (connectionCredit > 0 && sentOffset < Math.min(writtenOffset, maxStreamData))
                || (finished && !finSent && sentOffset == writtenOffset);
    }

    /**
     * The next chunk to send, or null. Lost ranges come first (never consuming credit), then new
     * data bounded by {@code maxBytes}, the peer's MAX_STREAM_DATA and {@code connectionCredit}.
     * Returned ranges count as sent; the caller consumes credit for {@code isNew} chunks.
     */
    public StreamChunk nextChunk(int maxBytes, long connectionCredit) {
        if (reset) {
            return null;
        }
        if (!lost.isEmpty() && maxBytes > 0) {
            return retransmission(maxBytes);
        }
        if (finLost && lost.isEmpty()) {
            finLost = false;
            return new StreamChunk(writtenOffset, 0, true, false);
        }
        long limit = Math.min(Math.min(writtenOffset, maxStreamData),
                sentOffset + Math.min(Math.max(0, connectionCredit), Math.max(0, maxBytes)));
        if (limit > sentOffset) {
            long start = sentOffset;
            sentOffset = limit;
            boolean fin = finished && limit == writtenOffset;
            finSent |= fin;
            return new StreamChunk(start, (int) (limit - start), fin, true);
        }
        if (finished && !finSent && sentOffset == writtenOffset) {
            finSent = true;
            return new StreamChunk(sentOffset, 0, true, true);
        }
        return null;
    }

    private StreamChunk retransmission(int maxBytes) {
        long start = lost.start(0);
        long end = Math.min(lost.end(0), start + maxBytes);
        lost.remove(start, end);
        boolean fin = finLost && finished && end == writtenOffset;
        if (fin) {
            finLost = false;
        }
        return new StreamChunk(start, (int) (end - start), fin, false);
    }

    /** Copies buffered bytes {@code [offset, offset+length)} (not yet acknowledged) into a packet. */
    public void copyData(long offset, int length, byte[] dst, int dstOff) {
        if (remote) {
            throw new IllegalStateException("stream " + streamId + " holds no bytes (remote)");
        }
        if (offset < ring.base() || offset + length > writtenOffset) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " not buffered");
        }
        ring.get(offset, dst, dstOff, length);
    }

    // ---- feedback ----

    /** A STREAM frame {@code [offset, offset+length)} (+FIN) was acknowledged; frees the acked prefix. */
    public void onAcked(long offset, int length, boolean fin) {
        long end = Math.min(offset + length, writtenOffset);
        long start = Math.max(offset, ring.base());
        acked.add(start, end);
        lost.remove(offset, offset + length);
        if (fin) {
            finAcked = true;
            finLost = false;
        }
        if (!acked.isEmpty() && acked.start(0) <= ring.base()) {
            long newBase = acked.end(0);
            acked.remove(ring.base(), newBase);
            ring.advanceTo(newBase);
            if (newBase == writtenOffset && (finished || reset)) {
                ring.release();
            }
        }
    }

    /** A STREAM frame was declared lost: requeues only its parts not yet acknowledged. */
    public void onLost(long offset, int length, boolean fin) {
        if (reset) {
            return;
        }
        long end = Math.min(offset + length, sentOffset);
        long pos = Math.max(offset, ring.base());
        while (pos < end) {
            pos = acked.coveredEnd(pos);
            if (pos >= end) {
                break;
            }
            long next = Math.min(end, acked.nextStartAfter(pos));
            lost.add(pos, next);
            pos = next;
        }
        if (fin && !finAcked) {
            finLost = true;
        }
    }

    /** All data and the FIN were acknowledged (RFC 9000 §3.1 "Data Recvd"). */
    public boolean isFullyAcknowledged() {
        return finished && finAcked && ring.base() == writtenOffset;
    }

    /** Bytes of data or a FIN waiting for retransmission. */
    public boolean hasLost() {
        return !lost.isEmpty() || finLost;
    }

    // ---- flow control (RFC 9000 §4.1) ----

    /** MAX_STREAM_DATA from the peer; limits only ever increase. */
    public void setMaxStreamData(long limit) {
        if (limit > maxStreamData) {
            maxStreamData = limit;
        }
    }

    public long maxStreamData() {
        return maxStreamData;
    }

    /** True if unsent data waits on the peer's MAX_STREAM_DATA (send STREAM_DATA_BLOCKED). */
    public boolean isBlocked() {
        return !reset && writtenOffset > sentOffset && sentOffset >= maxStreamData;
    }

    /** The limit to put into STREAM_DATA_BLOCKED (RFC 9000 §19.13). */
    public long blockedAt() {
        return maxStreamData;
    }

    /** The STREAM_DATA_BLOCKED limit to send, or -1 if not blocked or already sent for this limit. */
    public long streamDataBlockedToSend() {
        return isBlocked() && blockedSentAt != maxStreamData ? maxStreamData : -1;
    }

    public void onStreamDataBlockedSent(long limit) {
        blockedSentAt = limit;
    }

    // ---- reset (RFC 9000 §3.1, §19.4) ----

    /**
     * Abandons the stream: no more data or retransmissions; the caller sends RESET_STREAM with
     * {@code errorCode} and {@link #finalSize()}. No-op if already reset or fully acknowledged.
     */
    public void reset(long errorCode) {
        if (reset || isFullyAcknowledged()) {
            return;
        }
        reset = true;
        resetErrorCode = errorCode;
        resetFinalSize = sentOffset;
        lost.clear();
        finLost = false;
        ring.advanceTo(writtenOffset);
        ring.release();
    }

    public boolean isReset() {
        return reset;
    }

    public long resetErrorCode() {
        return resetErrorCode;
    }

    /** The RESET_STREAM was acknowledged ("Reset Recvd"). */
    public void onResetAcked() {
        resetAcked = true;
    }

    public boolean isResetAcknowledged() {
        return resetAcked;
    }

    /** Final size: the highest offset sent when reset, the written length once finished, else -1. */
    public long finalSize() {
        if (reset) {
            return resetFinalSize;
        }
        return finished ? writtenOffset : -1;
    }

    // ---- export / import ----

    /**
     * Portable state of a send stream. {@code data} holds bytes {@code [ackedOffset, writtenOffset)};
     * {@code ackedRanges}/{@code lostRanges} are {@link RangeSet#toArray()} pairs above ackedOffset.
     */
    public record State(long streamId, long ackedOffset, long sentOffset, long writtenOffset,
                        long maxStreamData, byte[] data, long[] ackedRanges, long[] lostRanges,
                        boolean finished, boolean finSent, boolean finAcked, boolean finLost) {
        /** A fresh sender that begins at {@code offset} (e.g. an RS taking over a response side). */
        public static State handoff(long streamId, long offset, long maxStreamData, boolean finished) {
            return new State(streamId, offset, offset, offset, maxStreamData, new byte[0],
                    new long[0], new long[0], finished, false, false, false);
        }
    }

    /** Exports the state; a reset stream cannot be handed off. */
    public State exportState() {
        if (reset || remote) {
            throw new IllegalStateException("stream " + streamId + " was reset");
        }
        byte[] data = new byte[(int) bufferedBytes()];
        ring.get(ring.base(), data, 0, data.length);
        return new State(streamId, ring.base(), sentOffset, writtenOffset, maxStreamData, data,
                acked.toArray(), lost.toArray(), finished, finSent, finAcked, finLost);
    }

    public static SendStream importState(State s, int bufferLimit) {
        if (s.data().length != s.writtenOffset() - s.ackedOffset()
                || s.sentOffset() < s.ackedOffset() || s.sentOffset() > s.writtenOffset()) {
            throw new IllegalArgumentException("inconsistent send stream state");
        }
        SendStream st = new SendStream(s.streamId(), s.ackedOffset(), s.maxStreamData(), bufferLimit);
        st.ring.ensure(s.writtenOffset());
        st.ring.put(s.ackedOffset(), s.data(), 0, s.data().length);
        st.writtenOffset = s.writtenOffset();
        st.sentOffset = s.sentOffset();
        RangeSet a = RangeSet.fromArray(s.ackedRanges());
        RangeSet l = RangeSet.fromArray(s.lostRanges());
        for (int i = 0; i < a.size(); i++) {
            st.acked.add(a.start(i), a.end(i));
        }
        for (int i = 0; i < l.size(); i++) {
            st.lost.add(l.start(i), l.end(i));
        }
        st.finished = s.finished();
        st.finSent = s.finSent();
        st.finAcked = s.finAcked();
        st.finLost = s.finLost();
        return st;
    }
}
