package org.qdsr.app.interop;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.lb.LbMetrics;
import org.qdsr.lb.LoadBalancer;
import org.qdsr.lb.LoadBalancerCore;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.tls.CertifiedKey;
import org.qdsr.quic.tls.Certificates;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.rs.RealServer;
import org.qdsr.rs.RealServerCore;
import org.qdsr.rs.content.DirectorySource;
import org.qdsr.rs.content.ServedBy;

/**
 * A load balancer and real servers rs1, rs2 in this JVM on loopback, single-host DSR (the RSs
 * send from the VIP's address), wired as {@code qdsr lb} / {@code qdsr rs} wire them (as
 * {@code qdsr demo} does). The VIP's certificate (SAN localhost, 127.0.0.1 by default) is issued
 * by {@link #ca}, which a client can trust; the control channels have a CA of their own.
 */
final class LbWithTwoServers implements AutoCloseable {
    static final List<String> NAMES = List.of("rs1", "rs2");

    final CertifiedKey ca = Certificates.generateCa("qdsr-interop-test-ca", Duration.ofDays(1));
    final InetSocketAddress vip;
    private final List<RealServer> servers = new ArrayList<>();
    private final ServerTlsContext vipTls;
    private LoadBalancer lb;

    /** Starts the cluster serving {@code root} (plus {@code /bytes/N}) in delivery mode {@code mode}. */
    LbWithTwoServers(Path root, LoadBalancerCore.Mode mode) throws Exception {
        this(root, mode, List.of("localhost", "127.0.0.1"));
    }

    /** As above with the VIP certificate's subject alternative names {@code vipNames}. */
    LbWithTwoServers(Path root, LoadBalancerCore.Mode mode, List<String> vipNames) throws Exception {
        vip = new InetSocketAddress("127.0.0.1", freeUdpPort());
        vipTls = ServerTlsContext.create(Certificates.issue(ca, vipNames.get(0), vipNames, false, Duration.ofDays(1)),
                List.of("h3"));
        try {
            CertifiedKey controlCa = Certificates.generateCa("qdsr-interop-control-ca", Duration.ofDays(1));
            List<X509Certificate> trust = List.of(controlCa.certificate());
            List<LoadBalancer.BackendSpec> backends = new ArrayList<>();
            for (String name : NAMES) {
                RealServer rs = RealServer.start(new InetSocketAddress("127.0.0.1", 0), vip, RealServer.Bind.WILDCARD,
                        controlTls(controlCa, name, trust), name,
                        loop -> new ServedBy(new FilesAndBytes(new DirectorySource(root)), name),
                        RealServerCore.Config.defaults());
                servers.add(rs);
                backends.add(new LoadBalancer.BackendSpec(name, rs.controlAddress(), 1));
            }
            lb = LoadBalancer.start(vip, vipTls, backends, controlTls(controlCa, "lb", trust), "lb",
                    LoadBalancerCore.Settings.defaults().withMode(mode), new Router(List.of(), Policy.roundRobin()));
            awaitBackendsUp(10);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private static ControlTls controlTls(CertifiedKey ca, String name, List<X509Certificate> trust) {
        return ControlTls.of(Certificates.issue(ca, name, List.of("127.0.0.1"), true, Duration.ofDays(1)), trust);
    }

    private void awaitBackendsUp(long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (lb.healthyBackends().size() < NAMES.size()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("real servers did not connect to the LB within " + seconds + " s; healthy: "
                        + lb.healthyBackends());
            }
            Thread.sleep(20);
        }
    }

    LbMetrics metrics() throws IOException {
        return lb.metrics();
    }

    /** Handoffs each real server received, in {@link #NAMES} order. */
    List<Long> rsHandoffs() {
        return servers.stream().map(rs -> rs.counters().handoffs).toList();
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (lb != null) {
            lb.close();
        }
        for (RealServer rs : servers) {
            rs.close();
        }
        vipTls.close();
    }
}
