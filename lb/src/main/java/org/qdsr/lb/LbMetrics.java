package org.qdsr.lb;

/** Counters of the load balancer core (read by the metrics endpoint; written on the loop thread). */
public final class LbMetrics implements Cloneable {
    public long connections;
    public long handoffsIsolated;
    public long handoffsProxy;
    public long handoffsInstructed;
    /** Instructed mode: packets instructed to backends, and those they reported as not sent. */
    public long instructionsSent;
    public long instructionsFailed;
    /** Instructed mode: SendInstructions messages sent (with instructions or only releases), SendReports and StreamReadys received. */
    public long instructionBatches;
    public long sendReports;
    public long streamReadies;
    /** Packets the closed connections declared lost (RFC 9002 §6.1), and those acknowledged later. */
    public long packetsLost;
    public long spuriousLosses;
    public long packetsLostByTime;
    /** Loop turns that ended with a flush of the control channels. */
    public long turns;
    /** Handoffs sent to another backend after one refused them before its first byte (instructed, isolated). */
    public long handoffRetries;
    /** Requests every backend tried refused: reset with H3_REQUEST_REJECTED. */
    public long handoffsRejected;
    /** Key updates a backend asked for while the previous one was not yet acknowledged (it asks again later). */
    public long keyUpdatesDeferred;
    /** AckForward messages sent to backends, and the client PATH_ACKs they carried (merged while held). */
    public long acksForwarded;
    public long pathAcksReceived;
    /** ACK_FREQUENCY frames sent to clients (draft-ietf-quic-ack-frequency: fewer client ACKs to forward). */
    public long ackFrequencyFrames;
    /**
     * Client address changes (NAT rebinding, migration: RFC 9000 §9) the LB validated, and the
     * PeerAddressUpdate messages that moved real servers' sending there.
     */
    public long peerAddressValidations;
    public long peerAddressAbandoned;
    /** Backends taken out of routing for refusing requests in a row ({@code OutlierEjection}). */
    public long backendEjections;
    public long peerAddressUpdates;
    /** Active migrations (a client moved with a new connection ID) answered with a fresh ID of the client's (RFC 9000 §9.5). */
    public long clientConnectionIdRotations;
    /** Isolated paths moved to a fresh client connection ID after an active migration (RFC 9000 §9.5). */
    public long pathConnectionIdRotations;
    /** Requests forwarded before the client's handshake completed (0-RTT), marked early-data: 1 (RFC 8470). */
    public long earlyRequests;
    /** Messages received from backends, and how many of them were CreditRequests. */
    public long backendMessages;
    public long creditRequests;
    public long proxyBytes;
    public long noBackend;
    /** 400 responses: a path no real server could map (bad percent-encoding, an encoded '/', above the root). */
    public long badPaths;
    public long streamsFailed;
    public long controlSendFailures;
    public long backendErrors;
    /**
     * The VIP endpoint's admission control (filled by {@link LoadBalancer#metrics()}): Retry packets
     * sent, first Initials refused while stopping (CONNECTION_REFUSED) or dropped at the connection
     * limit, stateless resets sent, handshakes in progress now.
     */
    public long retriesSent;
    public long connectionsRefused;
    public long connectionsOverLimit;
    /** New connections refused: their client held max-connections-per-client already. */
    public long connectionsOverClientLimit;
    public long statelessResets;
    public long handshakesInProgress;
    /** Connections open now (filled by {@link LoadBalancer#metrics()}; 0 in the core's live counters). */
    public long activeConnections;
    /**
     * LB-to-LB forwarding ({@link Peering}): client datagrams passed to each peer (by peer id),
     * forwarded datagrams received from peers and processed, envelopes refused (by reason:
     * malformed, authentication, stale, unknown_peer), datagrams dropped with the queue full.
     */
    public java.util.Map<String, Long> peerForwarded = new java.util.TreeMap<>();
    public long peerReceived;
    public java.util.Map<String, Long> peerRejected = new java.util.TreeMap<>();
    public long peerForwardDropped;
    /** Per-backend state at the time of the copy (filled by {@link LoadBalancer#metrics()}). */
    public java.util.List<BackendState> backends = java.util.List.of();

    /** One backend as the metrics endpoint reports it. */
    public record BackendState(String name, boolean healthy, boolean draining, int outstanding, long handoffs,
                               long bytesReported, boolean vipMismatch, boolean ejected) {
    }

    /** A copy of every counter (the maps copied too), for readers off the loop thread. */
    public LbMetrics copy() {
        try {
            LbMetrics c = (LbMetrics) super.clone();
            c.peerForwarded = new java.util.TreeMap<>(peerForwarded);
            c.peerRejected = new java.util.TreeMap<>(peerRejected);
            return c;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return "connections=" + connections + " handoffs(isolated=" + handoffsIsolated + " proxy=" + handoffsProxy
                + " instructed=" + handoffsInstructed + ") instructions=" + instructionsSent + "/failed="
                + instructionsFailed + " batches=" + instructionBatches + " reports=" + sendReports + " readies=" + streamReadies
                + " turns=" + turns + " lost=" + packetsLost + " byTime=" + packetsLostByTime + " spurious=" + spuriousLosses
                + " acksForwarded=" + acksForwarded + "/" + pathAcksReceived + " ackFrequency=" + ackFrequencyFrames
                + " fromBackends=" + backendMessages
                + "/credit=" + creditRequests + " proxyBytes=" + proxyBytes + " noBackend=" + noBackend + " badPaths=" + badPaths
                + " streamsFailed=" + streamsFailed + " controlSendFailures=" + controlSendFailures;
    }
}
