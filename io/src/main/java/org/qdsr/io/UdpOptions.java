package org.qdsr.io;

/**
 * How {@link UdpEventLoop#register} opens and uses one UDP socket.
 *
 * @param reuseAddress set {@code SO_REUSEADDR} before binding; needed on every socket that shares
 *     a port, e.g. a specific-address socket and a send-only wildcard socket on the same port
 * @param receiveBufferBytes requested {@code SO_RCVBUF}; 0 leaves the system default
 * @param sendBufferBytes requested {@code SO_SNDBUF}; 0 leaves the system default
 * @param mode whether the loop reads from the socket, drains the endpoint into it, or both
 */
public record UdpOptions(boolean reuseAddress, int receiveBufferBytes, int sendBufferBytes, Mode mode) {

    /** Socket buffers requested by default: 4 MiB (see shared/notes/performance.md). */
    public static final int DEFAULT_BUFFER_BYTES = 4 << 20;

    /** What the loop does with a socket. */
    public enum Mode {
        /** Reads datagrams into the endpoint and sends what it drains. */
        RECEIVE_AND_SEND,
        /** Only reads; the endpoint's transmissions go through another (send-only) registration. */
        RECEIVE_ONLY,
        /**
         * Never reads, only sends: a Direct Server Return real server binds the VIP's port on the
         * wildcard address with {@code SO_REUSEADDR} so its datagrams carry the VIP as source.
         */
        SEND_ONLY;

        public boolean receives() {
            return this != SEND_ONLY;
        }

        public boolean sends() {
            return this != RECEIVE_ONLY;
        }
    }

    public UdpOptions {
        if (receiveBufferBytes < 0 || sendBufferBytes < 0 || mode == null) {
            throw new IllegalArgumentException("bad UDP options");
        }
    }

    /** Receive and send, 4 MiB buffers, no address reuse. */
    public static UdpOptions defaults() {
        return new UdpOptions(false, DEFAULT_BUFFER_BYTES, DEFAULT_BUFFER_BYTES, Mode.RECEIVE_AND_SEND);
    }

    /** A send-only socket with {@code SO_REUSEADDR}, 4 MiB send buffer, default receive buffer. */
    public static UdpOptions sendOnly() {
        return new UdpOptions(true, 0, DEFAULT_BUFFER_BYTES, Mode.SEND_ONLY);
    }

    public UdpOptions withReuseAddress(boolean reuse) {
        return new UdpOptions(reuse, receiveBufferBytes, sendBufferBytes, mode);
    }

    public UdpOptions withBuffers(int receiveBytes, int sendBytes) {
        return new UdpOptions(reuseAddress, receiveBytes, sendBytes, mode);
    }

    public UdpOptions withMode(Mode newMode) {
        return new UdpOptions(reuseAddress, receiveBufferBytes, sendBufferBytes, newMode);
    }
}
