package org.qdsr.rs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.qdsr.control.message.Handoff;
import org.qdsr.control.message.Header;
import org.qdsr.control.message.RequestHead;
import org.qdsr.control.message.StreamControl;
import org.qdsr.control.message.StreamReport;
import org.qdsr.http3.Request;
import org.qdsr.http3.qpack.Field;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.path.PathEvent;
import org.qdsr.quic.path.PathSender;
import org.qdsr.quic.path.SnapshotFormatException;
import org.qdsr.rs.content.Content;
import org.qdsr.rs.content.ContentSource;
import org.qdsr.rs.content.ResponseHead;

/**
 * The stream side of {@link RealServerCore}: accepts handoffs (decoding the snapshot and
 * creating or extending the connection's path sender), pumps content into outputs, applies
 * StreamControl, turns path events into StreamReports and CreditRequests.
 */
final class StreamPump {
    private static final System.Logger LOG = System.getLogger(StreamPump.class.getName());

    private final ContentSource source;
    private final MessageSink sink;
    private final RealServerCore.Config config;
    private final RsCounters counters;
    private final byte[] scratch = new byte[64 * 1024];
    private int openStreams;
    /** Where ended responses are logged. */
    AccessLog accessLog = AccessLog.NONE;
    /** The core's time of the event being handled (for durations in the access log). */
    private final java.util.function.LongSupplier clock;

    StreamPump(ContentSource source, MessageSink sink, RealServerCore.Config config, RsCounters counters,
               java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.source = source;
        this.sink = sink;
        this.config = config;
        this.counters = counters;
    }

    int openStreams() {
        return openStreams;
    }

    /** Takes the handoff onto {@code c}, or answers REJECTED and returns false (c unchanged). */
    boolean accept(RsConnection c, Handoff h, long now, Runnable wakeup) {
        long id = h.streamId();
        if (c.streams.containsKey(id)) {
            return reject(c, id, "stream already handed off");
        }
        if (openStreams >= config.maxStreams()) {
            return reject(c, id, "overloaded");
        }
        boolean proxy = h.mode() == Handoff.Mode.PROXY;
        boolean instructed = h.mode() == Handoff.Mode.INSTRUCTED;
        ConnectionSnapshot.StreamSnapshot stream = null;
        ConnectionSnapshot snapshot = null;
        if (!proxy) {
            try {
                snapshot = ConnectionSnapshot.decode(h.snapshot());
            } catch (SnapshotFormatException | RuntimeException e) {
                return reject(c, id, "bad snapshot: " + e.getMessage());
            }
            stream = instructed ? null : find(snapshot, id);
            if (instructed && c.sender != null) {
                return reject(c, id, "instructed handoff on a connection this RS serves isolated");
            }
            if (!instructed && c.sealer != null) {
                return reject(c, id, "isolated handoff on a connection this RS serves instructed");
            }
            if (stream == null && !instructed) {
                return reject(c, id, "snapshot does not carry the stream");
            }
            if (c.sender != null && c.sender.pathId() != snapshot.pathId()) {
                return reject(c, id, "path " + snapshot.pathId() + " but this RS sends on " + c.sender.pathId());
            }
        }
        RequestHead r = h.request();
        Content content;
        try {
            content = source.open(new ContentSource.Handed(toRequest(r), r.body(), h.mayRefuse()), now, wakeup);
        } catch (RuntimeException e) {
            return reject(c, id, "content source: " + e);
        }
        if (instructed) {
            InstructedSender.attach(c, snapshot);
        } else if (!proxy) {
            if (c.sender == null) {
                c.sender = PathSender.fromSnapshot(snapshot.withStreams(List.of()),
                        config.pathController(snapshot.maxDatagramSize()), config.streamBufferBytes());
            } else {
                c.sender.addCredit(snapshot.connectionCredit());
            }
        }
        ResponseStream s = new ResponseStream(id, proxy, content, "HEAD".equals(r.method()));
        s.request = r;
        s.startNanos = now;
        s.mode = proxy ? "proxy" : instructed ? "instructed" : "isolated";
        s.client = proxy ? ForwardedClient.of(r.headers()) : snapshot.peerAddress();
        if (proxy) {
            s.output = new ProxyOutput(sink, c.linkId, c.connectionKey, id, config.proxyWindow());
        } else if (instructed) {
            s.instructed = new InstructedOutput(id, config.streamBufferBytes());
            s.output = new PathOutput(s.instructed);
        } else {
            s.pendingStream = stream;
        }
        c.streams.put(id, s);
        openStreams++;
        return true;
    }

