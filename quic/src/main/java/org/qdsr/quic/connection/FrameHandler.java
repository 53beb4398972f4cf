package org.qdsr.quic.connection;

import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.wire.AckFrame;
import org.qdsr.quic.wire.AckFrequencyFrame;
import org.qdsr.quic.wire.ConnectionCloseFrame;
import org.qdsr.quic.wire.CryptoFrame;
import org.qdsr.quic.wire.Frame;
import org.qdsr.quic.wire.HandshakeDoneFrame;
import org.qdsr.quic.wire.ImmediateAckFrame;
import org.qdsr.quic.wire.MaxDataFrame;
import org.qdsr.quic.wire.MaxPathIdFrame;
import org.qdsr.quic.wire.PathAbandonFrame;
import org.qdsr.quic.wire.PathCidsBlockedFrame;
import org.qdsr.quic.wire.PathStatusFrame;
import org.qdsr.quic.wire.PathsBlockedFrame;
import org.qdsr.quic.wire.MaxStreamDataFrame;
import org.qdsr.quic.wire.MaxStreamsFrame;
import org.qdsr.quic.wire.NewConnectionIdFrame;
import org.qdsr.quic.wire.NewTokenFrame;
import org.qdsr.quic.wire.PaddingFrame;
import org.qdsr.quic.wire.ParsedHeader;
import org.qdsr.quic.wire.PathChallengeFrame;
import org.qdsr.quic.wire.PathResponseFrame;
import org.qdsr.quic.wire.ResetStreamFrame;
import org.qdsr.quic.wire.RetireConnectionIdFrame;
import org.qdsr.quic.wire.StopSendingFrame;
import org.qdsr.quic.wire.StreamFrame;

/** Applies each received frame to the connection's parts (RFC 9000 §19). */
final class FrameHandler {
    private final QuicConnection c;
    private final byte[] cryptoScratch = new byte[4096];

    FrameHandler(QuicConnection c) {
        this.c = c;
    }

    /** PATH_CHALLENGE, PATH_RESPONSE, NEW_CONNECTION_ID and PADDING are probing frames (RFC 9000 §9.1). */
    static boolean isProbing(Frame f) {
        return f instanceof PathChallengeFrame || f instanceof PathResponseFrame || f instanceof NewConnectionIdFrame
                || f instanceof PaddingFrame;
    }

    void onFrame(PacketSpace space, ParsedHeader h, Frame f, long now) throws QuicException {
        if (f instanceof AckFrame a) {
            onAck(space, a, now);
        } else if (f instanceof CryptoFrame cf) {
            onCrypto(space, cf);
        } else if (f instanceof StreamFrame s) {
            c.streams.onStreamFrame(s);
        } else if (f instanceof ResetStreamFrame r) {
            c.streams.onResetStream(r);
        } else if (f instanceof StopSendingFrame s) {
            ResetStreamFrame reset = c.streams.onStopSending(s);
            if (reset != null) {
                space.pendingControl.add(reset);
            }
        } else if (f instanceof MaxDataFrame m) {
            c.streams.onMaxData(m.maximumData());
        } else if (f instanceof MaxStreamDataFrame m) {
            c.streams.onMaxStreamData(m.streamId(), m.maximumStreamData(), m.type());
        } else if (f instanceof MaxStreamsFrame m) {
            c.streams.onMaxStreams(m);
        } else if (f instanceof NewConnectionIdFrame n) {
            onNewConnectionId(space, n);
        } else if (f instanceof RetireConnectionIdFrame r) {
            requireMultipathIf(r.pathId() >= 0, f);
            if (r.pathId() <= 0) {
                space.pendingControl.addAll(c.cids.onRetire(r, h.dcid()));
            } else {
                space.pendingControl.addAll(c.multipath.onPathRetire(r, h.dcid()));
            }
        } else if (f instanceof PathAbandonFrame || f instanceof PathStatusFrame || f instanceof MaxPathIdFrame
                || f instanceof PathsBlockedFrame || f instanceof PathCidsBlockedFrame) {
            requireMultipathIf(true, f); // path management beyond QDSR's fixed paths is not used yet
        } else if (f instanceof PathChallengeFrame p) {
            if (!c.isClient && c.path.lastSource() != null && !c.path.lastSource().equals(c.peerAddress)) {
                c.path.onProbeChallenge(p.data()); // RFC 9000 §8.2.2: answered on the path it came from
            } else {
                space.pendingControl.add(new PathResponseFrame(p.data()));
            }
        } else if (f instanceof PathResponseFrame p) {
            onPathResponse(p);
        } else if (f instanceof ConnectionCloseFrame cc) {
            c.enterDraining(new CloseReason(CloseReason.Kind.PEER_CLOSE, cc.application(), cc.errorCode(),
                    cc.reasonPhrase()), now);
        } else if (f instanceof HandshakeDoneFrame) {
            onHandshakeDone();
        } else if (f instanceof NewTokenFrame t) {
            onNewToken(t);
        } else if (f instanceof AckFrequencyFrame || f instanceof ImmediateAckFrame) {
            onAckFrequency(space, f);
        }
        // PADDING, PING and *_BLOCKED need nothing beyond acknowledgement; multipath frames belong to the path layer.
    }

