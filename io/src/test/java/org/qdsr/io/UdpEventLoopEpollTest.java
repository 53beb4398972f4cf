package org.qdsr.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same behaviour on the opt-in epoll path (GSO batches, GRO reads); skipped where epoll is unavailable. */
class UdpEventLoopEpollTest extends UdpEventLoopTest {
    private static String saved;

    @BeforeAll
    static void forceEpoll() {
        saved = System.getProperty(EpollDriver.TRANSPORT_PROPERTY);
        System.setProperty(EpollDriver.TRANSPORT_PROPERTY, "epoll");
        Assumptions.assumeTrue(EpollDriver.usable(), "native epoll transport not available here");
    }

    @AfterAll
    static void restore() {
        if (saved == null) {
            System.clearProperty(EpollDriver.TRANSPORT_PROPERTY);
        } else {
            System.setProperty(EpollDriver.TRANSPORT_PROPERTY, saved);
        }
    }

    @Test
    void thePropertySelectsTheEpollPath() throws Exception {
        try (UdpEventLoop loop = UdpEventLoop.start("epoll-check")) {
            assertThat(loop.isEpoll()).isTrue();
        }
    }
}
