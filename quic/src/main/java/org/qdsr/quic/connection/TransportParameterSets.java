package org.qdsr.quic.connection;

import org.qdsr.quic.wire.TransportParameters;

/** Builds the transport parameters a connection sends (RFC 9000 §7.3, §18.2) from its settings. */
final class TransportParameterSets {
    private TransportParameterSets() {
    }

    static TransportParameters local(ConnectionBuilder b) {
        ConnectionConfig c = b.config;
        TransportParameters.Builder tp = TransportParameters.defaults().toBuilder()
                .maxIdleTimeout(c.maxIdleTimeout().toMillis())
                .initialMaxData(c.initialMaxData())
                .initialMaxStreamDataBidiLocal(c.initialMaxStreamDataBidiLocal())
                .initialMaxStreamDataBidiRemote(c.initialMaxStreamDataBidiRemote())
                .initialMaxStreamDataUni(c.initialMaxStreamDataUni())
                .initialMaxStreamsBidi(c.initialMaxStreamsBidi())
                .initialMaxStreamsUni(c.initialMaxStreamsUni())
                .ackDelayExponent(c.ackDelayExponent())
                .maxAckDelay(c.maxAckDelay().toMillis())
                .activeConnectionIdLimit(c.activeConnectionIdLimit())
                .initialSourceConnectionId(b.localId);
        if (c.advertisedMinAckDelayMicros() >= 0) {
            tp.minAckDelay(c.advertisedMinAckDelayMicros()); // draft-ietf-quic-ack-frequency-14 §3
        }
        if (c.initialMaxPathId() >= 0) {
            tp.initialMaxPathId(c.initialMaxPathId());
        }
        if (b.isClient) {
            tp.serverPaths(c.serverPaths());
        } else {
            tp.originalDestinationConnectionId(b.originalDestinationId)
                    .statelessResetToken(b.resetTokens.tokenFor(b.localId));
            if (b.server.retrySourceId() != null) {
                tp.retrySourceConnectionId(b.server.retrySourceId());
            }
        }
        return tp.build();
    }
}
