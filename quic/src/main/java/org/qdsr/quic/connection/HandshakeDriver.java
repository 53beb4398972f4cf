package org.qdsr.quic.connection;

import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.QuicTls;
import org.qdsr.quic.tls.TlsListener;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.TransportParameters;

/**
 * Drives the TLS handshake for a connection (RFC 9001 §4): CRYPTO bytes to and from TLS,
 * installing keys per level as TLS derives them, checking and applying the peer's transport
 * parameters (RFC 9000 §7.3, §7.4), and handshake completion and confirmation (§4.1.2).
 */
final class HandshakeDriver implements TlsListener {
    private final QuicConnection c;
    private final ConnectionBuilder b;
    private final QuicTls tls;
    private final TransportParameters local;
    private ConnectionId retrySourceId;
    private ConnectionId peerInitialSourceId;
    private boolean earlyDataAccepted;

    HandshakeDriver(QuicConnection c, ConnectionBuilder b) {
        this.c = c;
        this.b = b;
        this.local = TransportParameterSets.local(b);
        byte[] tp = local.encode();
        if (b.isClient) {
            ClientTlsConfig cfg = b.client.tls();
            ResumptionState r = b.client.resumption();
            if (r != null) {
                cfg = cfg.withSessionTicket(r.ticket(), true);
            }
            this.tls = QuicTls.client(cfg, tp, this);
        } else {
            this.tls = QuicTls.server(b.server.tls(), tp, this);
        }
    }

    QuicTls tls() {
        return tls;
    }

    void startClient(long now) throws QuicException {
        installInitialKeys(b.initialDestinationId);
        c.cids.setInitialPeer(b.initialDestinationId, null);
        ResumptionState r = b.client.resumption();
        if (r != null && r.transportParameters() != null) {
            TransportParameters remembered = TransportParameters.decode(r.transportParameters(), true);
            c.streams.onPeerParameters(remembered);
        }
        tls.start();
    }

    void startServer() {
        installInitialKeys(b.initialDestinationId);
        c.addressValidated = b.server.addressValidated();
        c.recovery.setPeerAddressValidated(true); // RFC 9002 §A.6: a server's peer is validated by definition
        if (b.server.newTokenToSend() != null) {
            c.spaces[QuicConnection.APPLICATION].pendingControl.add(FrameFactory.newToken(b.server.newTokenToSend()));
        }
    }

    void installInitialKeys(ConnectionId dcid) {
        PacketSpace initial = c.spaces[QuicConnection.INITIAL];
        initial.sealer = PacketProtection.initial(dcid, c.isClient, true);
        initial.opener = PacketProtection.initial(dcid, c.isClient, false);
    }

    /** A Retry was accepted (client): new Initial keys and a token for the next Initials (RFC 9000 §17.2.5). */
    void onRetry(ConnectionId retrySource, byte[] token) {
        retrySourceId = retrySource;
        c.retryToken = token;
        installInitialKeys(retrySource);
        c.cids.setInitialPeer(retrySource, null);
    }

    /** The server's first Initial tells its chosen connection ID (client). */
    void onPeerSourceId(ConnectionId scid) {
        if (peerInitialSourceId == null) {
            peerInitialSourceId = scid;
            c.cids.setInitialPeer(scid, null);
        }
    }

    boolean hasRetried() {
        return retrySourceId != null;
    }

    ConnectionId originalDestinationId() {
        return b.originalDestinationId;
    }

    void receiveCrypto(EncryptionLevel level, byte[] data, int off, int len) throws QuicException {
        tls.receive(level, data, off, len);
    }

    // ---- TlsListener -----------------------------------------------------------------------

    @Override
    public void onCryptoData(EncryptionLevel level, byte[] data) {
        PacketSpace s = c.spaces[QuicConnection.spaceIndex(level)];
        StreamParts.writeAll(s.cryptoOut, data);
    }

    @Override
    public void onSecrets(EncryptionLevel level, CipherSuite suite, byte[] readSecret, byte[] writeSecret) {
        PacketProtection read = readSecret == null ? null : PacketProtection.fromSecret(suite, readSecret);
        PacketProtection write = writeSecret == null ? null : PacketProtection.fromSecret(suite, writeSecret);
        switch (level) {
            case HANDSHAKE -> {
                PacketSpace s = c.spaces[QuicConnection.HANDSHAKE];
                s.opener = read;
                s.sealer = write;
                c.recovery.setSpaceEnabled(QuicConnection.HANDSHAKE, true);
            }
            case EARLY_DATA -> c.earlyDataKeys = c.isClient ? write : read;
            case APPLICATION -> {
                c.oneRtt = new OneRttKeys(read, write);
                PacketSpace s = c.spaces[QuicConnection.APPLICATION];
                s.opener = read;
                s.sealer = write;
            }
            default -> {
            }
        }
    }

