package org.qdsr.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.qdsr.app.config.LogFormat;
import org.qdsr.control.message.ControlCodec;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.Handoff;
import org.qdsr.control.message.KeyUpdate;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.lb.Backend;
import org.qdsr.lb.LoadBalancerCore;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.sim.SimNetwork;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.rs.MessageSink;
import org.qdsr.rs.RealServerCore;
import org.qdsr.rs.content.SyntheticSource;

/**
 * No key material in logs: a full client → LB → two RS exchange in memory (isolated and proxy
 * connections, client-initiated key updates) with every logger at ALL. The 1-RTT secrets and
 * header protection keys are taken from the Handoff and KeyUpdate messages crossing the control
 * link; no log record, raw or formatted as text or JSON, may contain them in hex or base64. Every
 * control message and decoded snapshot is also logged at TRACE (FINEST), as a message trace would,
 * so their toString() redaction is checked too.
 */
class LogSecrecyTest {
    private static final InetSocketAddress VIP = new InetSocketAddress("198.18.0.10", 443);
    private static final long SECOND = 1_000_000_000L;
    private static final System.Logger TRACE = System.getLogger("org.qdsr.control.trace");

    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    private final List<byte[]> secrets = new ArrayList<>();
    private final Map<String, Level> savedLevels = new HashMap<>();
    private final Logger root = Logger.getLogger("");
    private final Logger qdsr = Logger.getLogger("org.qdsr");
    private final Handler capture = new Handler() {
        private final LineFormatter text = new LineFormatter(LogFormat.TEXT);
        private final LineFormatter json = new LineFormatter(LogFormat.JSON);

        @Override
        public void publish(LogRecord r) {
            StringWriter raw = new StringWriter();
            raw.append(String.valueOf(r.getMessage()));
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    raw.append(' ').append(String.valueOf(p));
                }
            }
            if (r.getThrown() != null) {
                r.getThrown().printStackTrace(new PrintWriter(raw));
            }
            logged.add(raw + "\n" + text.format(r) + json.format(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void everyLoggerAtAll() {
        for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
            Logger l = LogManager.getLogManager().getLogger(name);
            if (l != null) {
                savedLevels.put(name, l.getLevel());
                l.setLevel(Level.ALL);
            }
        }
        savedLevels.putIfAbsent("org.qdsr", qdsr.getLevel());
        qdsr.setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void restore() {
        root.removeHandler(capture);
        savedLevels.forEach((name, level) -> {
            Logger l = LogManager.getLogManager().getLogger(name);
            if (l != null) {
                l.setLevel(level);
            }
        });
        root.setLevel(savedLevels.getOrDefault("", Level.INFO));
    }

    @Test
    void noSecretIsEverLogged() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        SimNetwork net = SimNetwork.seeded(11);
        ServerTlsContext tls = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost"));
        LoadBalancerCore lb = new LoadBalancerCore(LoadBalancerCore.Settings.defaults(), tls,
                new Router(List.of(), Policy.roundRobin()), random.split());
        net.attach(VIP, lb);
        QuicClientEndpoint client = new QuicClientEndpoint();
        net.attach(new InetSocketAddress("198.18.1.2", 50000), client);
        for (int i = 0; i < 2; i++) {
            int id = i;
            Backend b = lb.addBackend("rs" + i, 1);
            MessageSink toLb = (link, m) -> deliver(net, m, msg -> lb.onBackendMessage(id, msg, net.now()));
            RealServerCore rs = new RealServerCore(new SyntheticSource(), toLb);
            net.attach("rs" + i, rs, VIP);
            lb.backendUp(b.id(), m -> {
                deliver(net, m, msg -> rs.onMessage(0, msg, net.now()));
                return true;
            });
            rs.onLinkOpened(0, net.now());
        }
        List<CompletableFuture<Http3Result>> results = new ArrayList<>();
        for (boolean serverPaths : new boolean[] {true, false}) {
            ConnectionConfig config = ConnectionConfig.defaults().withKeyUpdateInterval(40);
            config = serverPaths ? config.withPaths(16, true) : config;
            QuicConnection c = QuicConnection.connect(ClientOptions.of(ClientTlsConfig.of("localhost", List.of("h3"))
                    .withInsecure(true), VIP).withConfig(config).withRandom(random.split()), net.now());
            Http3ClientSession session = new Http3ClientSession();
            client.add(c, session);
            for (int size : new int[] {10, 60_000, 250_000}) {
                results.add(session.request("GET", "https", "localhost", "/bytes/" + size, List.of(), null,
                        Http3ClientSession.collector(new ByteArrayOutputStream())));
            }
        }
        net.runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 120 * SECOND);
        for (CompletableFuture<Http3Result> r : results) {
            assertThat(r.join().response().status()).isEqualTo(200);
        }

        assertThat(secrets).as("secrets seen on the control link").hasSizeGreaterThanOrEqualTo(4);
        assertThat(logged).as("every control message was traced at FINEST").hasSizeGreaterThan(secrets.size());
        List<String> forms = new ArrayList<>();
        for (byte[] s : secrets) {
            forms.addAll(encodings(s));
        }
        // the check can fail: a record carrying a secret in hex, formatted as JSON, is caught
        LogRecord leak = new LogRecord(Level.FINEST, "key {0}");
        leak.setParameters(new Object[] {HexFormat.of().withUpperCase().formatHex(secrets.get(0))});
        String leaked = new LineFormatter(LogFormat.JSON).format(leak);
        assertThat(forms).anyMatch(f -> leaked.toLowerCase(java.util.Locale.ROOT).contains(f.toLowerCase(
                java.util.Locale.ROOT)));
        for (String line : logged) {
            for (String form : forms) {
                assertThat(line).as("log record must not contain key material").doesNotContainIgnoringCase(form);
            }
        }
    }

    /** Hex (either case, via ignore-case compare), base64 and base64url, each also of a 16-byte prefix. */
    private static List<String> encodings(byte[] secret) {
        List<String> out = new ArrayList<>();
        for (byte[] b : List.of(secret, java.util.Arrays.copyOf(secret, 16))) {
            out.add(HexFormat.of().formatHex(b));
            out.add(Base64.getEncoder().withoutPadding().encodeToString(b));
            out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        }
        return out;
    }

    /** Encodes and decodes like the control channel, remembering the key material that crosses it. */
    private void deliver(SimNetwork net, ControlMessage m, Consumer<ControlMessage> to) {
        // what a control-message trace would log: the message and the decoded snapshot, via toString()
        TRACE.log(System.Logger.Level.TRACE, "control {0}", m);
        if (m instanceof Handoff h && h.mode() == Handoff.Mode.ISOLATED) {
            try {
                ConnectionSnapshot s = ConnectionSnapshot.decode(h.snapshot());
                TRACE.log(System.Logger.Level.TRACE, "handoff {0} snapshot {1}", h.handoffId(), s);
                secrets.add(s.oneRttWriteSecret());
                secrets.add(s.effectiveHeaderProtectionKey());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        } else if (m instanceof KeyUpdate k) {
            secrets.add(k.newWriteSecret());
        }
        byte[] wire = ControlCodec.encode(m);
        net.scheduleAfter(500_000, () -> {
            try {
                to.accept(ControlCodec.decode(wire));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
