package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.SendAddress;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.rs.RealServerCore;
import org.qdsr.rs.content.SyntheticSource;

/**
 * A real server announces the address it sends responses from; the LB flags one that is not its
 * VIP (clients would drop its packets): exact VIP, wildcard bind (port only), and the RS side.
 */
class SendAddressCheckTest {
    @Test
    void aBackendSendingFromAnotherAddressIsFlagged() {
        LoadBalancerCore lb = new LoadBalancerCore(LoadBalancerCore.Settings.defaults(), Topology.TLS,
                new Router(List.of(), Policy.roundRobin()), new SplittableRandom(1));
        lb.setServiceAddress(new InetSocketAddress("198.18.0.100", 4433));
        Backend good = lb.addBackend("good", 1);
        Backend port = lb.addBackend("port", 1);
        Backend ip = lb.addBackend("ip", 1);
        lb.onBackendMessage(good.id(), new SendAddress(new InetSocketAddress("198.18.0.100", 4433)), 0);
        lb.onBackendMessage(port.id(), new SendAddress(new InetSocketAddress("198.18.0.100", 4999)), 0);
        lb.onBackendMessage(ip.id(), new SendAddress(new InetSocketAddress("198.18.0.101", 4433)), 0);
        assertThat(good.vipMismatch()).isFalse();
        assertThat(port.vipMismatch()).isTrue();
        assertThat(ip.vipMismatch()).isTrue();
        assertThat(port.sendsFrom()).isEqualTo(new InetSocketAddress("198.18.0.100", 4999));

        lb.setServiceAddress(new InetSocketAddress("0.0.0.0", 4433)); // a wildcard bind: only the port is known
        lb.onBackendMessage(ip.id(), new SendAddress(new InetSocketAddress("198.18.0.101", 4433)), 0);
        assertThat(ip.vipMismatch()).isFalse();
    }

    @Test
    void theRealServerAnnouncesItsAddressOnEveryLink() {
        List<ControlMessage> sent = new ArrayList<>();
        RealServerCore rs = new RealServerCore(new SyntheticSource(), (link, m) -> sent.add(m),
                RealServerCore.Config.defaults(), () -> -1);
        rs.setSendAddress(new InetSocketAddress("198.18.0.100", 4433));
        rs.onLinkOpened(1, 0);
        rs.onLinkOpened(2, 0);
        assertThat(sent).containsExactly(new SendAddress(new InetSocketAddress("198.18.0.100", 4433)),
                new SendAddress(new InetSocketAddress("198.18.0.100", 4433)));
    }
}
