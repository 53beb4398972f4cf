package org.qdsr.lb;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.endpoint.ForeignDatagramHandler;
import org.qdsr.quic.endpoint.QuicServerEndpoint;

/**
 * LB-to-LB forwarding, sans-I/O: the VIP endpoint hands it datagrams whose connection ID names a
 * peer ({@link ForeignDatagramHandler}); it seals each in a {@link PeerEncapsulation} with the
 * client's address and sends it from the forward socket to that peer. As the forward socket's
 * {@link DatagramEndpoint} it opens what peers send and feeds the client's datagram to the VIP
 * endpoint as if it came from the client ({@link QuicServerEndpoint#onForwardedDatagram}: never
 * forwarded again). Envelopes that fail authentication, are stale or come from an unknown LB are
 * dropped and counted, with a warning at most every {@value #WARN_INTERVAL_MILLIS} ms per reason.
 */
final class PeerForwarder implements DatagramEndpoint, ForeignDatagramHandler {
    private static final System.Logger LOG = System.getLogger(PeerForwarder.class.getName());
    static final long WARN_INTERVAL_MILLIS = 10_000;
    /** Envelopes waiting for the forward socket at most; more are dropped (a peer that does not keep up). */
    static final int MAX_QUEUED = 4096;

    private record Outgoing(byte[] data, InetSocketAddress to) {
    }

    private Peering peering;
    private final PeerEncapsulation envelope;
    private final LongSupplier epochMillis;
    private final QuicServerEndpoint endpoint;
    private final LbMetrics metrics;
    private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();
    private final Map<PeerEncapsulation.Reject, Long> lastWarned = new EnumMap<>(PeerEncapsulation.Reject.class);
    private final Map<PeerEncapsulation.Reject, Long> unwarned = new EnumMap<>(PeerEncapsulation.Reject.class);

    PeerForwarder(Peering peering, byte[] secret, LongSupplier epochMillis, QuicServerEndpoint endpoint,
                  LbMetrics metrics) {
        this.peering = peering;
        this.envelope = new PeerEncapsulation(secret, peering.maxAgeMillis());
        this.epochMillis = epochMillis;
        this.endpoint = endpoint;
        this.metrics = metrics;
        for (Integer id : peering.peers().keySet()) {
            metrics.peerForwarded.put(String.valueOf(id), 0L);
        }
        for (PeerEncapsulation.Reject r : PeerEncapsulation.Reject.values()) {
            metrics.peerRejected.put(r.label, 0L);
        }
    }

    /**
     * The VIP's other LBs changed (a reload): datagrams of connections that name a new peer go
     * there from now on, a removed peer's get a stateless reset, envelopes from it are refused.
     * This LB's id, forward socket and envelope key stay. Loop thread.
     */
    void setPeers(Map<Integer, InetSocketAddress> peers) {
        peering = new Peering(peering.lbId(), peers, peering.forwardListen(), peering.maxAgeMillis());
        for (Integer id : peering.peers().keySet()) {
            metrics.peerForwarded.putIfAbsent(String.valueOf(id), 0L);
        }
    }

    Map<Integer, InetSocketAddress> peers() {
        return peering.peers();
    }

    @Override
    public boolean forward(int serverId, byte[] data, int off, int len, InetSocketAddress from, long now) {
        InetSocketAddress peer = peering.peers().get(serverId);
        if (peer == null) {
            return false; // an id no LB of ours has: a stateless reset, as without peers
        }
        if (outgoing.size() >= MAX_QUEUED) {
            metrics.peerForwardDropped++;
            return true;
        }
        outgoing.add(new Outgoing(envelope.seal(peering.lbId(), from, epochMillis.getAsLong(), data, off, len), peer));
        metrics.peerForwarded.merge(String.valueOf(serverId), 1L, Long::sum);
        return true;
    }

    @Override
    public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        long wall = epochMillis.getAsLong();
        PeerEncapsulation.Opened o = envelope.open(data, off, len, wall);
        if (o.ok() && !peering.peers().containsKey(o.senderId())) {
            o = PeerEncapsulation.Opened.rejected(PeerEncapsulation.Reject.UNKNOWN_PEER);
        }
        if (!o.ok()) {
            reject(o.reject(), from, wall);
            return;
        }
        metrics.peerReceived++;
        endpoint.onForwardedDatagram(data, o.payloadOffset(), o.payloadLength(), o.client(), now);
    }

    private void reject(PeerEncapsulation.Reject r, InetSocketAddress from, long wall) {
        metrics.peerRejected.merge(r.label, 1L, Long::sum);
        Long last = lastWarned.get(r);
        if (last != null && wall - last < WARN_INTERVAL_MILLIS) {
            unwarned.merge(r, 1L, Long::sum);
            return;
        }
        long more = unwarned.getOrDefault(r, 0L);
        unwarned.remove(r);
        lastWarned.put(r, wall);
        LOG.log(System.Logger.Level.WARNING, "dropped a forwarded datagram from {0}: {1}{2}", from, r.label,
                more == 0 ? "" : " (and " + more + " more for this reason since the last warning)");
    }

    @Override
    public void drainTransmit(long now, DatagramSink sink) {
        Outgoing o;
        while ((o = outgoing.peek()) != null) {
            if (!sink.send(o.data, 0, o.data.length, o.to)) {
                return;
            }
            outgoing.poll();
        }
    }

    @Override
    public long nextDeadline() {
        return Long.MAX_VALUE;
    }

    @Override
    public void onDeadline(long now) {
        // nothing is timed
    }
}