    private static ConnectionSnapshot.StreamSnapshot find(ConnectionSnapshot s, long streamId) {
        for (ConnectionSnapshot.StreamSnapshot st : s.streams()) {
            if (st.streamId() == streamId) {
                return st;
            }
        }
        return null;
    }

    static Request toRequest(RequestHead r) {
        List<Field> fields = new ArrayList<>(r.headers().size());
        for (Header h : r.headers()) {
            fields.add(new Field(h.name(), h.value()));
        }
        return new Request(r.method(), r.scheme(), r.authority(), r.path(), fields);
    }

    private boolean reject(RsConnection c, long streamId, String why) {
        counters.rejected++;
        LOG.log(System.Logger.Level.DEBUG, "rs: rejected stream {0} of {1}: {2}", streamId, c, why);
        sink.send(c.linkId, new StreamReport(c.connectionKey, streamId, StreamReport.Outcome.REJECTED, 0, 0, 0, 0));
        return false;
    }

    // ---------------------------------------------------------------- pumping

    void pumpAll(RsConnection c, long now) {
        for (Iterator<ResponseStream> it = c.streams.values().iterator(); it.hasNext();) {
            ResponseStream s = it.next();
            if (s.state() == ResponseStream.State.FIN_WRITTEN || s.state() == ResponseStream.State.ENDED) {
                continue;
            }
            if (!s.proxy && s.output == null && !attach(c, s, now)) {
                continue;
            }
            switch (s.pump(scratch, now)) {
                case REJECT -> {
                    it.remove();
                    end(c, s, StreamReport.Outcome.REJECTED, 0);
                }
                case FAIL -> {
                    it.remove();
                    end(c, s, StreamReport.Outcome.FAILED, ResponseStream.H3_INTERNAL_ERROR);
                }
                case FIN_WRITTEN -> {
                    if (s.proxy) { // the LB has every byte: nothing left to acknowledge here
                        it.remove();
                        end(c, s, StreamReport.Outcome.FINISHED, 0);
                    }
                }
                default -> {
                }
            }
        }
    }

    /** Isolated mode: the stream joins the path sender once its head is ready (a rejection before stays invisible). */
    private static boolean attach(RsConnection c, ResponseStream s, long now) {
        ResponseHead head;
        try {
            head = s.peekHead(now);
        } catch (java.io.IOException e) {
            return true; // pump() reports the failure as REJECTED
        }
        if (head == null) {
            return false;
        }
        c.sender.addStream(s.pendingStream);
        if (s.maxStreamData >= 0) {
            c.sender.onMaxStreamData(s.streamId, s.maxStreamData);
        }
        s.pendingStream = null;
        s.output = PathOutput.onPath(c.sender, s.streamId);
        return true;
    }

    private void end(RsConnection c, ResponseStream s, StreamReport.Outcome outcome, long errorCode) {
        openStreams--;
        switch (outcome) {
            case FINISHED -> counters.finished++;
            case RESET -> counters.reset++;
            case REJECTED -> counters.rejected++;
            default -> counters.failed++;
        }
        long sent = s.bytesWritten();
        long acked = outcome == StreamReport.Outcome.FINISHED ? sent : 0;
        sink.send(c.linkId, new StreamReport(c.connectionKey, s.streamId, outcome, errorCode, sent, acked,
                s.status()));
        logAccess(c, s, outcome.name());
    }

