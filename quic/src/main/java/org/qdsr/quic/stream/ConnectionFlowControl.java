package org.qdsr.quic.stream;

import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

/**
 * Connection-level flow control (RFC 9000 §4.1): MAX_DATA in both directions.
 * Send side: the peer's limit minus the new stream bytes we sent. Receive side: the sum over
 * streams of the highest received offsets (final sizes after a reset), checked against our limit,
 * and a MAX_DATA refresh once the application consumed half the window.
 */
public final class ConnectionFlowControl {
    private long peerMaxData;
    private long sent;
    private long blockedSentAt = -1;

    private final long window;
    private long maxData;
    private long received;
    private long consumed;

    /**
     * @param peerInitialMaxData the peer's initial_max_data
     * @param ourInitialMaxData  our initial_max_data; also the refresh window
     */
    public ConnectionFlowControl(long peerInitialMaxData, long ourInitialMaxData) {
        this.peerMaxData = peerInitialMaxData;
        this.window = ourInitialMaxData;
        this.maxData = ourInitialMaxData;
    }

    // ---- send side ----

    /** Bytes of new stream data we may still send. */
    public long sendCredit() {
        return Math.max(0, peerMaxData - sent);
    }

    /** New (not retransmitted) stream bytes were sent. */
    public void onNewDataSent(long bytes) {
        sent += bytes;
    }

    /**
     * Credit reserved earlier for another sender comes back unused (QDSR: a real server finished
     * a stream below the limit it was given); it counts as not sent.
     */
    public void onCreditReturned(long bytes) {
        sent = Math.max(0, sent - Math.max(0, bytes));
    }

    /** MAX_DATA from the peer; only increases count. */
    public void onMaxData(long limit) {
        peerMaxData = Math.max(peerMaxData, limit);
    }

    public long peerMaxData() {
        return peerMaxData;
    }

    public long dataSent() {
        return sent;
    }

    /** No credit left: the caller may send DATA_BLOCKED with {@link #peerMaxData()}. */
    public boolean isBlocked() {
        return sent >= peerMaxData;
    }

    /** The DATA_BLOCKED limit to send, or -1 when not blocked or already sent for this limit. */
    public long dataBlockedToSend() {
        return isBlocked() && blockedSentAt != peerMaxData ? peerMaxData : -1;
    }

    public void onDataBlockedSent(long limit) {
        blockedSentAt = limit;
    }

    // ---- receive side ----

    /**
     * A stream's highest received offset grew by {@code newBytes} (from
     * {@link ReceiveStream#onStreamFrame} or {@link ReceiveStream#onResetStream}).
     *
     * @throws QuicException FLOW_CONTROL_ERROR if the total exceeds the MAX_DATA we advertised
     */
    public void onDataReceived(long newBytes) throws QuicException {
        if (newBytes > maxData - received) {
            throw new QuicException(TransportError.FLOW_CONTROL_ERROR,
                    "connection data " + (received + newBytes) + " exceeds limit " + maxData);
        }
        received += newBytes;
    }

    /** The application consumed bytes (see {@link ReceiveStream#takeConsumedBytes()}). */
    public void onDataConsumed(long bytes) {
        consumed += bytes;
    }

    /** A new MAX_DATA ({@code consumed + window}) once half the window is used, else -1. */
    public long maxDataToAdvertise() {
        return maxData - consumed < window / 2 ? consumed + window : -1;
    }

    public void onMaxDataSent(long limit) {
        maxData = Math.max(maxData, limit);
    }

    /** The MAX_DATA we advertised last. */
    public long maxData() {
        return maxData;
    }

    public long dataReceived() {
        return received;
    }

    public long dataConsumed() {
        return consumed;
    }
}
