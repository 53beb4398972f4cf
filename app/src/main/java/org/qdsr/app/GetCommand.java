package org.qdsr.app;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.qdsr.app.net.HostPort;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qdsr get}: fetches URLs over HTTP/3, all URLs of one host:port concurrently on one
 * connection. Prints one line per URL to stderr; exits 1 if any request failed.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Fetch URLs over HTTP/3; URLs of the same host:port share one connection."
                + " -X, -d and -H send another method, a body and fields, as curl does.")
public final class GetCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Path IDs this client offers for real servers to answer on (draft-ietf-quic-multipath-21). */
    static final long CLIENT_PATHS = 16;

    @Option(names = "--no-server-paths",
            description = "do not offer per-server packet-number spaces (behave like an unmodified QUIC client)")
    private boolean noServerPaths;

    @Option(names = "--insecure", description = "accept any server certificate (testing only)")
    private boolean insecure;

    @Option(names = "--cacert", paramLabel = "PEM", description = "trust the certificates in this PEM file")
    private Path cacert;

    @ArgGroup(exclusive = true)
    private Output output;
    /** --output-dir: the file each URL is saved as. */
    private java.util.IdentityHashMap<GetTarget, String> savedNames;

    @Option(names = {"-X", "--request"}, paramLabel = "METHOD",
            description = "the request method (default: GET, or POST with --data)")
    private String method;

    @Option(names = {"-d", "--data"}, paramLabel = "DATA",
            description = "send DATA as the request body (@FILE: the file's bytes)")
    private String data;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME: VALUE", description = "add a request field (repeatable)")
    private List<String> headerArgs = new ArrayList<>();

    /** How long a run waits after its last response for the session tickets it keeps. */
    static final long TICKET_WAIT_MILLIS = 500;

    @Option(names = "--session-file", paramLabel = "FILE",
            description = "resume sessions kept in FILE (and keep the servers' new tickets there): requests to a"
                    + " server seen before leave in 0-RTT")
    private Path sessionFile;

    private SessionFile sessions;
    /** Servers whose next session ticket this run keeps. */
    private final List<String> ticketsDue = new ArrayList<>();
    /** The connections that tried to resume, by server, for the 0-RTT line of each. */
    private final Map<String, Http3Client.Connection> resumed = new java.util.LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30",
            description = "seconds before a request counts as failed (default: ${DEFAULT-VALUE})")
    private double timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "URL", description = "https:// URLs")
    private List<String> urls;

    private OutputStream stdout = System.out;

    static final class Output {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the body here (one URL only)")
        Path file;

        @Option(names = "--output-dir", paramLabel = "DIR", description = "save each body under its file name")
        Path dir;
    }

    /** Where bodies go when no output option is given (System.out by default). */
    public GetCommand stdout(OutputStream out) {
        this.stdout = out;
        return this;
    }

    @Override
    public Integer call() throws Exception {
        List<GetTarget> targets = parseTargets();
        if (timeoutSeconds <= 0) {
            throw usage("--timeout must be positive");
        }
        Ask ask = new Ask(requestMethod(), requestFields(), requestBody());
        if (output != null && output.dir != null) {
            Files.createDirectories(output.dir);
            savedNames = uniqueFileNames(targets);
        }
        ClientTlsConfig tls = ClientTlsConfig.of("localhost", ServerCommand.ALPN).withInsecure(insecure);
        if (cacert != null) {
            tls = tls.withTrustManager(TrustManagers.fromPem(cacert));
        }
        List<Fetch> fetches = new ArrayList<>();
        long timeoutNanos = (long) (timeoutSeconds * 1e9);
        sessions = sessionFile == null ? null : SessionFile.load(sessionFile);
        try (Http3Client client = Http3Client.start("qdsr-get")) {
            for (Map.Entry<String, List<GetTarget>> group : groupByConnection(targets).entrySet()) {
                fetches.addAll(fetchGroup(client, tls, group.getValue(), timeoutNanos, ask));
            }
            for (Fetch f : fetches) {
                f.await(timeoutNanos);
            }
            reportEarlyData();
            awaitTickets();
        }
        if (sessions != null) {
            sessions.save();
        }
        return report(fetches);
    }

    /** What every URL is asked with: method, extra fields, body (null: none). */
    private record Ask(String method, List<Field> fields, byte[] body) {
    }

    private String requestMethod() {
        String m = method != null ? method : data != null ? "POST" : "GET";
        if (m.isEmpty() || !m.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw usage("-X: not a method token: '" + m + "'");
        }
        return m;
    }

    /** {@code -H "Name: value"} as fields, names lower-cased (RFC 9114 §4.2). */
    private List<Field> requestFields() {
        List<Field> fields = new ArrayList<>();
        for (String h : headerArgs) {
            int colon = h.indexOf(':');
            String name = colon <= 0 ? "" : h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
            if (name.isEmpty() || name.startsWith(":") || !name.chars().allMatch(c -> c > 32 && c < 127)) {
                throw usage("-H: expected 'Name: value', got '" + h + "'");
            }
            fields.add(new Field(name, h.substring(colon + 1).trim()));
        }
        return fields;
    }

    private byte[] requestBody() throws IOException {
        if (data == null) {
            return null;
        }
        if (data.startsWith("@")) {
            Path file = Path.of(data.substring(1));
            if (!Files.isReadable(file)) {
                throw usage("-d: cannot read " + file);
            }
            return Files.readAllBytes(file);
        }
        return data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private List<Fetch> fetchGroup(Http3Client client, ClientTlsConfig base, List<GetTarget> group,
                                   long timeoutNanos, Ask ask) throws IOException {
        GetTarget first = group.get(0);
        List<Fetch> fetches = new ArrayList<>();
        InetSocketAddress server;
        try {
            server = new HostPort(first.host(), first.port()).resolve();
        } catch (IOException e) {
            for (GetTarget t : group) {
                fetches.add(Fetch.failed(t, "cannot resolve " + first.host() + ": " + e.getMessage()));
            }
            return fetches;
        }
        ClientTlsConfig tls = new ClientTlsConfig(first.host(), base.alpn(), base.trustManager(), base.insecure(),
                null, false, null);
        ConnectionConfig config = ConnectionConfig.defaults()
                .withMaxIdleTimeout(java.time.Duration.ofNanos(Math.max(timeoutNanos, 1_000_000_000L)));
        if (!noServerPaths) {
            // QDSR: let a load balancer's real servers answer on their own paths (isolated mode).
            config = config.withPaths(CLIENT_PATHS, true);
        }
        String key = first.host() + ":" + first.port();
        var resumption = sessions == null ? null : sessions.take(key);
        List<OutputSink> sinks = new ArrayList<>();
        for (GetTarget t : group) {
            sinks.add(sinkFor(t, group.size() == 1 && fetchCount() == 1));
        }
        Http3Client.Connection connection = client.connect(server, tls, config, resumption,
                sessions == null ? t -> { } : t -> sessions.put(key, t), c -> {
                    for (int i = 0; i < group.size(); i++) { // in the first flight: 0-RTT when resuming
                        fetches.add(Fetch.start(c, group.get(i), sinks.get(i), ask));
                    }
                });
        if (resumption != null) {
            resumed.put(key, connection);
        }
        if (sessions != null) {
            ticketsDue.add(key); // open until its ticket came (awaitTickets), closed with the client
        } else {
            connection.closeWhenIdle();
        }
        return fetches;
    }

    /**
     * One file per URL: a name that an earlier URL of the run already took ({@code /} and
     * {@code /x/} both save as index.html, {@code ?a} and {@code ?b} of one path share a name) gets
     * a suffix {@code .1}, {@code .2}, ... as wget does, instead of two bodies written into one file.
     */
    static java.util.IdentityHashMap<GetTarget, String> uniqueFileNames(List<GetTarget> targets) {
        java.util.IdentityHashMap<GetTarget, String> names = new java.util.IdentityHashMap<>();
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (GetTarget t : targets) {
            String name = t.fileName();
            for (int i = 1; !taken.add(name); i++) {
                name = t.fileName() + "." + i;
            }
            names.put(t, name);
        }
        return names;
    }

    private int fetchCount() {
        return urls.size();
    }

    private OutputSink sinkFor(GetTarget t, boolean only) throws IOException {
        if (output != null && output.file != null) {
            return OutputSink.toFile(output.file);
        }
        if (output != null && output.dir != null) {
            return OutputSink.toFile(output.dir.resolve(savedNames.get(t)));
        }
        return only ? OutputSink.toStream(new BufferedOutputStream(stdout)) : OutputSink.buffered();
    }

    /**
     * A server sends its session ticket once the handshake is done, which can be after a short
     * response: the connections stay open up to {@link #TICKET_WAIT_MILLIS} for it.
     */
    private void awaitTickets() throws InterruptedException {
        long deadline = System.nanoTime() + TICKET_WAIT_MILLIS * 1_000_000L;
        for (String key : ticketsDue) {
            sessions.awaitTicket(key, deadline);
        }
    }

    /** One line per server this run tried to resume: did it take the 0-RTT requests? */
    private void reportEarlyData() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        for (Map.Entry<String, Http3Client.Connection> e : resumed.entrySet()) {
            Boolean accepted = e.getValue().earlyDataAccepted();
            int early = e.getValue().earlyRequests();
            if (early == 0) {
                err.println("0-RTT not used with " + e.getKey() + " (no early keys: the ticket allows no early data)");
                continue;
            }
            err.println("0-RTT " + (accepted == null ? "not answered" : accepted ? "accepted" : "declined") + " by "
                    + e.getKey() + ": " + early + (early == 1 ? " request" : " requests")
                    + (Boolean.TRUE.equals(accepted) ? "" : ", sent again after the handshake"));
        }
        err.flush();
    }

    private int report(List<Fetch> fetches) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        boolean ok = true;
        for (Fetch f : fetches) {
            String problem = f.finish(stdout);
            err.println(f.describe(problem));
            ok &= problem == null;
        }
        err.flush();
        stdout.flush();
        return ok ? Main.OK : Main.FAILURE;
    }

    private List<GetTarget> parseTargets() {
        if (output != null && output.file != null && urls.size() != 1) {
            throw usage("-o takes exactly one URL; use --output-dir for several");
        }
        List<GetTarget> targets = new ArrayList<>();
        for (String u : urls) {
            try {
                targets.add(GetTarget.parse(u));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        return targets;
    }

    private static Map<String, List<GetTarget>> groupByConnection(List<GetTarget> targets) {
        Map<String, List<GetTarget>> groups = new LinkedHashMap<>();
        for (GetTarget t : targets) {
            groups.computeIfAbsent(t.connectionKey(), k -> new ArrayList<>()).add(t);
        }
        return groups;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** One URL in flight. */
    private static final class Fetch {
        final GetTarget target;
        final CompletableFuture<Http3Result> future;
        final OutputSink sink;
        String failure;
        Http3Result result;

        private Fetch(GetTarget target, CompletableFuture<Http3Result> future, OutputSink sink) {
            this.target = target;
            this.future = future;
            this.sink = sink;
        }

        static Fetch start(Http3Client.Connection c, GetTarget t, OutputSink sink, Ask ask) {
            return new Fetch(t, c.request(ask.method(), t.authority(), t.path(), ask.fields(), ask.body(), sink), sink);
        }

        static Fetch failed(GetTarget t, String why) {
            Fetch f = new Fetch(t, CompletableFuture.failedFuture(new IOException(why)), null);
            return f;
        }

        void await(long timeoutNanos) throws InterruptedException {
            try {
                result = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                failure = Main.describe(e.getCause());
            } catch (TimeoutException e) {
                failure = "timed out";
            }
        }

        /** Closes the output, copies a buffered body to stdout; returns the problem or null. */
        String finish(OutputStream stdout) {
            String sinkProblem = sink == null ? null : sink.finish(result != null && failure == null, stdout);
            if (failure != null) {
                return failure;
            }
            if (sinkProblem != null) {
                return sinkProblem;
            }
            int status = result.response().status();
            return status >= 400 ? "status " + status : null;
        }

        String describe(String problem) {
            if (result == null) {
                return "FAILED " + target.url() + ": " + problem;
            }
            return String.format("%d %s %d bytes ttfb %.2f ms total %.2f ms%s", result.response().status(),
                    target.url(), result.bodyBytes(), result.ttfbNanos() / 1e6, result.totalNanos() / 1e6,
                    problem == null ? "" : " FAILED: " + problem);
        }
    }

    /** Reads bodies written on the loop thread into files, stdout or memory; remembers I/O errors. */
    abstract static class OutputSink implements org.qdsr.http3.session.BodySink {
        IOException error;

        static OutputSink toFile(Path file) throws IOException {
            return toStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        }

        static OutputSink toStream(OutputStream out) {
            return new OutputSink() {
                @Override
                void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                void close(boolean complete, OutputStream stdout) throws IOException {
                    out.close();
                }
            };
        }

        static OutputSink buffered() {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            return new OutputSink() {
                @Override
                void write(byte[] b, int off, int len) {
                    buf.write(b, off, len);
                }

                @Override
                void close(boolean complete, OutputStream stdout) throws IOException {
                    if (complete) {
                        buf.writeTo(stdout);
                    }
                }
            };
        }

        abstract void write(byte[] b, int off, int len) throws IOException;

        abstract void close(boolean complete, OutputStream stdout) throws IOException;

        @Override
        public final synchronized void onData(byte[] buf, int off, int len) {
            if (error == null) {
                try {
                    write(buf, off, len);
                } catch (IOException e) {
                    error = e;
                }
            }
        }

        final synchronized String finish(boolean complete, OutputStream stdout) {
            try {
                close(complete, stdout);
            } catch (IOException e) {
                error = error == null ? e : error;
            }
            return error == null ? null : "cannot write body: " + error.getMessage();
        }
    }
}