    private void logAccess(RsConnection c, ResponseStream s, String outcome) {
        if (accessLog == AccessLog.NONE || s.request == null) {
            return;
        }
        try {
            accessLog.log(new AccessLog.Entry(c.linkId, c.connectionKey, s.streamId, s.mode, s.client,
                    s.request.method(), s.request.authority(), s.request.path(), s.status(), s.bytesWritten(),
                    outcome.toLowerCase(java.util.Locale.ROOT), clock.getAsLong() - s.startNanos));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "access log: " + e); // never the loop's problem
        }
    }

    // ---------------------------------------------------------------- feedback

    /** Instructed mode: the LB released a stream's bytes below {@code ackedOffset}; all of them ends it. */
    void onRelease(RsConnection c, long streamId, long ackedOffset) {
        ResponseStream s = c.streams.get(streamId);
        if (s != null && s.instructed != null && s.instructed.release(ackedOffset)) {
            c.streams.remove(streamId);
            s.end();
            // no StreamReport: the LB released the last byte because the client acknowledged it, so
            // it knows; a report would only cost it a wake-up per request (docs/control-protocol.md)
            openStreams--;
            counters.finished++;
            logAccess(c, s, "FINISHED");
        }
    }

    void onStreamControl(RsConnection c, StreamControl m) {
        ResponseStream s = c.streams.get(m.streamId());
        if (s == null) {
            return; // raced with completion
        }
        switch (m.kind()) {
            case MAX_STREAM_DATA -> {
                if (s.proxy) {
                    ((ProxyOutput) s.output).raiseLimit(m.value());
                } else if (s.output == null) {
                    s.maxStreamData = Math.max(s.maxStreamData, m.value());
                } else {
                    c.sender.onMaxStreamData(s.streamId, m.value());
                }
            }
            case STOP_SENDING -> abort(c, s, m.value());
            case RESET_STREAM -> abort(c, s, ResponseStream.H3_REQUEST_CANCELLED);
        }
    }

    private void abort(RsConnection c, ResponseStream s, long errorCode) {
        s.abort(errorCode);
        c.streams.remove(s.streamId);
        end(c, s, StreamReport.Outcome.RESET, errorCode);
    }

    /** Turns the sender's events into reports. */
    void drainEvents(RsConnection c) {
        PathEvent e;
        while ((e = c.sender.pollEvent()) != null) {
            if (e instanceof PathEvent.StreamAcknowledged a) {
                ResponseStream s = c.streams.remove(a.streamId());
                if (s != null) {
                    s.end();
                    end(c, s, StreamReport.Outcome.FINISHED, 0);
                }
            } else if (e instanceof PathEvent.CreditBlocked b) {
                long stream = c.streams.isEmpty() ? 0 : c.streams.keySet().iterator().next();
                sink.send(c.linkId, new org.qdsr.control.message.CreditRequest(c.connectionKey, stream, b.used()));
            } else if (e instanceof PathEvent.StreamBlocked b) {
                // The LB bounds each stream's limit by the credit it reserved; ask for more.
                sink.send(c.linkId, new org.qdsr.control.message.CreditRequest(c.connectionKey, b.streamId(),
                        b.limit()));
            } else if (e instanceof PathEvent.KeyUpdateNeeded k) {
                LOG.log(System.Logger.Level.INFO, "rs: {0} sent {1} packets under one key; asking the LB to update keys",
                        c, k.packets());
                sink.send(c.linkId, new org.qdsr.control.message.KeyUpdateRequest(c.connectionKey, k.packets()));
            }
        }
    }

    /** The connection's state is unusable: every stream is reported FAILED. */
    void failAll(RsConnection c) {
        for (ResponseStream s : new ArrayList<>(c.streams.values())) {
            s.end();
            c.streams.remove(s.streamId);
            end(c, s, StreamReport.Outcome.FAILED, ResponseStream.H3_INTERNAL_ERROR);
        }
    }

    /**
     * The LB closed the connection (our client closes after its last byte, before its final ACK
     * reaches us): each open stream reports what it sent, so the LB still counts it per backend.
     */
    void reportDropped(RsConnection c) {
        for (ResponseStream s : c.streams.values()) {
            sink.send(c.linkId, new StreamReport(c.connectionKey, s.streamId, StreamReport.Outcome.FAILED, 0,
                    s.bytesWritten(), 0, s.status(), s.state() == ResponseStream.State.FIN_WRITTEN));
        }
    }

    /** The connection is gone (closed by the LB, link lost): streams end without reports. */
    void dropAll(RsConnection c) {
        for (ResponseStream s : c.streams.values()) {
            // all of it was sent (the client usually closes before its last ACK reaches us), or not
            String outcome = s.state() == ResponseStream.State.FIN_WRITTEN ? "SENT" : "CLOSED";
            s.end();
            openStreams--;
            counters.closed++;
            logAccess(c, s, outcome);
        }
        c.streams.clear();
    }
}
