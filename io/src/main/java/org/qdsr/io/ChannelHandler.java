package org.qdsr.io;

/**
 * A non-UDP channel driven by a {@link UdpEventLoop} (for example a TCP control connection that
 * should not need a thread of its own). Both callbacks run on the loop thread.
 */
public interface ChannelHandler {
    /** The channel is ready for {@code readyOps} ({@link java.nio.channels.SelectionKey} bits). */
    void onReady(int readyOps);

    /** The loop shut down while the channel was registered: the key is gone, the channel still open. */
    void onLoopClosed();
}
