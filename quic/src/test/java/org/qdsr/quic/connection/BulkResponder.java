package org.qdsr.quic.connection;

import org.qdsr.quic.endpoint.ConnectionHandler;

/** Test server application: once the first request stream is complete, answers it with {@code body}. */
final class BulkResponder {
    private BulkResponder() {}

    static ConnectionHandler answering(byte[] body) {
        byte[] sink = new byte[4096];
        long[] state = {-1, 0}; // stream, bytes written
        return (c, now) -> {
            ConnectionEvent e;
            while ((e = c.pollEvent()) != null) {
                if (e instanceof ConnectionEvent.StreamReadable r && state[0] < 0) {
                    int n;
                    while ((n = c.read(r.streamId(), sink, 0, sink.length)) > 0) {
                        // the request's bytes are not needed
                    }
                    state[0] = n < 0 ? r.streamId() : -1;
                }
            }
            while (state[0] >= 0 && state[1] < body.length) {
                int n = c.write(state[0], body, (int) state[1], (int) Math.min(65536, body.length - state[1]));
                if (n <= 0) {
                    return;
                }
                state[1] += n;
                if (state[1] == body.length) {
                    c.finish(state[0]);
                }
            }
        };
    }
}
