package org.qdsr.testbed.experiment;

/**
 * Puts an emulated path between a client and the VIP: {@link #open} returns the host:port the
 * client should target (the VIP itself for {@link LinkPath#DIRECT}). Pluggable so the latency
 * experiment runs with or without the user-space link emulator.
 */
public interface PathEmulator {
    /** Whether this emulator can emulate {@code path}. */
    boolean supports(LinkPath path);

    /** Starts the path for {@code client}; the returned handle stops it. */
    Handle open(Cluster cluster, String client, LinkPath path);

    /** A running path. */
    interface Handle extends AutoCloseable {
        /** host:port the client connects to. */
        String target();

        @Override
        void close();
    }

    /** No emulation: only {@link LinkPath#DIRECT}. */
    PathEmulator NONE = new PathEmulator() {
        @Override
        public boolean supports(LinkPath path) {
            return path.direct();
        }

        @Override
        public Handle open(Cluster cluster, String client, LinkPath path) {
            return new Handle() {
                @Override
                public String target() {
                    return Cluster.VIP_TARGET;
                }

                @Override
                public void close() {
                    // nothing runs
                }
            };
        }
    };
}
