package org.qdsr.app.metrics;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.qdsr.app.net.HostPort;

class MetricsEndpointTest {
    /** A busy --metrics port is reported with the metrics address, not a bare "Address already in use". */
    @Test
    void busyPortNamesTheMetricsAddress() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            assertThatThrownBy(() -> MetricsEndpoint.start(new HostPort("127.0.0.1", port)))
                    .isInstanceOf(IOException.class).hasMessageContaining("metrics 127.0.0.1:" + port);
        }
    }
}
