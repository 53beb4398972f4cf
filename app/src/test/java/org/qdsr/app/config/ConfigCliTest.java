package org.qdsr.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.app.Main;
import picocli.CommandLine;

/** A bad configuration file is a usage error: exit code 2 and a message naming the file and field. */
class ConfigCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void lbWithUnknownKeyExitsTwo() throws Exception {
        Path f = dir.resolve("lb.yaml");
        Files.writeString(f, "listen: \"127.0.0.1:4433\"\nbakends: []\n");
        Run r = run("lb", "--config", f.toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains(f + ": bakends: unknown key");
    }

    /** {@code --check}: the start-up checks, then exit (0, or 2 naming the problem); nothing binds. */
    @Test
    void checkValidatesAndExits() throws Exception {
        Path f = dir.resolve("lb-ok.yaml");
        Files.writeString(f, "listen: \"127.0.0.1:1\"\ncontrol: {insecure: true}\nbackends:\n"
                + "  - {name: a, address: \"127.0.0.1:7001\"}\n");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("lb", "--config", f.toString(), "--check")).isEqualTo(Main.OK);
        assertThat(out.toString()).startsWith("configuration OK: 1 backend, 0 routes, mode auto");
        Run bad = run("lb", "--config", f.toString(), "--check", "--max-connections", "0");
        assertThat(bad.code()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).contains("max-connections (--max-connections): must be 1 or more");
        Run rs = run("rs", "--vip", "127.0.0.1:4433", "--control", "127.0.0.1:0", "--insecure-control", "--synthetic",
                "--check");
        assertThat(rs.code()).isEqualTo(Main.OK);
        Run rsBad = run("rs", "--vip", "127.0.0.1:4433", "--insecure-control", "--synthetic", "--check");
        assertThat(rsBad.code()).isEqualTo(Main.USAGE);
    }

    /**
     * docs/operations.md: a usage error prints one line naming the flag or key, not the whole
     * usage text after it (which used to bury that line under 30 lines of option help).
     */
    @Test
    void usageErrorsPrintTheMessageAndAHintNotTheWholeUsage() throws Exception {
        Path f = dir.resolve("lb.yaml");
        Files.writeString(f, "listen: \"127.0.0.1:4433\"\ncontrol: {insecure: true}\n"
                + "backends:\n  - {name: a, address: \"127.0.0.1:7001\", wieght: 2}\n");
        Run r = run("lb", "--config", f.toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err().lines()).containsExactly(
                f + ": backends[0].wieght: unknown key (known here: address, name, weight)",
                "Try 'qdsr lb --help' for the options.");
        Run unknownFlag = run("rs", "--contrl", "127.0.0.1:7001");
        assertThat(unknownFlag.code()).isEqualTo(Main.USAGE);
        assertThat(unknownFlag.err()).startsWith("Unknown options: '--contrl'").contains("--control")
                .contains("Try 'qdsr rs --help'").doesNotContain("Usage:");
        Run noCommand = run("frobnicate");
        assertThat(noCommand.code()).isEqualTo(Main.USAGE);
        assertThat(noCommand.err()).contains("Usage: qdsr").contains("lb");
    }

    /**
     * A node name the control TLS folder has no certificate for used to pass the checks and fail
     * at start-up (exit 1, "control TLS: cannot read DIR/NAME.pem"); now it is a usage error that
     * names the node, the missing files, the nodes the folder holds and how to write the files.
     */
    @Test
    void controlTlsFolderWithoutTheNodesCertificateIsAUsageError() throws Exception {
        Path tls = dir.resolve("tls");
        assertThat(run("certs", "--out", tls.toString(), "--rs-names", "rs1,rs2").code()).isZero();
        Run lb = run("lb", "--listen", "127.0.0.1:4433", "--backend", "127.0.0.1:7001", "--control-tls",
                tls.toString(), "--name", "lb1");
        assertThat(lb.code()).isEqualTo(Main.USAGE);
        assertThat(lb.err()).startsWith("--control-tls: no certificate for node 'lb1' in " + tls
                + " (missing lb1.pem, lb1.key; it holds: lb, rs1, rs2)").contains("qdsr certs --lb-names lb1");
        Path yaml = dir.resolve("rs.yaml");
        Files.writeString(yaml, "name: rs3\nvip: \"127.0.0.1:4433\"\ncontrol: {listen: \"127.0.0.1:0\", tls: " + tls
                + "}\ncontent: {synthetic: true}\n");
        Run rs = run("rs", "--config", yaml.toString());
        assertThat(rs.code()).isEqualTo(Main.USAGE);
        assertThat(rs.err()).startsWith(yaml + ": control.tls: no certificate for node 'rs3'")
                .contains("qdsr certs --rs-names rs3");
        Files.delete(tls.resolve("ca.pem"));
        assertThat(run("rs", "--config", yaml.toString(), "--name", "rs1").err())
                .startsWith(yaml + ": control.tls: " + tls + " is not a folder written by 'qdsr certs' (missing ca.pem)");
    }

    @Test
    void missingSettingsNameTheFlagAndField() {
        Run r = run("lb", "--listen", "127.0.0.1:4433", "--insecure-control");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith("backends (--backend): at least one backend is required");
        Run bad = run("lb", "--listen", "127.0.0.1:4433", "--backend", "x", "--insecure-control");
        assertThat(bad.code()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).contains("--backend x: expected HOST:PORT");
        Run rs = run("rs", "--vip", "127.0.0.1:4433", "--control", "127.0.0.1:0", "--insecure-control");
        assertThat(rs.code()).isEqualTo(Main.USAGE);
        assertThat(rs.err()).contains("content: required");
    }

    /**
     * Bad values are usage errors (exit 2) whose message names the flag (or the file's key) and
     * the value: hosts that do not resolve, ports out of range, folders and files that are not
     * there. Unknown hosts used to surface at start-up with exit 1 and only the resolver's words.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            lb --listen nohost.invalid:1 --backend 127.0.0.1:1 --insecure-control | --listen: unknown host 'nohost.invalid' in 'nohost.invalid:1'
            lb --listen 127.0.0.1:70000 --backend 127.0.0.1:1 --insecure-control | --listen: port 70000 out of range (0-65535) in '127.0.0.1:70000'
            lb --listen 127.0.0.1:http --backend 127.0.0.1:1 --insecure-control | --listen: bad port 'http' in '127.0.0.1:http'
            lb --listen 127.0.0.1:4433 --backend a=nohost.invalid:7001 --insecure-control | --backend a=nohost.invalid:7001: unknown host 'nohost.invalid'
            lb --listen 127.0.0.1:4433 --backend 127.0.0.1:99999 --insecure-control | --backend 127.0.0.1:99999: port 99999 out of range
            lb --listen 127.0.0.1:4433 --backend 127.0.0.1:1 --control-tls MISSING | --control-tls: no such directory: MISSING
            lb --listen 127.0.0.1:4433 --backend 127.0.0.1:1 --insecure-control --metrics nohost.invalid:9 | --metrics: unknown host 'nohost.invalid'
            lb --listen 127.0.0.1:4433 --backend 127.0.0.1:1 --insecure-control --cert MISSING --key MISSING | --cert: no such file: MISSING
            lb --listen 127.0.0.1:4433 --insecure-control | backends (--backend): at least one backend is required
            lb --backend 127.0.0.1:1 --insecure-control | listen (--listen): required
            lb --config MISSING | --config: no such file: MISSING
            lb --listen 127.0.0.1:4433 --backend 127.0.0.1:1 --insecure-control --hystart maybe | Invalid value for option '--hystart': 'maybe' is not a boolean
            lb --listen 127.0.0.1:4433 --backend 127.0.0.1:1 --insecure-control --retry sometimes | --retry: expected always, never or a number of handshakes in progress (0 or more), got 'sometimes'
            lb --listen 127.0.0.1:4433 --backend 127.0.0.1:1 --insecure-control --retry -1 | --retry: expected always, never or a number
            lb --listen 127.0.0.1:4433 --backend 127.0.0.1:1 --insecure-control --max-connections 0 | max-connections (--max-connections): must be 1 or more, was 0
            rs --vip 127.0.0.1:4433 --control 127.0.0.1:0 --insecure-control --synthetic --hystart maybe | Invalid value for option '--hystart': 'maybe' is not a boolean
            rs --vip nohost.invalid:4433 --control 127.0.0.1:0 --insecure-control --synthetic | --vip: unknown host 'nohost.invalid' in 'nohost.invalid:4433'
            rs --vip 127.0.0.1:65536 --control 127.0.0.1:0 --insecure-control --synthetic | --vip: port 65536 out of range
            rs --vip 127.0.0.1:4433 --control nohost.invalid:0 --insecure-control --synthetic | --control: unknown host 'nohost.invalid'
            rs --vip 127.0.0.1:4433 --control 127.0.0.1:-1 --insecure-control --synthetic | --control: port -1 out of range
            rs --vip 127.0.0.1:4433 --control 127.0.0.1:0 --insecure-control --root MISSING | --root: no such directory: MISSING
            rs --vip 127.0.0.1:4433 --control 127.0.0.1:0 --control-tls MISSING --synthetic | --control-tls: no such directory: MISSING
            rs --vip 127.0.0.1:4433 --insecure-control --synthetic | control.listen (--control): required
            """)
    void badFlagValuesAreUsageErrorsNamingFlagAndValue(String command, String expected) {
        String missing = dir.resolve("missing").toString();
        Run r = run(command.replace("MISSING", missing).split(" "));
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith(expected.replace("MISSING", missing)).doesNotContain("command line over");
    }

    /** The same checks on a file's values name the file and the key. */
    @Test
    void badFileValuesNameFileAndKey() throws Exception {
        Path lb = dir.resolve("lb.yaml");
        Files.writeString(lb, "listen: \"127.0.0.1:4433\"\ncontrol: {tls: " + dir.resolve("nope") + "}\n"
                + "backends:\n  - {name: a, address: \"nohost.invalid:7001\"}\n");
        Run r = run("lb", "--config", lb.toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith(lb + ": backends[0].address: unknown host 'nohost.invalid' in 'nohost.invalid:7001'");
        // a flag that replaces the bad value passes that check and names the next problem by its key
        Run over = run("lb", "--config", lb.toString(), "--backend", "127.0.0.1:7001");
        assertThat(over.err()).startsWith(lb + ": control.tls: no such directory: " + dir.resolve("nope"));
        Path rs = dir.resolve("rs.yaml");
        Files.writeString(rs, "vip: \"127.0.0.1:4433\"\ncontrol: {listen: \"127.0.0.1:0\", insecure: true}\n"
                + "content: {root: " + dir.resolve("www") + "}\n");
        Run bad = run("rs", "--config", rs.toString());
        assertThat(bad.code()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).startsWith(rs + ": content.root: no such directory: " + dir.resolve("www"));
        assertThat(run("rs", "--config", rs.toString(), "--vip", "nohost.invalid:1").err())
                .startsWith("--vip: unknown host 'nohost.invalid'");
    }

    @Test
    void rsFileWithBothControlModesExitsTwo() throws Exception {
        Path f = dir.resolve("rs.yaml");
        Files.writeString(f, "vip: \"127.0.0.1:4433\"\ncontrol: {listen: \"127.0.0.1:0\", tls: /x, insecure: true}\n"
                + "content: {synthetic: true}\n");
        Run r = run("rs", "--config", f.toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains(f + ": control: exactly one of");
    }
}
