package org.qdsr.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same behaviour on the portable Selector + DatagramChannel path (the fallback without epoll). */
class UdpEventLoopNioTest extends UdpEventLoopTest {
    private static String saved;

    @BeforeAll
    static void forceNio() {
        saved = System.getProperty(EpollDriver.TRANSPORT_PROPERTY);
        System.setProperty(EpollDriver.TRANSPORT_PROPERTY, "nio");
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
    void thePropertySelectsTheNioPath() throws Exception {
        try (UdpEventLoop loop = UdpEventLoop.start("nio-check")) {
            assertThat(loop.isEpoll()).isFalse();
        }
    }
}
