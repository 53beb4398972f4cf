package org.qdsr.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short host commands (ip, tc, sysctl) to completion with a time bound. */
public final class Commands {
    /** What a finished command returned: exit status and merged stdout/stderr. */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** This result when the command succeeded, else an exception naming command and output. */
        public Result orThrow() {
            if (!ok()) {
                throw new TestbedException("command failed (exit " + exitCode + "): "
                        + String.join(" ", command) + "\n" + output.strip());
            }
            return this;
        }
    }

    private static final long TIMEOUT_SECONDS = 30;

    private Commands() {}

    /** Runs {@code command}, waiting at most 30 s; never throws for a non-zero exit. */
    public static Result run(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TestbedException("command timed out: " + String.join(" ", command));
            }
            return new Result(List.copyOf(command), p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(List.copyOf(command), 127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** {@link #run(List)} that throws when the command fails. */
    public static Result check(String... command) {
        return run(List.of(command)).orThrow();
    }

    /** {@code ip netns exec NS command...} as an argument list. */
    static List<String> inNamespace(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /**
     * Fails with a clear message unless we run as root on Linux with iproute2 (ip, tc) and bridge
     * support: the testbed never skips silently.
     */
    public static void checkPrerequisites() {
        String hint = "needs root and iproute2: run as root; apt-get install iproute2";
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            throw new TestbedException("the testbed needs Linux network namespaces; " + hint);
        }
        Result id = run(List.of("id", "-u"));
        if (!id.ok() || !id.output().strip().equals("0")) {
            throw new TestbedException("not running as root (id -u: " + id.output().strip() + "); " + hint);
        }
        for (String tool : List.of("ip", "tc")) {
            if (!run(List.of(tool, "-V")).ok()) {
                throw new TestbedException("'" + tool + "' not found; " + hint);
            }
        }
        if (!Files.isDirectory(Path.of("/sys/class/net"))) {
            throw new TestbedException("/sys/class/net is missing; " + hint);
        }
    }
}
