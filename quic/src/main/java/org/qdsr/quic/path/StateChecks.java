package org.qdsr.quic.path;

import java.net.InetSocketAddress;
import java.util.Arrays;
import org.qdsr.quic.recovery.RttEstimator;
import org.qdsr.quic.stream.SendStream;

/**
 * Consistency rules for {@link ConnectionSnapshot} fields. Violations are
 * {@link IllegalArgumentException}s, which the decoder turns into {@link SnapshotFormatException}.
 */
final class StateChecks {
    private StateChecks() {
    }

    static void checkPath(long keyGeneration, long pathId, InetSocketAddress peer, int maxDatagramSize,
            long maxAckDelay, int ackDelayExponent, long nextPn, long credit, long cwnd) {
        require(ConnectionSnapshot.isVarInt(keyGeneration), "key generation");
        require(pathId >= 0 && pathId <= ConnectionSnapshot.MAX_PATH_ID, "path ID " + pathId);
        require(!peer.isUnresolved(), "peer address must be resolved");
        require(maxDatagramSize >= ConnectionSnapshot.MIN_DATAGRAM_SIZE
                && maxDatagramSize <= ConnectionSnapshot.MAX_DATAGRAM_SIZE, "max datagram size " + maxDatagramSize);
        require(maxAckDelay >= 0 && maxAckDelay < ConnectionSnapshot.MAX_ACK_DELAY_LIMIT_NANOS, "max_ack_delay");
        require(ackDelayExponent >= 0 && ackDelayExponent <= 20, "ack_delay_exponent " + ackDelayExponent);
        require(ConnectionSnapshot.isVarInt(nextPn), "next packet number");
        require(ConnectionSnapshot.isVarInt(credit), "connection credit");
        require(ConnectionSnapshot.isVarInt(cwnd), "congestion window");
    }

    static void checkRtt(RttEstimator.State rtt) {
        if (rtt == null) {
            return;
        }
        require(rtt.initialRtt() > 0 && rtt.latestRtt() >= 0 && rtt.smoothedRtt() > 0 && rtt.rttVar() >= 0
                && rtt.minRtt() >= 0, "rtt state");
        require(ConnectionSnapshot.isVarInt(rtt.initialRtt()) && ConnectionSnapshot.isVarInt(rtt.latestRtt())
                && ConnectionSnapshot.isVarInt(rtt.smoothedRtt()) && ConnectionSnapshot.isVarInt(rtt.rttVar())
                && ConnectionSnapshot.isVarInt(rtt.minRtt()), "rtt state range");
    }

    /** The invariants {@link SendStream#importState} relies on, plus RFC 9000 §4.5 final-size sanity. */
    static void checkStream(long streamId, SendStream.State s) {
        require(ConnectionSnapshot.isVarInt(streamId) && s.streamId() == streamId, "stream ID");
        require(s.ackedOffset() >= 0 && s.ackedOffset() <= s.sentOffset() && s.sentOffset() <= s.writtenOffset()
                && ConnectionSnapshot.isVarInt(s.writtenOffset()), "stream offsets");
        require(ConnectionSnapshot.isVarInt(s.maxStreamData()), "max stream data");
        require(s.data() != null && s.data().length == s.writtenOffset() - s.ackedOffset(), "stream data length");
        checkRanges(s.ackedRanges(), s.ackedOffset(), s.sentOffset());
        checkRanges(s.lostRanges(), s.ackedOffset(), s.sentOffset());
        require(!s.finSent() || s.finished(), "FIN sent on an unfinished stream");
        require(!s.finAcked() || s.finSent(), "FIN acknowledged but not sent");
        require(!s.finLost() || (s.finSent() && !s.finAcked()), "FIN lost but not outstanding");
    }

    /** Sorted, disjoint, non-empty pairs within (lo, hi]. */
    private static void checkRanges(long[] pairs, long lo, long hi) {
        require(pairs != null && pairs.length % 2 == 0, "range pairs");
        long prevEnd = lo;
        for (int i = 0; i < pairs.length; i += 2) {
            require(pairs[i] >= prevEnd && pairs[i] < pairs[i + 1] && pairs[i + 1] <= hi, "range order");
            prevEnd = pairs[i + 1];
        }
    }

    static boolean sameState(SendStream.State a, SendStream.State b) {
        return a.streamId() == b.streamId() && a.ackedOffset() == b.ackedOffset()
                && a.sentOffset() == b.sentOffset() && a.writtenOffset() == b.writtenOffset()
                && a.maxStreamData() == b.maxStreamData() && Arrays.equals(a.data(), b.data())
                && Arrays.equals(a.ackedRanges(), b.ackedRanges()) && Arrays.equals(a.lostRanges(), b.lostRanges())
                && a.finished() == b.finished() && a.finSent() == b.finSent() && a.finAcked() == b.finAcked()
                && a.finLost() == b.finLost();
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("invalid " + what);
        }
    }
}
