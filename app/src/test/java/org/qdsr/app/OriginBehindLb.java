package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.qdsr.app.InProcessCommand.Running;

/**
 * An HTTP/1.1 origin (the JDK's HttpServer) behind one {@code rs --origin}, and for each delivery
 * mode a fresh {@code lb} in front of it: all in this JVM, on loopback.
 */
final class OriginBehindLb {
    /** What a test does against one LB. */
    interface PerMode {
        void run(InetSocketAddress vip, String mode) throws Exception;
    }

    private OriginBehindLb() {
    }

    /** Runs {@code test} once per mode in {@code modes}, with {@code lbFlags} added to each LB's. */
    static void run(HttpHandler handler, List<String> modes, List<String> lbFlags, PerMode test) throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", handler);
        origin.start();
        int vip = InProcessCommand.freeUdpPort();
        RsCommand rs = new RsCommand();
        try (Running rsRun = InProcessCommand.start(rs, rs::stop, "--name", "rs1", "--control", "127.0.0.1:0",
                "--vip", "127.0.0.1:" + vip, "--bind", "WILDCARD", "--insecure-control", "--origin",
                "http://127.0.0.1:" + origin.getAddress().getPort())) {
            assertThat(rs.awaitReady(30, TimeUnit.SECONDS)).as("rs: %s", rsRun.out()).isTrue();
            for (String mode : modes) {
                List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:" + vip, "--mode", mode,
                        "--insecure-control", "--backend", "rs1=127.0.0.1:" + rs.controlAddress().getPort()));
                args.addAll(lbFlags);
                LbCommand lb = new LbCommand();
                try (Running lbRun = InProcessCommand.start(lb, lb::stop, args.toArray(new String[0]))) {
                    assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb: %s", lbRun.out()).isTrue();
                    test.run(lb.vipAddress(), mode);
                }
            }
        } finally {
            origin.stop(0);
        }
    }
}
