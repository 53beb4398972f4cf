package org.qdsr.control.message;

/**
 * One message of the LB-RS control protocol (docs/control-protocol.md). Every message is an
 * immutable record with a fixed {@link MessageType wire type code}; {@link ControlCodec} gives
 * the binary form. {@code toString()} never prints key material.
 */
public sealed interface ControlMessage permits Hello, HelloAck, Heartbeat, HeartbeatAck, ControlError,
        Handoff, AckForward, StreamControl, CreditGrant, CreditRequest, KeyUpdate, ConnectionClosed,
        StreamReport, LoadReport, ProxyHead, ProxyData, StreamReady, SendInstructions, SendReport,
        KeyUpdateRequest, Draining, PeerAddressUpdate, SendAddress {

    /** The frame type code of this message (see {@link MessageType}). */
    int typeCode();
}
