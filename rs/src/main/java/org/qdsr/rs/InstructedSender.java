package org.qdsr.rs;

import java.util.ArrayDeque;
import java.util.Arrays;
import org.qdsr.control.message.KeyUpdate;
import org.qdsr.control.message.SendInstructions;
import org.qdsr.control.message.SendReport;
import org.qdsr.control.message.StreamReady;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.path.InstructedSealer;
import org.qdsr.quic.path.SendInstruction;

/**
 * The real server's instructed mode (DESIGN.md "Delivery modes"; docs/control-protocol.md): it
 * announces how far each response's bytes are buffered ({@link StreamReady}), fills, seals and
 * sends every packet the LB instructs ({@link SendInstructions}) from the VIP, reports batches
 * with failures or a queueing delay of 1 ms or more ({@link SendReport}), and frees bytes the LB
 * releases. Packet numbers, recovery and
 * congestion control stay with the LB.
 */
final class InstructedSender {
    /**
     * A batch of instructions waiting for the next send turn, or (message null) a key update that
     * arrived after batches still queued: it applies once they are sent (docs/control-protocol.md).
     */
    record Batch(SendInstructions message, long receivedAt, KeyUpdate keyUpdate) {
    }

    /** Reports of batches sent within this delay and without failures are left out. */
    static final long REPORT_DELAY_NANOS = 1_000_000;

    private final MessageSink sink;
    private final RsCounters counters;
    private final byte[] data = new byte[ConnectionSnapshot.MAX_DATAGRAM_SIZE];
    private final byte[] datagram = new byte[ConnectionSnapshot.MAX_DATAGRAM_SIZE];

    InstructedSender(MessageSink sink, RsCounters counters) {
        this.sink = sink;
        this.counters = counters;
    }

    /** The first instructed handoff of a connection brings its keys and the client's address. */
    static void attach(RsConnection c, ConnectionSnapshot s) {
        if (c.sealer == null) {
            c.sealer = new InstructedSealer(s);
            c.client = s.peerAddress();
        }
    }

    /**
     * Sends a StreamReady for every instructed stream with newly buffered bytes or FIN, naming the
     * response's status once known (for the LB's access log).
     */
    void announce(RsConnection c) {
        for (ResponseStream s : c.streams.values()) {
            InstructedOutput o = s.instructed;
            if (o != null && o.takeAnnouncement()) {
                sink.send(c.linkId, new StreamReady(c.connectionKey, s.streamId, o.readyOffset(), o.finAnnounced(),
                        s.status()));
            }
        }
    }

    /** Sends every queued batch; returns the datagrams sent. */
    int send(RsConnection c, long now, DatagramSink out) {
        int sent = 0;
        Batch b;
        while ((b = c.instructions.poll()) != null) {
            if (b.keyUpdate() != null) {
                KeyUpdate k = b.keyUpdate();
                c.sealer.updateKeys(k.generation(), k.keyPhase(), k.newWriteSecret());
            } else {
                sent += sendBatch(c, b, now, out);
            }
        }
        return sent;
    }

    private int sendBatch(RsConnection c, Batch b, long now, DatagramSink out) {
        SendInstructions m = b.message();
        long[] failed = new long[m.packetCount()];
        int failures = 0;
        SendReport.FailReason reason = SendReport.FailReason.NONE;
        int sent = 0;
        boolean blocked = false;
        for (int i = 0; i < m.packetCount(); i++) {
            SendInstruction ins = m.packet(i);
            SendReport.FailReason why = blocked ? SendReport.FailReason.OVERLOAD : sendOne(c, ins, out);
            if (why == SendReport.FailReason.OVERLOAD) {
                blocked = true;
            }
            if (why == SendReport.FailReason.NONE) {
                sent++;
                continue;
            }
            reason = failures == 0 ? why : reason;
            failed[failures++] = ins.packetNumber();
        }
        counters.instructedFailures += failures;
        long delay = Math.max(0, now - b.receivedAt());
        if (failures > 0 || delay >= REPORT_DELAY_NANOS) {
            sink.send(c.linkId, new SendReport(c.connectionKey, m.batchId(), sent, delay / 1000,
                    Arrays.copyOf(failed, failures), reason));
        }
        return sent;
    }

    private SendReport.FailReason sendOne(RsConnection c, SendInstruction ins, DatagramSink out) {
        ResponseStream s = c.streams.get(ins.streamId());
        InstructedOutput o = s == null ? null : s.instructed;
        if (o == null) {
            return SendReport.FailReason.UNKNOWN_STREAM;
        }
        if (!o.holds(ins.offset(), ins.length()) || ins.datagramSize() > datagram.length) {
            return SendReport.FailReason.DATA_NOT_HELD;
        }
        o.copy(ins.offset(), ins.length(), data, 0);
        int n = c.sealer.seal(ins, data, 0, datagram);
        if (n < 0) {
            return SendReport.FailReason.KEYS;
        }
        if (!out.send(datagram, 0, n, c.client)) {
            return SendReport.FailReason.OVERLOAD;
        }
        counters.datagramsSent++;
        counters.bytesSent += n;
        return SendReport.FailReason.NONE;
    }
}
