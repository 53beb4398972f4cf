package org.qdsr.app.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.qdsr.lb.LbMetrics;
import org.qdsr.lb.LoadBalancer;

/**
 * The load balancer's metrics, {@code qdsr_lb_*}. One scrape copies the core's counters on the
 * event-loop thread (a few field reads per backend) and waits at most {@link #WAIT_SECONDS} for it;
 * the UDP counters are read from any thread.
 */
public final class LbCollector implements MultiCollector {
    static final long WAIT_SECONDS = 2;
    private final LoadBalancer lb;

    public LbCollector(LoadBalancer lb) {
        this.lb = lb;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        Map<String, Long> errors = Families.ordered();
        f.udp("qdsr_lb_vip", "VIP socket", lb.counters(), errors);
        f.counter("qdsr_lb_loop_turns", "event-loop turns (each one wake-up)", lb.counters().turns());
        f.counter("qdsr_lb_loop_coalesced_turns", "turns that served what arrived during a receive-coalescing"
                + " pause (coalesce-us)", lb.counters().coalescedTurns());
        LbMetrics m = copy();
        if (m != null) {
            core(f, m);
            errors.put("backend_message", m.backendErrors);
        }
        f.counter("qdsr_lb_errors", "errors by kind", "kind", errors);
        return f.build();
    }

    private LbMetrics copy() {
        try {
            return lb.loop().submit(lb::metrics).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null; // loop closing or busy: this scrape has the UDP counters only
        }
    }

    /** LB-to-LB forwarding (several LBs for one VIP); only when this LB has peers. */
    private static void peers(Families f, LbMetrics m) {
        if (m.peerForwarded.isEmpty()) {
            return;
        }
        f.counter("qdsr_lb_peer_forwarded", "client datagrams passed to the peer LB that holds their connection",
                "peer", m.peerForwarded);
        f.counter("qdsr_lb_peer_received", "datagrams peer LBs passed here, authenticated and processed",
                m.peerReceived);
        f.counter("qdsr_lb_peer_rejected", "envelopes from peer LBs dropped unprocessed, by reason", "reason",
                m.peerRejected);
    }

