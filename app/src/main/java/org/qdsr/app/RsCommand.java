package org.qdsr.app;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.qdsr.app.net.HostPort;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.rs.RealServer;
import org.qdsr.rs.RealServerCore;
import org.qdsr.rs.content.ContentSource;
import org.qdsr.rs.content.DirectorySource;
import org.qdsr.rs.content.OriginSource;
import org.qdsr.rs.content.ServedBy;
import org.qdsr.rs.content.SyntheticSource;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code qdsr rs}: a real server that sends responses handed off by LBs straight to clients. */
@Command(name = "rs", mixinStandardHelpOptions = true,
        description = "Run a QDSR real server until SIGINT/SIGTERM.")
public final class RsCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--control", required = true, paramLabel = "HOST:PORT", description = "control address LBs connect to")
    private String control;

    @Option(names = "--vip", required = true, paramLabel = "VIP:PORT", description = "the LB's virtual IP and port")
    private String vip;

    @Option(names = "--control-tls", paramLabel = "DIR", description = "folder written by 'qdsr certs'")
    private Path controlTls;

    @Option(names = "--insecure-control", description = "plain TCP control channel (loopback only)")
    private boolean insecureControl;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "rs", description = "node name (default: ${DEFAULT-VALUE})")
    private String name;

    @Option(names = "--bind", paramLabel = "MODE", defaultValue = "AUTO",
            description = "send socket: AUTO, WILDCARD (0.0.0.0:PORT, single host) or EXACT (VIP:PORT, multi host)")
    private RealServer.Bind bind;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private ContentChoice content;

    static final class ContentChoice {
        @Option(names = "--root", paramLabel = "DIR", description = "serve files")
        Path root;
        @Option(names = "--origin", paramLabel = "URL", description = "proxy an HTTP/1.1 origin http://HOST:PORT")
        URI origin;
        @Option(names = "--synthetic", description = "serve /bytes/N and /delay/MS/bytes/N")
        boolean synthetic;
    }

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (insecureControl == (controlTls != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "exactly one of --control-tls DIR or --insecure-control is required");
        }
        InetSocketAddress controlAddr = parse("--control", control);
        InetSocketAddress vipAddr = parse("--vip", vip);
        if (content.root != null && !Files.isDirectory(content.root)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--root: not a directory: " + content.root);
        }
        ControlTls tls = insecureControl ? ControlTls.insecureLoopback() : ControlTls.fromDirectory(controlTls, name);
        PrintWriter out = spec.commandLine().getOut();
        Function<Executor, ContentSource> base = sources();
        Function<Executor, ContentSource> named = loop -> new ServedBy(base.apply(loop), name);
        try (RealServer rs = RealServer.start(controlAddr, vipAddr, bind, tls, name, named,
                RealServerCore.Config.defaults())) {
            Thread hook = new Thread(this::stopAndWait, "qdsr-rs-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("rs " + name + ": control on " + HostPort.format(rs.controlAddress()) + ", sending from "
                    + HostPort.format(vipAddr));
            out.flush();
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        } finally {
            closed.countDown();
        }
        return Main.OK;
    }

    private Function<Executor, ContentSource> sources() {
        if (content.root != null) {
            Path root = content.root;
            return loop -> new DirectorySource(root);
        }
        if (content.origin != null) {
            URI origin = content.origin;
            return loop -> new OriginSource(origin, loop);
        }
        return loop -> new SyntheticSource();
    }

    private InetSocketAddress parse(String option, String text) throws java.io.IOException {
        try {
            return HostPort.parse(text).resolve();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private void stopAndWait() {
        stop.countDown();
        try {
            closed.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes {@link #call} close the server and return (what SIGTERM does). */
    public void stop() {
        stop.countDown();
    }
}
