package org.qdsr.testbed;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multi-host testbed on one machine: one network namespace per host, each with a veth pair
 * whose other end is a port of a Linux bridge inside a dedicated "switch" namespace, so nothing
 * touches the root namespace's interfaces or addresses. Addresses come from 198.18.0.0/15 only
 * (RFC 2544's benchmarking range); every host's interface is {@code eth0}.
 *
 * <p>Namespace names are {@code qdsr-SUFFIX-HOST} with a random suffix, so parallel runs do not
 * collide. {@link #close()} always tears everything down (processes, then namespaces, which takes
 * the veth pairs and the bridge with them); a JVM shutdown hook does the same on an abrupt exit.
 * See DESIGN.md "Single-host and multi-host DSR".
 */
public final class Topology implements AutoCloseable {
    /** The VIP of the standard DSR topology. */
    public static final String VIP = "198.18.0.100";
    /** The interface name inside every host namespace. */
    public static final String IFACE = "eth0";

    private static final String PREFIX_LEN = "/15";
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");

    private final String suffix;
    private final Path workDir;
    private final Map<String, HostSpec> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<NsProcess> processes = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::teardown, "qdsr-testbed-teardown");

    private Topology(Path workDir) {
        this.suffix = randomSuffix();
        this.workDir = workDir;
    }

    /**
     * The standard DSR topology: client 198.18.0.2, lb 198.18.0.10 (owns the VIP), real servers
     * rs1.. at 198.18.0.21.. (VIP on lo, ARP suppressed).
     */
    public static Topology dsr(Path workDir, int realServers) {
        List<HostSpec> specs = new ArrayList<>();
        specs.add(HostSpec.plain("client", "198.18.0.2"));
        specs.add(HostSpec.vipOwner("lb", "198.18.0.10", VIP));
        for (int i = 1; i <= realServers; i++) {
            specs.add(HostSpec.dsrServer("rs" + i, "198.18.0." + (20 + i), VIP));
        }
        return build(workDir, specs);
    }

    /**
     * Several load balancers for one VIP behind an ECMP router: client 198.18.0.2, load balancers
     * lba, lbb, ... at 198.18.0.11.., real servers rs1.. at 198.18.0.21..; the VIP is on the
     * loopback of every LB and RS with ARP for it suppressed, and the client reaches it through one
     * multipath route whose next hops are the LBs (the client namespace plays the router), hashed
     * on the UDP 4-tuple ({@code fib_multipath_hash_policy=1}). See {@link #routeVip}.
     */
    public static Topology ecmp(Path workDir, int loadBalancers, int realServers) {
        if (loadBalancers < 1 || loadBalancers > 9) {
            throw new IllegalArgumentException("1..9 load balancers: " + loadBalancers);
        }
        List<HostSpec> specs = new ArrayList<>();
        specs.add(HostSpec.plain("client", "198.18.0.2"));
        List<String> lbs = new ArrayList<>();
        for (int i = 0; i < loadBalancers; i++) {
            HostSpec lb = HostSpec.dsrServer("lb" + (char) ('a' + i), "198.18.0." + (11 + i), VIP);
            specs.add(lb);
            lbs.add(lb.name());
        }
        for (int i = 1; i <= realServers; i++) {
            specs.add(HostSpec.dsrServer("rs" + i, "198.18.0." + (20 + i), VIP));
        }
        Topology t = build(workDir, specs);
        try {
            t.exec("client", "sysctl", "-q", "-w", "net.ipv4.fib_multipath_hash_policy=1").orThrow();
            t.routeVip("client", lbs);
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * Points the host's route to the VIP at these hosts ({@code ip route replace VIP/32 nexthop via
     * A nexthop via B ...}, one next hop is a plain {@code via}), as a router does when it adds an
     * LB to its ECMP set or takes one out. Connected sockets follow at their next packet.
     */
    public void routeVip(String host, List<String> nextHops) {
        if (nextHops.isEmpty()) {
            throw new IllegalArgumentException("no next hop");
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "route", "replace", VIP + "/32"));
        for (String hop : nextHops) {
            if (nextHops.size() > 1) {
                cmd.add("nexthop");
            }
            cmd.add("via");
            cmd.add(host(hop).address());
        }
        exec(host, cmd.toArray(String[]::new)).orThrow();
    }

    /** Checks prerequisites, then builds the hosts; on any failure tears down what exists. */
    public static Topology build(Path workDir, List<HostSpec> specs) {
        Commands.checkPrerequisites();
        Topology t = new Topology(workDir);
        Runtime.getRuntime().addShutdownHook(t.shutdownHook);
        try {
            t.createSwitch();
            for (HostSpec spec : specs) {
                t.createHost(spec);
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Fails unless {@code address} (dotted IPv4) lies in 198.18.0.0/15. */
    static void requireBenchmarkRange(String address) {
        String[] p = address.split("\\.");
        boolean ok = p.length == 4 && p[0].equals("198") && (p[1].equals("18") || p[1].equals("19"));
        if (!ok) {
            throw new IllegalArgumentException("testbed addresses must be in 198.18.0.0/15: " + address);
        }
    }

    private void createSwitch() {
        String sw = addNamespace("sw");
        Commands.Result bridge = Commands.run(Commands.inNamespace(sw, List.of("ip", "link", "add", "br0", "type",
                "bridge")));
        if (!bridge.ok()) {
            throw new TestbedException("cannot create a Linux bridge (needs bridge support: modprobe bridge): "
                    + bridge.output().strip());
        }
        nsCheck(sw, "ip", "link", "set", "br0", "up");
        // A switch forwards frames without running iptables. With br_netfilter loaded (container
        // hosts load it) every bridged frame would also pass the IP hooks, work that the shared
        // kernel charges to whichever process sends: a cost no real switch puts on the hosts. The
        // keys are per namespace; without br_netfilter they do not exist and nothing needs doing.
        Commands.run(Commands.inNamespace(sw, List.of("sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=0",
                "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0")));
    }

    private void createHost(HostSpec spec) {
        if (hosts.containsKey(spec.name()) || spec.name().equals("sw")) {
            throw new IllegalArgumentException("duplicate host name " + spec.name());
        }
        String ns = addNamespace(spec.name());
        String sw = namespace("sw");
        Commands.check("ip", "link", "add", IFACE, "netns", ns, "type", "veth", "peer", "name", spec.name(),
                "netns", sw);
        nsCheck(ns, "ip", "addr", "add", spec.address() + PREFIX_LEN, "dev", IFACE);
        for (String vip : spec.vipOnInterface()) {
            nsCheck(ns, "ip", "addr", "add", vip + "/32", "dev", IFACE);
        }
        if (!spec.vipOnLoopback().isEmpty()) {
            nsCheck(ns, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
            nsCheck(ns, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_announce=2");
        }
        for (String vip : spec.vipOnLoopback()) {
            nsCheck(ns, "ip", "addr", "add", vip + "/32", "dev", "lo");
        }
        nsCheck(ns, "ip", "link", "set", IFACE, "up");
        nsCheck(sw, "ip", "link", "set", spec.name(), "master", "br0");
        nsCheck(sw, "ip", "link", "set", spec.name(), "up");
        hosts.put(spec.name(), spec);
        if (spec.rate() != null) {
            rateLimit(spec.name(), spec.rate(), "64kb", "50ms");
        }
    }

    /** Creates {@code qdsr-SUFFIX-name}, brings lo up and turns IPv6 off (no stray traffic). */
    private String addNamespace(String name) {
        String ns = namespace(name);
        Commands.check("ip", "netns", "add", ns);
        namespaces.add(ns);
        nsCheck(ns, "ip", "link", "set", "lo", "up");
        nsCheck(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        nsCheck(ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        return ns;
    }

    private static void nsCheck(String ns, String... command) {
        Commands.run(Commands.inNamespace(ns, List.of(command))).orThrow();
    }

    /** The namespace name of a host (or "sw" for the switch). */
    public String namespace(String host) {
        return "qdsr-" + suffix + "-" + host;
    }

    public List<String> hostNames() {
        return List.copyOf(hosts.keySet());
    }

    public HostSpec host(String name) {
        HostSpec h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host " + name + " in " + hosts.keySet());
        }
        return h;
    }

    public Path workDir() {
        return workDir;
    }

    /** Limits the host's egress with a token bucket: {@code tc qdisc replace dev eth0 root tbf ...}. */
    public void rateLimit(String host, String rate, String burst, String latency) {
        exec(host, "tc", "qdisc", "replace", "dev", IFACE, "root", "tbf", "rate", rate, "burst", burst,
                "latency", latency).orThrow();
    }

    /** Runs a short command inside the host's namespace (30 s bound); never throws on exit codes. */
    public Commands.Result exec(String host, String... command) {
        host(host);
        return Commands.run(Commands.inNamespace(namespace(host), List.of(command)));
    }

    /** Starts a long-running process in the host's namespace; output goes to workDir/label.log. */
    public synchronized NsProcess start(String host, String label, List<String> command) {
        if (closed.get()) {
            throw new IllegalStateException("topology closed");
        }
        host(host);
        NsProcess p = NsProcess.start(label, Commands.inNamespace(namespace(host), command),
                workDir.resolve(label + ".log"));
        processes.add(p);
        return p;
    }

    /** Kernel counters of the host's {@code eth0}. */
    public LinkCounters counters(String host) {
        return new LinkCounters(stat(host, "tx_bytes"), stat(host, "rx_bytes"), stat(host, "tx_packets"),
                stat(host, "rx_packets"));
    }

    /** Counters of every host, in host order. */
    public Map<String, LinkCounters> counters() {
        Map<String, LinkCounters> m = new LinkedHashMap<>();
        hosts.keySet().forEach(h -> m.put(h, counters(h)));
        return m;
    }

    private long stat(String host, String name) {
        String out = exec(host, "cat", "/sys/class/net/" + IFACE + "/statistics/" + name).orThrow().output();
        return Long.parseLong(out.strip());
    }

    /** The MAC address of the host's {@code eth0}. */
    public String mac(String host) {
        return exec(host, "cat", "/sys/class/net/" + IFACE + "/address").orThrow().output().strip();
    }

    /** The link-layer address the host's neighbour table holds for {@code address}, if any. */
    public Optional<String> neighbourMac(String host, String address) {
        String out = exec(host, "ip", "neigh", "show", address).orThrow().output();
        Matcher m = LLADDR.matcher(out);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The namespaces created so far, switch first (for a state file that outlives this JVM). */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** The processes started so far. */
    public synchronized List<NsProcess> processes() {
        return List.copyOf(processes);
    }

    /**
     * Leaves everything running after this JVM exits ({@code qdsr testbed up}): removes the shutdown
     * hook and makes {@link #close()} a no-op. Whoever calls this owns the teardown (by namespace name).
     */
    public void detach() {
        closed.set(true);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // nothing left to detach from
        }
    }

    /**
     * Deletes namespaces by name, ending every process still inside them first; for a teardown from
     * a state file. Missing namespaces are ignored (idempotent).
     */
    public static void deleteNamespaces(List<String> names) {
        for (int i = names.size() - 1; i >= 0; i--) {
            killLeftovers(names.get(i));
            Commands.run(List.of("ip", "netns", "delete", names.get(i)));
        }
    }

    /** Kills the processes, deletes the namespaces (with their veths and the bridge). Idempotent. */
    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to run teardown(), which is idempotent
        }
    }

    private void teardown() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<NsProcess> running;
        synchronized (this) {
            running = List.copyOf(processes);
        }
        running.forEach(NsProcess::close);
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            String ns = namespaces.get(i);
            killLeftovers(ns);
            Commands.run(List.of("ip", "netns", "delete", ns));
        }
    }

    /** Ends processes still inside one of our namespaces (children of ours), by pid. */
    private static void killLeftovers(String ns) {
        String pids = Commands.run(List.of("ip", "netns", "pids", ns)).output().strip();
        for (String pid : pids.split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
