package org.qdsr.lb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.Handoff;
import org.qdsr.control.message.KeyUpdate;
import org.qdsr.control.message.RequestHead;
import org.qdsr.control.message.SendInstructions;
import org.qdsr.control.message.SendReport;
import org.qdsr.control.message.StreamControl;
import org.qdsr.control.message.StreamReady;
import org.qdsr.control.message.StreamReport;
import org.qdsr.http3.Http3Error;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.path.SendInstruction;
import org.qdsr.quic.path.WriteKeys;

/**
 * The instructed mode of one client connection (DESIGN.md "Delivery modes"), for clients with a
 * single packet-number space: the LB numbers, paces and recovers every packet
 * ({@link QuicConnection#delegateStream}); each backend holds its responses' bytes and fills,
 * seals and sends the packets the LB instructs. Here: handoffs, StreamReady → ready offsets,
 * instructions and acknowledged-prefix releases batched per backend per loop turn, SendReports →
 * send times and never-sent packets, key updates ahead of the first packet of a new generation,
 * and failure (a backend lost or a response failed: the LB resets the stream itself).
 */
final class InstructedDelivery {
    /** A batch the backend has not reported yet. */
    private record Outstanding(Backend backend, long lastPacketNumber) {
    }

    /** Sends to backends; counts failures. */
    interface Sender {
        void send(Backend b, ControlMessage m);
    }

    static final int MAX_OUTSTANDING_BATCHES = 4096;
    private static final long[] NO_RELEASES = new long[0];
    private final long key;
    private final Sender out;
    private final LbMetrics metrics;
    private final Map<Long, Backend> streams = new HashMap<>();
    private final Set<Long> acknowledged = new HashSet<>();
    /**
     * Requests whose backend has not announced a byte yet: a REJECTED report (overload, content
     * failure before the head) may still send them elsewhere, at most {@link #MAX_ATTEMPTS} times.
     */
    private final Map<Long, Retry> retryable = new HashMap<>();
    static final int MAX_ATTEMPTS = 3;

    /** What a retry needs. */
    record Retry(org.qdsr.http3.Request request, RequestHead head, Set<Backend> tried) {
    }

