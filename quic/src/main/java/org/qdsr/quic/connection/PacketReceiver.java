package org.qdsr.quic.connection;

import java.net.InetSocketAddress;
import java.util.List;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.crypto.RetryIntegrity;
import org.qdsr.quic.recovery.ReceivedPacketTracker;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.Frame;
import org.qdsr.quic.wire.FrameCodec;
import org.qdsr.quic.wire.ImmediateAckFrame;
import org.qdsr.quic.wire.PacketHeaders;
import org.qdsr.quic.wire.PacketNumbers;
import org.qdsr.quic.wire.PacketType;
import org.qdsr.quic.wire.ParsedHeader;

/**
 * The receive path (RFC 9000 §12, RFC 9001 §5): splits a datagram into its coalesced packets,
 * removes header protection, picks keys (including key updates), decrypts, drops duplicates,
 * and hands the frames to {@link FrameHandler}. Undecryptable packets are dropped silently;
 * a datagram that fails to decrypt and ends in a known token is a stateless reset.
 */
final class PacketReceiver {
    /** RFC 9000 §8.1: a server sends at most three times what it received before validation. */
    static final int AMPLIFICATION_FACTOR = 3;

    private final QuicConnection c;
    private final FrameHandler frames;
    boolean anyPacketProcessed;
    private long largestAppPacketFromPeer = -1;
    /** The connection ID of ours in the peer's newest non-probing packet (§9.5: a new one on a move is active migration). */
    private ConnectionId dcidOfPeerAddress;

    PacketReceiver(QuicConnection c) {
        this.c = c;
        this.frames = new FrameHandler(c);
    }

