package org.qdsr.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same behaviour on the opt-in epoll path (GSO batches, GRO reads). Fails, never skips, where
 * the native transport does not load: the build ships it for Linux x86_64 (io/pom.xml).
 */
class UdpEventLoopEpollTest extends UdpEventLoopTest {
    private static String saved;

    @BeforeAll
    static void forceEpoll() {
        saved = System.getProperty(EpollDriver.TRANSPORT_PROPERTY);
        System.setProperty(EpollDriver.TRANSPORT_PROPERTY, "epoll");
        assertThat(EpollDriver.usable())
                .as("netty's native epoll transport must load here (Linux, with the netty-transport-native-epoll"
                        + " jar for this CPU on the classpath); cause: %s", Epoll.unavailabilityCause())
                .isTrue();
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
