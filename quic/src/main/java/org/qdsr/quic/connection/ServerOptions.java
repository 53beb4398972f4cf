package org.qdsr.quic.connection;

import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;
import org.qdsr.quic.crypto.StatelessResetTokens;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.ConnectionIdGenerator;

/**
 * What a server connection needs, filled in by the endpoint from the client's first Initial:
 * {@code initialDestinationId} is the DCID of that Initial (its keys derive from it),
 * {@code originalDestinationId} the DCID of the client's very first Initial (differs after a
 * Retry, whose SCID is {@code retrySourceId}), {@code localId} the ID this server chose;
 * {@code connectionIds} makes every further ID it issues (NEW_CONNECTION_ID), e.g. with a
 * load balancer's server ID in it (QUIC-LB); null for random IDs.
 */
public record ServerOptions(ConnectionConfig config, ServerTlsContext tls, InetSocketAddress client,
                            RandomGenerator random, StatelessResetTokens resetTokens,
                            ConnectionIdListener cidListener, ConnectionId initialDestinationId,
                            ConnectionId originalDestinationId, ConnectionId retrySourceId, ConnectionId localId,
                            boolean addressValidated, byte[] newTokenToSend, ConnectionIdGenerator connectionIds) {
}
