package org.qdsr.app.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.qdsr.rs.RealServer;
import org.qdsr.rs.RsCounters;

/**
 * The real server's metrics, {@code qdsr_rs_*}: counters are volatile fields read from the scrape
 * thread; the two gauges of open connections and streams are read on the loop (bounded wait).
 */
public final class RsCollector implements MultiCollector {
    private final RealServer rs;

    public RsCollector(RealServer rs) {
        this.rs = rs;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        Map<String, Long> errors = Families.ordered();
        f.udp("qdsr_rs", "send socket", rs.loop().counters(), errors);
        RsCounters c = rs.counters();
        f.counter("qdsr_rs_handoffs", "handoffs received from load balancers", c.handoffs);
        f.counter("qdsr_rs_control_messages", "control messages received", c.messagesIn);
        f.counter("qdsr_rs_peer_address_updates", "clients that moved (PeerAddressUpdate applied; RFC 9000 section 9)",
                c.peerAddressUpdates);
        Map<String, Long> outcomes = new LinkedHashMap<>();
        outcomes.put("finished", c.finished);
        outcomes.put("failed", c.failed);
        outcomes.put("reset", c.reset);
        outcomes.put("rejected", c.rejected);
        outcomes.put("closed", c.closed);
        f.counter("qdsr_rs_streams", "response streams ended, by outcome", "outcome", outcomes);
        int[] open = openCounts();
        if (open != null) {
            f.gauge("qdsr_rs_active_connections", "client connections with state here now", open[0]);
            f.gauge("qdsr_rs_active_streams", "response streams in progress now", open[1]);
        }
        errors.put("unknown_connection", c.unknownConnection);
        errors.put("bad_ack", c.badAcks);
        errors.put("internal", c.internalErrors);
        errors.put("datagram_dropped", c.datagramsDropped);
        f.counter("qdsr_rs_errors", "errors by kind", "kind", errors);
        return f.build();
    }

    private int[] openCounts() {
        try {
            return rs.loop().submit(() -> new int[] {rs.connectionCount(), rs.streamCount()})
                    .get(LbCollector.WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