    void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) throws QuicException {
        c.bytesReceived += len;
        c.path.onDatagramReceived(from, len);
        int pos = off;
        int end = off + len;
        boolean anyOpened = false;
        while (pos < end) {
            ParsedHeader h = PacketHeaders.parse(data, pos, end - pos, c.config.connectionIdLength());
            if (h == null) {
                break;
            }
            if (pos > off && !h.dcid().equals(firstDcid(data, off, len))) {
                break; // RFC 9000 §12.2: coalesced packets with another DCID are dropped
            }
            int result = onPacket(data, h, from, now, len);
            anyOpened |= result > 0;
            pos = h.end();
        }
        if (!anyOpened && c.cids.isStatelessReset(data, off, len)) {
            c.terminate(new CloseReason(CloseReason.Kind.STATELESS_RESET, false, 0, "stateless reset"), now);
        }
    }

    private ConnectionId firstDcid(byte[] data, int off, int len) {
        return PacketHeaders.peekDestinationConnectionId(data, off, len, c.config.connectionIdLength());
    }

    /** Returns 1 if the packet was opened and processed, 0 if dropped. */
    private int onPacket(byte[] buf, ParsedHeader h, InetSocketAddress from, long now, int datagramLength)
            throws QuicException {
        switch (h.type()) {
            case RETRY -> {
                onRetry(buf, h);
                return 0;
            }
            case VERSION_NEGOTIATION -> {
                onVersionNegotiation(h, now);
                return 0;
            }
            default -> {
                return onProtected(buf, h, from, now, datagramLength);
            }
        }
    }

    private int onProtected(byte[] buf, ParsedHeader h, InetSocketAddress from, long now, int datagramLength)
            throws QuicException {
        PacketSpace space = spaceFor(h.type());
        if (space == null || space.discarded) {
            return 0;
        }
        PacketProtection hp = headerKeys(h.type(), space);
        if (hp == null) {
            return 0;
        }
        if (!c.isClient && h.type() == PacketType.INITIAL && datagramLength < 1200) {
            return 0; // RFC 9000 §14.1
        }
        int pnLength = hp.removeHeaderProtection(buf, h.start(), h.pnOffset(), h.end());
        if (pnLength < 0) {
            return 0;
        }
        long truncated = 0;
        for (int i = 0; i < pnLength; i++) {
            truncated = (truncated << 8) | (buf[h.pnOffset() + i] & 0xff);
        }
        boolean shortHeader = h.type() == PacketType.ONE_RTT;
        long pathId = shortHeader ? c.multipath.pathOf(h.dcid()) : 0;
        ReceivedPacketTracker tracker = pathId == 0 ? space.received : c.multipath.tracker(pathId);
        if (tracker == null) {
            return 0;
        }
        long pn = PacketNumbers.decode(truncated, pnLength, tracker.largestReceived());
        boolean keyPhase = shortHeader && (buf[h.start()] & 0x04) != 0;
        PacketProtection opener = pathId == 0 ? packetKeys(h.type(), space, keyPhase, pn)
                : c.oneRtt.openerByPhase(keyPhase);
        if (opener == null) {
            return 0;
        }
        int plain;
        PacketProtection previous = pathId == 0 ? null : c.oneRtt.previousRead();
        if (previous != null && keyPhase != c.oneRtt.readPhase()) {
            // Another sender's packet from before a key update is likelier than one two generations ahead.
            plain = openEither(buf, h, pnLength, pn, pathId, previous, opener);
            opener = plain >= 0 && lastOpener == previous ? previous : opener;
        } else {
            plain = opener.open(buf, h.start(), h.pnOffset(), pnLength, h.end(), pn, pathId);
        }
        if (plain < 0) {
            return 0;
        }
        int reserved = shortHeader ? (buf[h.start()] & 0x18) : (buf[h.start()] & 0x0c);
        if (reserved != 0) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, "reserved header bits set");
        }
        if (shortHeader) {
            c.oneRtt.onPacketOpened(opener, keyPhase, pathId == 0 ? pn : -1, now,
                    3 * c.recovery.rtt().pto(c.peerMaxAckDelayNanos, true));
        }
        if (tracker.isDuplicate(pn)) {
            return 1;
        }
        if (pathId != 0) {
            c.multipath.onPathPacket();
        }
        onAuthenticated(h, space, from, pn, now);
        int payloadOff = h.pnOffset() + pnLength;
        List<Frame> list = FrameCodec.parseAll(buf, payloadOff, plain, h.type());
        boolean ackEliciting = false;
        boolean probingOnly = true;
        boolean immediateAck = false;
        for (Frame f : list) {
            ackEliciting |= f.ackEliciting();
            immediateAck |= f instanceof ImmediateAckFrame;
            probingOnly &= FrameHandler.isProbing(f);
            frames.onFrame(space, h, f, now);
            if (c.state == QuicConnection.State.DRAINING || c.state == QuicConnection.State.CLOSED) {
                return 1;
            }
        }
        tracker.onPacketReceived(pn, ackEliciting, now, c.recovery.rtt().smoothedRtt());
        if (immediateAck) {
            tracker.ackImmediately(now); // draft-ietf-quic-ack-frequency-14 §5
        }
        if (h.type() == PacketType.ZERO_RTT) {
            c.zeroRttPacketsReceived++;
        }
        if (shortHeader && pathId == 0) {
            onApplicationPacket(pn, from, h.dcid(), probingOnly, datagramLength, now);
        }
        return 1;
    }

    private PacketProtection lastOpener;
    private byte[] retryCopy = new byte[2048];

    /** Tries {@code first}, then {@code second} on an intact copy (a failed open may scramble the payload). */
    private int openEither(byte[] buf, ParsedHeader h, int pnLength, long pn, long pathId, PacketProtection first,
                           PacketProtection second) {
        int len = h.end() - h.start();
        if (retryCopy.length < len) {
            retryCopy = new byte[len];
        }
        System.arraycopy(buf, h.start(), retryCopy, 0, len);
        int plain = first.open(buf, h.start(), h.pnOffset(), pnLength, h.end(), pn, pathId);
        lastOpener = first;
        if (plain >= 0) {
            return plain;
        }
        System.arraycopy(retryCopy, 0, buf, h.start(), len);
        lastOpener = second;
        return second.open(buf, h.start(), h.pnOffset(), pnLength, h.end(), pn, pathId);
    }

    private void onAuthenticated(ParsedHeader h, PacketSpace space, InetSocketAddress from, long pn, long now) {
        anyPacketProcessed = true;
        c.restartIdleTimer(now);
        if (h.type() == PacketType.INITIAL) {
            c.handshake.onPeerSourceId(h.scid());
        }
        if (h.type() == PacketType.HANDSHAKE) {
            if (!c.isClient) {
                c.addressValidated = true; // RFC 9000 §8.1
                c.assembler.discardSpace(QuicConnection.INITIAL);
            }
            if (c.isClient) {
                c.recovery.setPeerAddressValidated(true);
            }
        }
    }

    /**
     * Server-side migration and NAT rebinding (RFC 9000 §9.3): follow the peer's newest non-probing
     * packet, and validate the new address (§8.2) unless it is the last validated one (§9.3.3).
     * A peer that moved with a new connection ID of ours (active migration, not a rebinding it
     * cannot see) is answered with a new one of its own, as §9.5 asks: the IDs on the old and
     * new path must not link them. Without a spare ID the current one stays (and a NAT rebinding,
     * where the peer kept its ID, keeps ours, as §9.5 allows).
     */
    private void onApplicationPacket(long pn, InetSocketAddress from, ConnectionId dcid, boolean probingOnly,
                                     int datagramLength, long now) {
        if (pn > largestAppPacketFromPeer) {
            largestAppPacketFromPeer = pn;
            if (probingOnly) {
                return;
            }
            boolean newId = dcidOfPeerAddress != null && !dcidOfPeerAddress.equals(dcid);
            dcidOfPeerAddress = dcid;
            if (!c.isClient && !from.equals(c.peerAddress) && c.handshakeConfirmed) {
                boolean rotated = newId && c.rotatePeerConnectionId();
                InetSocketAddress previous = c.peerAddress;
                var challenge = c.path.onPeerMoved(from, datagramLength, now,
                        PathValidator.abandonTimeout(c.recovery.rtt().pto(c.peerMaxAckDelayNanos, true)));
                if (challenge != null) {
                    c.spaces[QuicConnection.APPLICATION].pendingControl.add(challenge);
                }
                c.peerAddress = from;
                c.events.add(new ConnectionEvent.PeerAddressChanged(previous, from, rotated));
            }
        }
    }

    private PacketSpace spaceFor(PacketType type) {
        return switch (type) {
            case INITIAL -> c.spaces[QuicConnection.INITIAL];
            case HANDSHAKE -> c.spaces[QuicConnection.HANDSHAKE];
            case ZERO_RTT -> c.isClient ? null : c.spaces[QuicConnection.APPLICATION];
            case ONE_RTT -> c.spaces[QuicConnection.APPLICATION];
            default -> null;
        };
    }

    private PacketProtection headerKeys(PacketType type, PacketSpace space) {
        return switch (type) {
            case ZERO_RTT -> c.earlyDataKeys;
            case ONE_RTT -> c.oneRtt == null ? null : c.oneRtt.read();
            default -> space.opener;
        };
    }

    private PacketProtection packetKeys(PacketType type, PacketSpace space, boolean keyPhase, long pn) {
        return switch (type) {
            case ZERO_RTT -> c.earlyDataKeys;
            case ONE_RTT -> c.oneRtt == null ? null : c.oneRtt.openerFor(keyPhase, pn);
            default -> space.opener;
        };
    }

    /** RFC 9000 §17.2.5.2: a client accepts one Retry, before any other packet, with a valid tag. */
    private void onRetry(byte[] buf, ParsedHeader h) {
        if (!c.isClient || anyPacketProcessed || c.handshake.hasRetried()) {
            return;
        }
        if (!RetryIntegrity.verify(c.handshake.originalDestinationId(), buf, h.start(), h.end() - h.start())
                || h.token().length == 0) {
            return;
        }
        c.handshake.onRetry(h.scid(), h.token());
        c.assembler.restartInitial();
    }

    /** RFC 9000 §6.2: a Version Negotiation listing our version is ignored; otherwise give up. */
    private void onVersionNegotiation(ParsedHeader h, long now) {
        if (!c.isClient || anyPacketProcessed) {
            return;
        }
        for (long v : h.supportedVersions()) {
            if (v == PacketHeaders.VERSION_1) {
                return;
            }
        }
        c.terminate(new CloseReason(CloseReason.Kind.VERSION_NEGOTIATION, false, 0, "no common QUIC version"), now);
    }
}