    private static void core(Families f, LbMetrics m) {
        f.counter("qdsr_lb_connections", "client connections accepted", m.connections);
        f.gauge("qdsr_lb_active_connections", "client connections open now", m.activeConnections);
        f.counter("qdsr_lb_retries", "Retry packets sent to new clients (address validation, RFC 9000 §8.1.2)",
                m.retriesSent);
        f.counter("qdsr_lb_connections_refused", "new connections refused: while stopping (CONNECTION_REFUSED),"
                + " dropped at max-connections, or refused at max-connections-per-client", "reason",
                new java.util.TreeMap<>(Map.of("stopping", m.connectionsRefused, "limit", m.connectionsOverLimit,
                        "per-client", m.connectionsOverClientLimit)));
        f.counter("qdsr_lb_stateless_resets", "stateless resets sent for unknown connections", m.statelessResets);
        f.gauge("qdsr_lb_handshakes_in_progress", "client handshakes accepted and not finished", m.handshakesInProgress);
        f.counter("qdsr_lb_handoffs", "request streams handed to real servers, by delivery mode", "mode",
                Map.of("isolated", m.handoffsIsolated, "instructed", m.handoffsInstructed, "proxy", m.handoffsProxy));
        f.counter("qdsr_lb_instructions", "instructed mode: packets the LB numbered for real servers to send",
                m.instructionsSent);
        f.counter("qdsr_lb_instructions_failed", "instructed mode: packets real servers reported as not sent",
                m.instructionsFailed);
        f.counter("qdsr_lb_acks_forwarded", "client ACK frames forwarded to real servers", m.acksForwarded);
        f.counter("qdsr_lb_ack_frequency_frames", "ACK_FREQUENCY frames sent to clients (fewer client ACKs)",
                m.ackFrequencyFrames);
        f.counter("qdsr_lb_peer_address_validations", "client address changes (NAT rebinding, migration) validated",
                m.peerAddressValidations);
        f.counter("qdsr_lb_peer_address_validations_abandoned", "new client addresses that never answered their"
                + " PATH_CHALLENGE (spoofed or vanished); the connection went back to the last validated one",
                m.peerAddressAbandoned);
        f.counter("qdsr_lb_peer_address_updates", "PeerAddressUpdate messages sent to real servers",
                m.peerAddressUpdates);
        f.counter("qdsr_lb_client_connection_id_rotations", "clients that moved with a new connection ID (active"
                + " migration) answered under a fresh connection ID of theirs (RFC 9000 section 9.5)",
                m.clientConnectionIdRotations);
        f.counter("qdsr_lb_path_connection_id_rotations", "isolated paths moved to a fresh client connection ID"
                + " after an active migration, the old one retired (RFC 9000 section 9.5)",
                m.pathConnectionIdRotations);
        f.counter("qdsr_lb_early_requests", "requests that arrived in 0-RTT, forwarded before the client's handshake"
                + " completed and marked early-data: 1 (RFC 8470)", m.earlyRequests);
        f.counter("qdsr_lb_proxy_relayed_bytes", "response bytes relayed through the LB in proxy mode",
                m.proxyBytes);
        f.counter("qdsr_lb_streams_failed", "streams that failed after a handoff", m.streamsFailed);
        f.counter("qdsr_lb_handoff_retries", "handoffs sent to another real server after one refused the request"
                + " before its first byte (overloaded, content failed before the head)", m.handoffRetries);
        f.counter("qdsr_lb_handoffs_rejected", "requests every real server tried refused: reset with"
                + " H3_REQUEST_REJECTED (safe for the client to retry)", m.handoffsRejected);
        f.counter("qdsr_lb_no_backend_responses", "503 responses: no healthy backend for the request", m.noBackend);
        f.counter("qdsr_lb_bad_path_responses", "400 responses: a path no real server could map", m.badPaths);
        f.counter("qdsr_lb_control_send_failures", "control messages that could not be sent",
                m.controlSendFailures);
        peers(f, m);
        Map<String, Integer> up = new java.util.LinkedHashMap<>();
        Map<String, Integer> draining = new java.util.LinkedHashMap<>();
        Map<String, Integer> mismatch = new java.util.LinkedHashMap<>();
        Map<String, Integer> ejected = new java.util.LinkedHashMap<>();
        Map<String, Integer> outstanding = new java.util.LinkedHashMap<>();
        Map<String, Long> handoffs = new java.util.LinkedHashMap<>();
        Map<String, Long> bytes = new java.util.LinkedHashMap<>();
        for (LbMetrics.BackendState b : m.backends) {
            up.put(b.name(), b.healthy() ? 1 : 0);
            draining.put(b.name(), b.draining() ? 1 : 0);
            mismatch.put(b.name(), b.vipMismatch() ? 1 : 0);
            ejected.put(b.name(), b.ejected() ? 1 : 0);
            outstanding.put(b.name(), b.outstanding());
            handoffs.put(b.name(), b.handoffs());
            bytes.put(b.name(), b.bytesReported());
        }
        f.gauge("qdsr_lb_backend_up", "1 when the backend's control channel is up", "backend", up);
        f.gauge("qdsr_lb_backend_draining", "1 while the backend shuts down gracefully (no new requests)", "backend",
                draining);
        f.gauge("qdsr_lb_backend_vip_mismatch", "1 when the backend sends responses from another address than the"
                + " VIP (clients drop them; check its --vip)", "backend", mismatch);
        f.gauge("qdsr_lb_backend_ejected", "1 while the backend takes no new requests after refusing "
                + "several in a row (passive health check)", "backend", ejected);
        f.counter("qdsr_lb_backend_ejections", "backends taken out of routing for refusing requests in a row",
                m.backendEjections);
        f.gauge("qdsr_lb_backend_outstanding_streams", "streams the backend is serving now", "backend", outstanding);
        f.counter("qdsr_lb_backend_handoffs", "streams handed to the backend", "backend", handoffs);
        f.counter("qdsr_lb_backend_reported_bytes", "response bytes the backend reported sending", "backend", bytes);
    }
}