    /**
     * RFC 9000 §8.2.3, §9.4: a PATH_RESPONSE that answers the outstanding challenge validates the
     * peer's new address; when its IP (not only its port) differs from the previously validated
     * one, the congestion controller and RTT estimate start again from their initial values.
     */
    private void onPathResponse(PathResponseFrame p) {
        java.net.InetSocketAddress before = c.path.validatedAddress();
        java.net.InetSocketAddress validated = c.path.onResponse(p.data());
        if (validated == null) {
            return;
        }
        boolean ipChanged = !validated.getAddress().equals(before.getAddress());
        if (ipChanged) {
            c.recovery.resetCongestionAndRtt();
        }
        c.events.add(new ConnectionEvent.PeerAddressValidated(before, validated, ipChanged));
    }

    private void requireMultipathIf(boolean multipathFrame, Frame f) throws QuicException {
        if (multipathFrame && !c.multipath.negotiated()) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, f.type(), "multipath frame without multipath");
        }
    }

    private void onAck(PacketSpace space, AckFrame a, long now) throws QuicException {
        if (a.pathId() >= 0 && !c.multipath.negotiated()) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, a.type(), "PATH_ACK without multipath");
        }
        if (a.pathId() > 0) {
            if (!c.isClient) {
                c.events.add(new ConnectionEvent.PathAcknowledged(a.pathId(), a.ranges(), a.ackDelay()));
                c.exportedDelivery.onPathAck(a.pathId(), a.ranges(), c.recovery.rtt().recentRtt(), now);
            }
            return;
        }
        long delay = space.level == EncryptionLevel.APPLICATION
                ? (a.ackDelay() << c.peerAckDelayExponent) * 1000L : 0;
        c.recovery.onAckReceived(space.recoveryIndex, a.ranges(), delay, now, c.assembler.recoveryListener());
    }

    private void onCrypto(PacketSpace space, CryptoFrame f) throws QuicException {
        space.cryptoIn.onStreamFrame(f.offset(), f.data(), 0, f.data().length, false);
        int n;
        while ((n = space.cryptoIn.read(cryptoScratch, 0, cryptoScratch.length)) > 0) {
            c.handshake.receiveCrypto(space.level, cryptoScratch, 0, n);
        }
    }

    private void onNewConnectionId(PacketSpace space, NewConnectionIdFrame n) throws QuicException {
        if (n.pathId() >= 0 && !c.multipath.negotiated()) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, n.type(), "PATH_NEW_CONNECTION_ID without multipath");
        }
        if (n.pathId() > 0) {
            if (n.pathId() > c.multipath.maxPathId()) {
                throw new QuicException(TransportError.PROTOCOL_VIOLATION, n.type(), "path ID above the maximum");
            }
            if (!c.isClient) {
                boolean fresh = c.multipath.peerPath(n.pathId()) == null;
                c.multipath.onPeerPathConnectionId(n);
                if (fresh) {
                    c.events.add(new ConnectionEvent.PathAvailable(n.pathId()));
                }
            }
            return;
        }
        space.pendingControl.addAll(c.cids.onNewConnectionId(n, c.config.activeConnectionIdLimit()));
    }

    /**
     * draft-ietf-quic-ack-frequency-14 §4: a newer ACK_FREQUENCY applies to every application
     * space, path 0 and each multipath path. IMMEDIATE_ACK (§5) is only checked here; the
     * receive path makes the carrying packet's ACK due at once once the packet is recorded.
     */
    private void onAckFrequency(PacketSpace space, Frame f) throws QuicException {
        if (c.ackFrequencyReceiver.onFrame(f)) {
            c.ackFrequencyReceiver.applyToAll(space.received, c.multipath);
        }
    }

    private void onHandshakeDone() throws QuicException {
        if (!c.isClient) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, 0x1e, "HANDSHAKE_DONE from a client");
        }
        c.handshake.confirm();
    }

    private void onNewToken(NewTokenFrame t) throws QuicException {
        if (!c.isClient) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, 0x07, "NEW_TOKEN from a client");
        }
        c.events.add(new ConnectionEvent.NewToken(t.token()));
    }
}
