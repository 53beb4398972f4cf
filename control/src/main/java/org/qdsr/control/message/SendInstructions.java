package org.qdsr.control.message;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.qdsr.quic.path.SendInstruction;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.VarInt;

/**
 * LB to RS in {@link Handoff.Mode#INSTRUCTED} mode (hot path): fill, seal and send {@code packets}
 * in order, then answer with one {@link SendReport} for {@code batchId}. Every packet shares
 * {@code keyGeneration}, {@code keyPhase} and {@code dcid}; packet numbers are strictly ascending.
 * {@code releases} holds pairs {@code streamId, ackedOffset}: the client acknowledged every byte
 * of the stream below {@code ackedOffset}, so the RS may free them (per stream, released offsets
 * never decrease; the RS applies them in order).
 *
 * <p>A batch may carry no packets, only releases ({@link #releasesOnly}); the RS does not report
 * such a batch, and its key fields (generation 0, phase 0, empty DCID) mean nothing. A batch with
 * neither packets nor releases is invalid.
 *
 * <p>Ownership: the {@link SendInstruction#prefix()} arrays are not copied (hot path). Whoever
 * builds a batch hands them over and must not change them afterwards; readers must not change them.
 */
public record SendInstructions(long connectionKey, long batchId, long keyGeneration, boolean keyPhase,
                               ConnectionId dcid, List<SendInstruction> packets, long[] releases)
        implements ControlMessage {
    /** Most packets in one batch. */
    public static final int MAX_PACKETS = 4096;
    /** Most release pairs in one batch. */
    public static final int MAX_RELEASES = 4096;
    /** Longest stream range of one packet (well above any datagram). */
    public static final int MAX_LENGTH = 65535;
    /** Longest prefix (frames ahead of the STREAM frame) of one packet. */
    public static final int MAX_PREFIX = 1200;

    public SendInstructions {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(batchId, "batchId");
        Checks.varint(keyGeneration, "keyGeneration");
        Objects.requireNonNull(dcid, "dcid");
        packets = List.copyOf(packets);
        releases = Objects.requireNonNull(releases, "releases").clone();
        if (packets.size() > MAX_PACKETS) {
            throw new IllegalArgumentException(packets.size() + " packets exceed " + MAX_PACKETS);
        }
        for (int i = 0; i < packets.size(); i++) {
            checkPacket(packets.get(i), i == 0 ? -1 : packets.get(i - 1).packetNumber(), keyGeneration, keyPhase,
                    dcid);
        }
        checkReleases(releases);
        if (packets.isEmpty() && releases.length == 0) {
            throw new IllegalArgumentException("batch with neither packets nor releases");
        }
    }

    /** A batch of packets; the key generation, phase and DCID are taken from the first one. */
    public static SendInstructions of(long connectionKey, long batchId, List<SendInstruction> packets,
                                      long[] releases) {
        if (packets.isEmpty()) {
            throw new IllegalArgumentException("no packets: use releasesOnly");
        }
        SendInstruction first = packets.get(0);
        return new SendInstructions(connectionKey, batchId, first.keyGeneration(), first.keyPhase(), first.dcid(),
                packets, releases);
    }

    /** Only releases ({@code streamId, ackedOffset} pairs), no packets; not reported by the RS. */
    public static SendInstructions releasesOnly(long connectionKey, long batchId, long[] releases) {
        return new SendInstructions(connectionKey, batchId, 0, false, ConnectionId.EMPTY, List.of(), releases);
    }

    private static void checkPacket(SendInstruction p, long previousPn, long generation, boolean phase,
                                    ConnectionId dcid) {
        if (p.keyGeneration() != generation || p.keyPhase() != phase || !dcid.equals(p.dcid())) {
            throw new IllegalArgumentException("packet " + p.packetNumber()
                    + " differs from the batch in key generation, key phase or DCID");
        }
        Checks.varint(p.packetNumber(), "packetNumber");
        if (p.packetNumber() <= previousPn) {
            throw new IllegalArgumentException("packet numbers not ascending at " + p.packetNumber());
        }
        Checks.varint(p.streamId(), "streamId");
        if (p.length() > MAX_LENGTH || p.offset() > VarInt.MAX - p.length()) {
            throw new IllegalArgumentException("stream range " + p.offset() + "+" + p.length());
        }
        if (p.prefix().length > MAX_PREFIX) {
            throw new IllegalArgumentException("prefix of " + p.prefix().length + " bytes");
        }
    }

    private static void checkReleases(long[] r) {
        if ((r.length & 1) != 0 || r.length / 2 > MAX_RELEASES) {
            throw new IllegalArgumentException("releases must be at most " + MAX_RELEASES + " streamId,offset pairs");
        }
        for (long v : r) {
            Checks.varint(v, "release");
        }
    }

    public int packetCount() {
        return packets.size();
    }

    public SendInstruction packet(int i) {
        return packets.get(i);
    }

    /** A copy of the release pairs {@code streamId, ackedOffset}. */
    @Override
    public long[] releases() {
        return releases.clone();
    }

    public int releaseCount() {
        return releases.length / 2;
    }

    /** Stream of the {@code i}-th release (no copy). */
    public long releasedStreamId(int i) {
        return releases[2 * i];
    }

    /** Acknowledged offset of the {@code i}-th release (no copy). */
    public long releasedOffset(int i) {
        return releases[2 * i + 1];
    }

    @Override
    public int typeCode() {
        return MessageType.SEND_INSTRUCTIONS;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SendInstructions s) || connectionKey != s.connectionKey || batchId != s.batchId
                || keyGeneration != s.keyGeneration || keyPhase != s.keyPhase || !dcid.equals(s.dcid)
                || packets.size() != s.packets.size() || !Arrays.equals(releases, s.releases)) {
            return false;
        }
        for (int i = 0; i < packets.size(); i++) {
            if (!samePacket(packets.get(i), s.packets.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Field-wise, with the prefix by content ({@link SendInstruction#equals} compares array identity). */
    private static boolean samePacket(SendInstruction a, SendInstruction b) {
        return a.packetNumber() == b.packetNumber() && a.pnLength() == b.pnLength() && a.streamId() == b.streamId()
                && a.offset() == b.offset() && a.length() == b.length() && a.fin() == b.fin()
                && Arrays.equals(a.prefix(), b.prefix());
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(connectionKey) * 31 + Long.hashCode(batchId)) * 31 + packets.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SendInstructions[connection=").append(connectionKey).append(", batch=")
                .append(batchId).append(", keyGeneration=").append(keyGeneration).append(", keyPhase=")
                .append(keyPhase ? 1 : 0).append(", dcid=").append(dcid).append(", packets=").append(packets.size());
        if (!packets.isEmpty()) {
            long bytes = 0;
            for (SendInstruction p : packets) {
                bytes += p.length();
            }
            sb.append(" (pn ").append(packets.get(0).packetNumber()).append("..")
                    .append(packets.get(packets.size() - 1).packetNumber()).append(", ").append(bytes)
                    .append(" stream bytes)");
        }
        sb.append(", releases=[");
        for (int i = 0; i < releaseCount(); i++) {
            sb.append(i == 0 ? "" : ", ").append(releasedStreamId(i)).append('<').append(releasedOffset(i));
        }
        return sb.append("]]").toString();
    }
}
