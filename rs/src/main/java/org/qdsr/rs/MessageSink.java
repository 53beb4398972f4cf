package org.qdsr.rs;

import org.qdsr.control.message.ControlMessage;

/** Where {@link RealServerCore} sends control messages: to the LB on link {@code linkId}. */
@FunctionalInterface
public interface MessageSink {
    /** Queues {@code m} on the link; a closed or unknown link drops it. Called on the core's thread. */
    void send(long linkId, ControlMessage m);
}
