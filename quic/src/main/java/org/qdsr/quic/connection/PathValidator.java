package org.qdsr.quic.connection;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.qdsr.quic.wire.PathChallengeFrame;

/**
 * The peer's address and its validation after it changed (RFC 9000 §8.2, §9.3): a PATH_CHALLENGE
 * with fresh random data goes to the new address; the matching PATH_RESPONSE validates it. Until
 * then the sender stays within three times what it received from that address (§9.3, §8.1), and
 * whatever other machines send for this connection goes to the last validated address only
 * (§9.3.1: a spoofed source must not turn this connection into a flood at a victim). A validation
 * that gets no answer is abandoned after {@link #abandonTimeout} and the connection goes back to
 * the last validated address (§8.2.4, §9.3.2).
 */
final class PathValidator {
    private final RandomGenerator random;
    private InetSocketAddress validated;
    private InetSocketAddress pending;
    private byte[] outstanding;
    private long receivedFromPending;
    private long sentToPending;
    private long validatedCount;
    private long abandonedCount;
    /** When the pending validation is given up; {@link Long#MAX_VALUE} if none is pending. */
    private long abandonAt = Long.MAX_VALUE;
    private InetSocketAddress lastSource;
    private int lastLength;
    private InetSocketAddress probeSource;
    private byte[] probeData;
    private int probeSize;
    private InetSocketAddress probeDestination;

    PathValidator(RandomGenerator random, InetSocketAddress handshakeAddress) {
        this.random = random;
        this.validated = handshakeAddress;
    }

    /**
     * How long a path validation may go unanswered (RFC 9000 §8.2.4): three times the larger of
     * the current PTO and the new path's (the same here: the estimate is not reset before the
     * address is validated), and never less than six times kInitialRtt, so a slow first answer
     * on a path that just changed is not mistaken for a failure.
     */
    static long abandonTimeout(long ptoNanos) {
        return Math.max(3 * ptoNanos, 6 * org.qdsr.quic.recovery.RttEstimator.DEFAULT_INITIAL_RTT_NANOS);
    }

    /**
     * The peer's newest non-probing packet came from {@code from} in a datagram of {@code
     * datagramLength} bytes at {@code now}. Returns the PATH_CHALLENGE to send there, or null when
     * {@code from} is the last validated address (a pending validation is abandoned: RFC 9000
     * §9.3.3). The validation is given up at {@code now + timeoutNanos} ({@link #abandonTimeout}).
     */
    PathChallengeFrame onPeerMoved(InetSocketAddress from, int datagramLength, long now, long timeoutNanos) {
        if (from.equals(validated)) {
            endValidation();
            return null;
        }
        abandonAt = now + timeoutNanos;
        pending = from;
        receivedFromPending = datagramLength;
        sentToPending = 0;
        outstanding = new byte[8];
        random.nextBytes(outstanding);
        return new PathChallengeFrame(outstanding.clone());
    }

    /** Counts a datagram received, for the anti-amplification limit toward a pending address. */
    void onDatagramReceived(InetSocketAddress from, int length) {
        lastSource = from;
        lastLength = length;
        if (pending != null && pending.equals(from)) {
            receivedFromPending += length;
        }
    }

    /** The source of the datagram being processed. */
    InetSocketAddress lastSource() {
        return lastSource;
    }

    /**
     * A PATH_CHALLENGE came from {@code lastSource()}, not the peer's current address (the peer
     * probes a new path, RFC 9000 §9.1): the response goes back there (§8.2.2), in a datagram of
     * at most three times the challenge's (§8.1) and at most 1200 bytes. The newest one wins.
     */
    void onProbeChallenge(byte[] data) {
        probeSource = lastSource;
        probeData = data.clone();
        probeSize = (int) Math.min(1200, PacketReceiver.AMPLIFICATION_FACTOR * (long) lastLength);
    }

    /** The PATH_RESPONSE to send to {@link #probeResponseDestination()} now, or null. */
    org.qdsr.quic.wire.PathResponseFrame takeProbeResponse() {
        probeDestination = null;
        if (probeData == null) {
            return null;
        }
        var f = new org.qdsr.quic.wire.PathResponseFrame(probeData);
        probeData = null;
        probeDestination = probeSource;
        return f;
    }

    int probeResponseSize() {
        return probeSize;
    }

    /** Where the datagram {@link #takeProbeResponse()} produced goes; null for every other datagram. */
    InetSocketAddress probeResponseDestination() {
        return probeDestination;
    }

    void clearProbeResponseDestination() {
        probeDestination = null;
    }

    /** Counts a datagram sent to {@code to}. */
    void onDatagramSent(InetSocketAddress to, int length) {
        if (pending != null && pending.equals(to)) {
            sentToPending += length;
        }
    }

    /**
     * Bytes that may still be sent to {@code to}: unlimited for a validated address, three times
     * what came from it minus what went there for one under validation (RFC 9000 §9.3, §8.1).
     */
    long allowance(InetSocketAddress to) {
        if (pending == null || !pending.equals(to)) {
            return Long.MAX_VALUE;
        }
        return PacketReceiver.AMPLIFICATION_FACTOR * receivedFromPending - sentToPending;
    }

    /** Whether {@code to} is a new peer address under validation. */
    boolean validating(InetSocketAddress to) {
        return pending != null && pending.equals(to);
    }

    /** Whether {@code data} is the challenge still waiting for its response. */
    boolean isOutstanding(byte[] data) {
        return outstanding != null && Arrays.equals(outstanding, data);
    }

    /** A PATH_RESPONSE; returns the address it validated, or null if it answers no outstanding challenge. */
    InetSocketAddress onResponse(byte[] data) {
        if (outstanding == null || !Arrays.equals(outstanding, data)) {
            return null;
        }
        validated = pending;
        endValidation();
        validatedCount++;
        return validated;
    }

    /** No address is under validation any more (answered, abandoned, or the peer came back). */
    private void endValidation() {
        pending = null;
        outstanding = null;
        abandonAt = Long.MAX_VALUE;
    }

    /** When the pending validation will be abandoned; {@link Long#MAX_VALUE} if none is pending. */
    long abandonDeadline() {
        return abandonAt;
    }

    /**
     * Gives up a validation still unanswered at {@code now} (RFC 9000 §8.2.4: no further
     * PATH_CHALLENGE goes there). Returns the last validated address, to which the connection
     * reverts (§9.3.2), or null if nothing was abandoned.
     */
    InetSocketAddress abandonIfExpired(long now) {
        if (pending == null || now < abandonAt) {
            return null;
        }
        endValidation();
        abandonedCount++;
        return validated;
    }

    long abandonedCount() {
        return abandonedCount;
    }

    /** The last address the peer proved it owns: the handshake's, or the newest validated one. */
    InetSocketAddress validatedAddress() {
        return validated;
    }

    long validatedCount() {
        return validatedCount;
    }
}