    /** Final sizes the backends announced (StreamReady with fin), for the per-backend byte counts. */
    private final Map<Long, Long> finalSizes = new HashMap<>();
    /** Key generation each backend holds for this connection. */
    private final Map<Integer, Long> keyGeneration = new HashMap<>();
    /** Batches a report may still name (reports are optional when all went out promptly). */
    private final Map<Long, Outstanding> outstanding = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Outstanding> eldest) {
            return size() > MAX_OUTSTANDING_BATCHES;
        }
    };
    private final Set<Backend> involved = new HashSet<>();
    /**
     * Streams this LB stopped at their backend (client's STOP_SENDING, a broken backend): the
     * backend's RESET report, still to come, tells what it sent (bounded: a report may never come).
     */
    private final Map<Long, Backend> stopped = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Backend> eldest) {
            return size() > MAX_STOPPED;
        }
    };
    static final int MAX_STOPPED = 1024;
    /** Per backend ID, the packets of the flush in progress (reused), and the backends with packets, in order. */
    private final List<List<SendInstruction>> batches = new ArrayList<>();
    private final List<Backend> touched = new ArrayList<>(4);
    private static final Map<Backend, long[]> NO_RELEASE_MAP = Map.of();
    private long nextBatchId;
    /** The encoded instructed snapshot of key generation {@code snapshotGeneration}, reused across handoffs. */
    private byte[] snapshot;
    private long snapshotGeneration = -1;

    InstructedDelivery(long key, Sender out, LbMetrics metrics) {
        this.key = key;
        this.out = out;
        this.metrics = metrics;
    }

    boolean owns(long streamId) {
        return streams.containsKey(streamId);
    }

    /** Streams to instruct or release, or completions to account for. */
    boolean active() {
        return !streams.isEmpty() || !acknowledged.isEmpty();
    }

    Set<Backend> involvedBackends() {
        return involved;
    }

    /**
     * Delegates the stream's response to {@code b}: the snapshot carries keys, client CID and
     * address. {@code r} holds the request and the backends tried so far, in any delivery mode;
     * {@code canRetry} says whether a refusal could still go elsewhere ({@link Handoff#mayRefuse}).
     */
    void handOff(QuicConnection conn, Backend b, long streamId, Retry r, long handoffId,
                 java.util.function.Predicate<Retry> canRetry) {
        retryable.put(streamId, r);
        r.tried().add(b);
        conn.delegateStream(streamId, senderOf(b)); // again on a retry: the stream's packets leave from b now
        if (snapshot == null || snapshotGeneration != conn.keyGeneration()) {
            // one export per key generation, not per request (it derives the header-protection key):
            // an RS takes keys, client CID and address from the first snapshot of a connection only
            ConnectionSnapshot s = conn.exportInstructed();
            snapshot = s.encode();
            snapshotGeneration = s.keyGeneration();
        }
        keyGeneration.putIfAbsent(b.id(), snapshotGeneration); // later snapshots do not replace the RS's keys
        streams.put(streamId, b);
        involved.add(b);
        out.send(b, new Handoff(handoffId, key, streamId, snapshot, r.head(), Handoff.Mode.INSTRUCTED, canRetry.test(r)));
        metrics.handoffsInstructed++;
    }

    /** The backend as a sender of the connection's packets (loss detection compares per sender). */
    static int senderOf(Backend b) {
        return 1 + Math.floorMod(b.id(), org.qdsr.quic.recovery.Recovery.MAX_SENDER);
    }

    void onStreamReady(QuicConnection conn, Backend from, StreamReady r) {
        metrics.streamReadies++;
        if (streams.get(r.streamId()) == from) {
            retryable.remove(r.streamId()); // bytes are coming: this backend owns the response now
            try {
                conn.remoteDataReady(r.streamId(), r.readyOffset(), r.fin());
                if (r.fin()) {
                    finalSizes.put(r.streamId(), r.readyOffset());
                }
            } catch (IllegalArgumentException e) { // offsets moved back: the backend is broken for this stream
                fail(conn, r.streamId());
            }
        }
    }

    /** The response's stream bytes, as its backend announced with the FIN (0 if not announced). */
    long finalSize(long streamId) {
        return finalSizes.getOrDefault(streamId, 0L);
    }

    /** Every byte and the FIN were acknowledged; the final release goes out with the next flush. */
    void onAcknowledged(long streamId) {
        Backend b = streams.get(streamId);
        if (b != null) {
            acknowledged.add(streamId);
        }
    }

    /**
     * Sends the instructions the connection produced since the last call, and releases, as one
     * batch per backend (split where the key generation or destination CID changes). Returns
     * true if frames of packets that could not be instructed wait to be sent again.
     */
    boolean flush(QuicConnection conn, long now) {
        SendInstruction ins = conn.pollInstruction();
        long[] released = conn.takeRemoteReleases();
        if (ins == null && released.length == 0 && acknowledged.isEmpty()) {
            return false;
        }
        boolean requeued = false;
        long lastStream = -1;
        Backend b = null;
        for (; ins != null; ins = conn.pollInstruction()) {
            if (ins.streamId() != lastStream) { // runs of one stream: one lookup per run
                lastStream = ins.streamId();
                b = streams.get(lastStream);
            }
            if (b == null || !b.healthy()) {
                conn.onInstructedNotSent(ins.packetNumber(), now);
                requeued = true;
                continue;
            }
            List<SendInstruction> batch = batchOf(b);
            if (!batch.isEmpty() && !sameKeysAndCid(batch.get(0), ins)) {
                sendBatch(conn, b, batch, NO_RELEASES);
                batch.clear();
            }
            batch.add(ins);
        }
        Map<Backend, long[]> releases = releasesByBackend(released);
        for (int i = 0; i < touched.size(); i++) {
            Backend t = touched.get(i);
            List<SendInstruction> batch = batches.get(t.id());
            if (!batch.isEmpty()) {
                long[] r = releases.isEmpty() ? null : releases.remove(t);
                sendBatch(conn, t, batch, r == null ? NO_RELEASES : r);
                batch.clear();
            }
        }
        touched.clear();
        sendReleasesOnly(releases);
        for (long id : acknowledged) {
            Backend done = streams.remove(id);
            Long size = finalSizes.remove(id);
            if (done != null) {
                done.onStreamDone(size == null ? 0 : size);
            }
        }
        acknowledged.clear();
        return requeued;
    }

    /** The reused batch of this flush for {@code b} (SendInstructions copies it). */
    private List<SendInstruction> batchOf(Backend b) {
        while (batches.size() <= b.id()) {
            batches.add(new ArrayList<>());
        }
        List<SendInstruction> batch = batches.get(b.id());
        if (batch.isEmpty() && !touched.contains(b)) {
            touched.add(b);
        }
        return batch;
    }

    /** Before the connection's state goes: the last releases, so backends count their streams finished. */
    void flushReleases(QuicConnection conn) {
        sendReleasesOnly(releasesByBackend(conn.takeRemoteReleases()));
    }

    private void sendReleasesOnly(Map<Backend, long[]> releases) {
        for (var e : releases.entrySet()) {
            out.send(e.getKey(), SendInstructions.releasesOnly(key, nextBatchId++, e.getValue()));
            metrics.instructionBatches++;
        }
    }

    private static boolean sameKeysAndCid(SendInstruction a, SendInstruction b) {
        return a.keyGeneration() == b.keyGeneration() && a.keyPhase() == b.keyPhase() && a.dcid().equals(b.dcid());
    }

    /** Splits (stream ID, acknowledged offset) pairs by the backend that holds each stream. */
    private Map<Backend, long[]> releasesByBackend(long[] pairs) {
        if (pairs.length == 0) {
            return NO_RELEASE_MAP;
        }
        Map<Backend, long[]> result = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Backend b = streams.get(pairs[i]);
            if (b != null) {
                long[] r = result.get(b);
                long[] grown = r == null ? new long[2] : java.util.Arrays.copyOf(r, r.length + 2);
                grown[grown.length - 2] = pairs[i];
                grown[grown.length - 1] = pairs[i + 1];
                result.put(b, grown);
            }
        }
        return result;
    }

    private void sendBatch(QuicConnection conn, Backend b, List<SendInstruction> packets, long[] releases) {
        long generation = packets.get(0).keyGeneration();
        if (keyGeneration.getOrDefault(b.id(), -1L) < generation) {
            WriteKeys k = conn.writeKeys(); // RFC 9001 §6: the RS must hold the keys before the first packet of them
            out.send(b, new KeyUpdate(key, k.secret(), k.keyPhase(), k.generation()));
            keyGeneration.put(b.id(), k.generation());
        }
        long batchId = nextBatchId++;
        outstanding.put(batchId, new Outstanding(b, packets.get(packets.size() - 1).packetNumber()));
        out.send(b, SendInstructions.of(key, batchId, packets, releases));
        metrics.instructionsSent += packets.size();
        metrics.instructionBatches++;
    }

    /** The backend's outcome of one batch: send delays for recovery, unsent packets go again. */
    void onSendReport(QuicConnection conn, Backend from, SendReport r, long now) {
        metrics.sendReports++;
        Outstanding o = outstanding.remove(r.batchId());
        if (o == null || o.backend() != from) {
            return;
        }
        long[] failed = r.failedPacketNumbers();
        for (long pn : failed) {
            conn.onInstructedNotSent(pn, now);
        }
        conn.onInstructedQueueing(o.lastPacketNumber(), r.queueDelayMicros() * 1000, now);
        metrics.instructionsFailed += failed.length;
    }

    /** True if a backend's StreamReport on {@code streamId} is ours: delegated, or stopped here with its report due. */
    boolean expectsReport(long streamId) {
        return streams.containsKey(streamId) || stopped.containsKey(streamId);
    }

    /**
     * The backend ended a response early (content failure, overload, the STOP_SENDING this LB
     * sent): what it sent counts for it once, like the final size of a finished response.
     */
    Retry onStreamReport(QuicConnection conn, Backend from, StreamReport r) {
        if (stopped.get(r.streamId()) == from) {
            stopped.remove(r.streamId());
            from.onLateReport(r.bytesSent()); // its outstanding count was released when it was stopped
            return null;
        }
        if (streams.get(r.streamId()) != from) {
            return null;
        }
        if (r.outcome() == StreamReport.Outcome.FINISHED) {
            return null; // completion is known here from the client's ACKs
        }
        streams.remove(r.streamId());
        from.onStreamDone(r.bytesSent());
        Retry retry = retryable.get(r.streamId());
        if (r.outcome() == StreamReport.Outcome.REJECTED && retry != null && retry.tried().size() < MAX_ATTEMPTS) {
            metrics.handoffRetries++;
            return retry; // the caller routes it to another backend
        }
        retryable.remove(r.streamId());
        conn.resetStream(r.streamId(), Http3Error.H3_INTERNAL_ERROR.code());
        metrics.streamsFailed++;
        return null;
    }

    /**
     * A refused request found no other backend: the stream is reset with H3_REQUEST_REJECTED
     * (RFC 9114 §8.1: nothing was processed, the client may retry it).
     */
    void giveUp(QuicConnection conn, long streamId) {
        retryable.remove(streamId);
        conn.resetStream(streamId, Http3Error.H3_REQUEST_REJECTED.code());
        metrics.handoffsRejected++;
    }

    /** The client sent STOP_SENDING: the connection reset the stream; the backend drops it. */
    void onStopSending(long streamId, long errorCode) {
        Backend b = streams.remove(streamId);
        if (b != null) {
            out.send(b, new StreamControl(key, streamId, StreamControl.Kind.STOP_SENDING, errorCode));
            b.onStreamDone(0);
            stopped.put(streamId, b);
        }
    }

    /** The backend is gone: its streams are reset here (this LB knows each one's exact final size). */
    void onBackendDown(QuicConnection conn, Backend b) {
        for (var it = streams.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (e.getValue() == b) {
                it.remove();
                conn.resetStream(e.getKey(), Http3Error.H3_INTERNAL_ERROR.code());
                metrics.streamsFailed++;
            }
        }
        outstanding.values().removeIf(o -> o.backend() == b);
        stopped.values().removeIf(s -> s == b); // no report comes over a lost channel
        keyGeneration.remove(b.id());
        involved.remove(b);
    }

    private void fail(QuicConnection conn, long streamId) {
        Backend b = streams.remove(streamId);
        if (b != null) {
            conn.resetStream(streamId, Http3Error.H3_INTERNAL_ERROR.code());
            out.send(b, new StreamControl(key, streamId, StreamControl.Kind.STOP_SENDING,
                    Http3Error.H3_INTERNAL_ERROR.code()));
            b.onStreamDone(0);
            stopped.put(streamId, b);
            metrics.streamsFailed++;
        }
    }

    /**
     * The connection closed: every stream ends. Acknowledged ones count their final size here
     * (their last release goes ahead of ConnectionClosed, so their backend reports nothing);
     * the others, and stopped ones, count when their backend's report arrives, which then finds
     * no connection ({@link LoadBalancerCore}: {@link Backend#onLateReport}).
     */
    void onClosed() {
        for (var e : streams.entrySet()) {
            Long size = acknowledged.contains(e.getKey()) ? finalSizes.get(e.getKey()) : null;
            e.getValue().onStreamDone(size == null ? 0 : size);
        }
        streams.clear();
        finalSizes.clear();
        stopped.clear();
        retryable.clear();
        acknowledged.clear();
        outstanding.clear();
    }
}
