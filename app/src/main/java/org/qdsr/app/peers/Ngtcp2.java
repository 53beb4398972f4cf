package org.qdsr.app.peers;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ngtcp2 example peers (Debian packages ngtcp2-client, ngtcp2-server): finding them, making
 * their certificate with openssl, starting {@code gtlsserver}, running {@code gtlsclient}, and
 * reading a process's CPU time from {@code /proc}. Used by {@code stack-bench} and the interop tests.
 */
public final class Ngtcp2 {
    public static final Path CLIENT = Path.of("/usr/bin/gtlsclient");
    public static final Path SERVER = Path.of("/usr/sbin/gtlsserver");
    public static final String INSTALL_HINT = "install with: apt-get install ngtcp2-client ngtcp2-server";

    private Ngtcp2() {
    }

    /** Throws IllegalStateException naming the install command when a binary is missing. */
    public static void requireInstalled() {
        for (Path p : List.of(CLIENT, SERVER)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " not found; " + INSTALL_HINT);
            }
        }
    }

    /** The key and certificate paths written by {@link #makeCertificate}. */
    public record KeyAndCert(Path key, Path cert) {
    }

    /** An ECDSA P-256 key and a self-signed certificate for localhost and 127.0.0.1, made with openssl. */
    public static KeyAndCert makeCertificate(Path dir) throws IOException, InterruptedException {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        run(List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString()), dir);
        run(List.of("openssl", "req", "-new", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", "30",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"), dir);
        return new KeyAndCert(key, cert);
    }

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + Files.readString(log));
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /** A UDP port on 127.0.0.1 that was free a moment ago (from the kernel's ephemeral range). */
    public static int freeUdpPort() throws SocketException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code gtlsserver} on 127.0.0.1:port serving {@code docroot}; waits until it has bound. */
    public static Process startServer(Path docroot, int port, KeyAndCert kc, boolean quiet, Path log)
            throws IOException, InterruptedException {
        requireInstalled();
        List<String> cmd = new ArrayList<>(List.of(SERVER.toString()));
        cmd.addAll(quiet ? List.of("-q") : List.of("--no-quic-dump", "--no-http-dump"));
        cmd.addAll(List.of("-d", docroot.toString(), "127.0.0.1", Integer.toString(port),
                kc.key().toString(), kc.cert().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!isBound(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("gtlsserver did not start on port " + port + ": " + Files.readString(log));
            }
            Thread.sleep(10);
        }
        return p;
    }

    /** True when something holds UDP 127.0.0.1:port (we cannot bind it ourselves). */
    static boolean isBound(int port) {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return false;
        } catch (BindException e) {
            return true;
        } catch (SocketException e) {
            return false;
        }
    }

    /**
     * The arguments of a {@code gtlsclient} run against 127.0.0.1:port: one connection, exits when
     * all streams closed; {@code extra} goes before the address (e.g. {@code --download DIR}, {@code -n N}).
     */
    public static List<String> clientCommand(int port, List<String> extra, boolean quiet, List<String> paths) {
        List<String> cmd = new ArrayList<>(List.of(CLIENT.toString()));
        cmd.addAll(quiet ? List.of("-q") : List.of("--no-quic-dump", "--no-http-dump"));
        cmd.add("--exit-on-all-streams-close");
        cmd.addAll(extra);
        cmd.addAll(List.of("127.0.0.1", Integer.toString(port)));
        for (String p : paths) {
            cmd.add("https://127.0.0.1:" + port + p);
        }
        return cmd;
    }

    /** Runs a command to completion (killed after {@code timeoutSeconds}); returns its exit code, -1 on timeout. */
    public static int runToCompletion(List<String> command, Path log, long timeoutSeconds)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            return p.waitFor(timeoutSeconds, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } finally {
            destroy(p);
        }
    }

    /** Kills a process and waits briefly for it. */
    public static void destroy(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(3, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(3, TimeUnit.SECONDS);
        }
    }

    /** User plus system CPU time of a live process from /proc/PID/stat, in nanoseconds; -1 if unknown. */
    public static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
            return ticks * (1_000_000_000L / clockTicksPerSecond());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clockTicksPerSecond() {
        return 100; // USER_HZ on Linux
    }
}