    @Override
    public void onPeerTransportParameters(byte[] encoded) throws QuicException {
        TransportParameters tp = TransportParameters.decode(encoded, c.isClient);
        validate(tp);
        c.peerParameters = tp;
        c.peerMaxAckDelayNanos = tp.maxAckDelay() * 1_000_000L;
        c.peerAckDelayExponent = (int) tp.ackDelayExponent();
        c.maxDatagramSize = (int) Math.min(c.config.maxDatagramSize(), tp.maxUdpPayloadSize());
        c.recovery.setMaxAckDelay(c.peerMaxAckDelayNanos);
        c.streams.onPeerParameters(tp);
        c.multipath.onPeerParameters(tp);
        c.ackFrequencySender.onPeerParameters(tp.minAckDelay(), tp.maxAckDelay());
        c.cids.setPeerActiveLimit((int) Math.min(8, tp.activeConnectionIdLimit()));
        if (c.isClient && tp.statelessResetToken() != null) {
            c.cids.setPeerResetToken(tp.statelessResetToken());
        }
    }

    /** RFC 9000 §7.3: the connection IDs in the handshake must match what was authenticated. */
    private void validate(TransportParameters tp) throws QuicException {
        if (c.isClient) {
            require(b.originalDestinationId.equals(tp.originalDestinationConnectionId()),
                    "original_destination_connection_id mismatch");
            require(peerInitialSourceId != null && peerInitialSourceId.equals(tp.initialSourceConnectionId()),
                    "initial_source_connection_id mismatch");
            if (retrySourceId == null) {
                require(tp.retrySourceConnectionId() == null, "unexpected retry_source_connection_id");
            } else {
                require(retrySourceId.equals(tp.retrySourceConnectionId()), "retry_source_connection_id mismatch");
            }
        } else {
            require(peerInitialSourceId != null && peerInitialSourceId.equals(tp.initialSourceConnectionId()),
                    "initial_source_connection_id mismatch");
        }
    }

    private static void require(boolean ok, String what) throws QuicException {
        if (!ok) {
            throw new QuicException(TransportError.TRANSPORT_PARAMETER_ERROR, what);
        }
    }

    @Override
    public void onHandshakeComplete() {
        earlyDataAccepted = tls.earlyDataAccepted();
        if (c.isClient && c.earlyDataKeys != null) {
            if (!earlyDataAccepted) {
                c.streams.retransmitAll(); // RFC 9001 §4.6.2: rejected 0-RTT data is sent again in 1-RTT
            }
            c.earlyDataKeys = null;
        }
        c.state = QuicConnection.State.ESTABLISHED;
        c.events.add(new ConnectionEvent.HandshakeCompleted(tls.alpn(), earlyDataAccepted));
        if (!c.isClient) {
            c.handshakeDonePending = true;
            confirm();
        }
        c.spaces[QuicConnection.APPLICATION].pendingControl.addAll(c.cids.issueUpToLimit());
        c.spaces[QuicConnection.APPLICATION].pendingControl.addAll(
                c.multipath.issuePathIds(c.random, b.resetTokens, b.cidListener));
        // a request that came before the path trackers existed applies to them too
        c.ackFrequencyReceiver.applyToAll(c.spaces[QuicConnection.APPLICATION].received, c.multipath);
    }

    /** Handshake confirmed (RFC 9001 §4.1.2): drop Handshake keys, arm application PTO. */
    void confirm() {
        if (c.handshakeConfirmed) {
            return;
        }
        c.handshakeConfirmed = true;
        c.recovery.setPeerAddressValidated(true);
        c.assembler.discardSpace(QuicConnection.HANDSHAKE);
        c.recovery.setHandshakeConfirmed(true);
    }

    @Override
    public void onSessionTicket(byte[] serializedTicket) {
        // draft-ietf-quic-ack-frequency-14 §3: min_ack_delay is not remembered for a later connection
        byte[] params = c.peerParameters == null ? null : c.peerParameters.toBuilder().minAckDelay(null).build().encode();
        c.events.add(new ConnectionEvent.SessionTicket(
                new ResumptionState(b.client.tls().serverName(), tls.alpn(), serializedTicket, params)));
    }
}
