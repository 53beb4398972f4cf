package org.qdsr.control.channel;

import org.qdsr.control.message.ControlMessage;

/**
 * Callbacks of one control channel. All three run on the channel's reader thread
 * ({@code qdsr-control-read-...}), one at a time and in order: onOpen once after the Hello
 * exchange, onMessage per received message, onClose exactly once at the end (also for channels
 * that never opened). Keep them short; {@link ControlChannel#send} from a callback is fine.
 * Heartbeats, Hello and Error messages are handled by the channel and not delivered.
 */
public interface ControlListener {
    default void onOpen(ControlChannel channel) {
    }

    void onMessage(ControlChannel channel, ControlMessage message);

    /** @param cause null for a close this side asked for, otherwise why the channel ended */
    default void onClose(ControlChannel channel, Throwable cause) {
    }
}
