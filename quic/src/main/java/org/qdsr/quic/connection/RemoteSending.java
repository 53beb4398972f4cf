package org.qdsr.quic.connection;

import java.util.ArrayDeque;
import org.qdsr.quic.path.InstructedPacket;
import org.qdsr.quic.path.SendInstruction;
import org.qdsr.quic.stream.StreamChunk;
import org.qdsr.quic.wire.ByteWriter;

/**
 * Streams whose bytes another machine holds (QDSR's {@code instructed} mode): this connection
 * numbers, schedules, paces and recovers their packets like any other, but a packet carrying
 * such a stream's data ends with that STREAM frame and leaves as a {@link SendInstruction}
 * instead of a datagram. Acknowledged prefixes are collected for the holder to free.
 */
final class RemoteSending {
    private final QuicConnection c;
    private final ArrayDeque<SendInstruction> outbox = new ArrayDeque<>();
    /** Pairs (stream ID, acknowledged offset) not yet taken, one per stream, in first-advance order. */
    private long[] released = new long[8];
    private int releasedPairs;
    private static final long[] NONE = new long[0];
    private static final byte[] NO_PREFIX = new byte[0];
    /** Some stream was delegated: packets may end with a remote STREAM frame. */
    private boolean inUse;
    /**
     * Consecutive packets given to one remote stream before the scheduler moves on. Each holder
     * sends its packets in order, but packets of different holders race to the client; a peer
     * acknowledges every out-of-order arrival at once (RFC 9000 §13.2.1) and may take it for loss,
     * so runs of packets per holder keep reordering, and with it ACK traffic, low. Sending one
     * response after another is also HTTP/3's default priority (RFC 9218 §4, non-incremental).
     */
    static final int RUN_PACKETS = 32;
    private long runStream = -1;
    private int runPackets;
    private long instructedBytes;
    private long instructedPackets;

    RemoteSending(QuicConnection c) {
        this.c = c;
    }

    /**
     * Writes the remote chunk's PADDING (if the header-protection sample needs it) and records
     * the instruction for a packet whose payload so far ({@code payloadStart..w.position()})
     * becomes the prefix. Returns the datagram size.
     */
    int instruct(ByteWriter w, int payloadStart, long pn, int pnLength, long streamId, StreamChunk chunk) {
        int padding = InstructedPacket.paddingNeeded(pnLength, w.position() - payloadStart, streamId,
                chunk.offset(), chunk.length());
        for (int i = 0; i < padding; i++) {
            w.writeUint8(0);
        }
        byte[] prefix = w.position() == payloadStart ? NO_PREFIX
                : java.util.Arrays.copyOfRange(w.array(), payloadStart, w.position());
        SendInstruction ins = new SendInstruction(pn, pnLength, c.oneRtt.writePhase(), c.oneRtt.writeGeneration(),
                c.cids.activePeer(), streamId, chunk.offset(), chunk.length(), chunk.fin(), prefix);
        outbox.add(ins);
        instructedPackets++;
        int size = ins.datagramSize();
        instructedBytes += size;
        return size;
    }

    void onDelegated() {
        inUse = true;
    }

    boolean inUse() {
        return inUse;
    }

    /** The remote stream whose run of packets continues, or null. */
    StreamManager.QuicStream continuingRun(StreamManager streams) {
        if (runStream < 0 || runPackets >= RUN_PACKETS) {
            return null;
        }
        StreamManager.QuicStream s = streams.get(runStream);
        boolean sendable = s != null && s.send != null && s.send.isRemote()
                && s.send.hasSendable(streams.flow.sendCredit());
        return sendable ? s : null;
    }

    void onRemoteChunk(long streamId) {
        if (streamId == runStream) {
            runPackets++;
        } else {
            runStream = streamId;
            runPackets = 1;
        }
    }

    /** The widest STREAM header a remote chunk of this stream can need (offset up to 2^62). */
    static int maxStreamHeader(long streamId) {
        return InstructedPacket.streamFrameHeaderLength(streamId, 1L << 40) + 4;
    }

    SendInstruction poll() {
        return outbox.poll();
    }

    boolean hasInstructions() {
        return !outbox.isEmpty();
    }

    /** The peer acknowledged every byte of a remote stream below {@code offset}. */
    void onAckedPrefixAdvanced(long streamId, long offset) {
        for (int i = 0; i < releasedPairs; i++) { // few streams advance between two takes: a scan beats a map
            if (released[2 * i] == streamId) {
                released[2 * i + 1] = offset;
                return;
            }
        }
        if (2 * releasedPairs == released.length) {
            released = java.util.Arrays.copyOf(released, released.length * 2);
        }
        released[2 * releasedPairs] = streamId;
        released[2 * releasedPairs + 1] = offset;
        releasedPairs++;
    }

    /** Pairs (stream ID, acknowledged offset) that advanced since the last call. */
    long[] takeReleases() {
        if (releasedPairs == 0) {
            return NONE;
        }
        long[] out = java.util.Arrays.copyOf(released, 2 * releasedPairs);
        releasedPairs = 0;
        return out;
    }

    long instructedBytes() {
        return instructedBytes;
    }

    long instructedPackets() {
        return instructedPackets;
    }
}
