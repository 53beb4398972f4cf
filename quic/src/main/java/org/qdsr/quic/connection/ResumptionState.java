package org.qdsr.quic.connection;

/**
 * What a client keeps to resume a connection with 0-RTT: the TLS session ticket and the server's
 * transport parameters that 0-RTT must respect (RFC 9000 §7.4.1), both as opaque bytes.
 */
public record ResumptionState(String serverName, String alpn, byte[] ticket, byte[] transportParameters) {
}
