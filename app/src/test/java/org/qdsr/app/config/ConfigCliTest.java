package org.qdsr.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void missingSettingsNameTheFlagAndField() {
        Run r = run("lb", "--listen", "127.0.0.1:4433", "--insecure-control");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("backends: at least one backend is required");
        Run bad = run("lb", "--listen", "127.0.0.1:4433", "--backend", "x", "--insecure-control");
        assertThat(bad.code()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).contains("--backend x: expected HOST:PORT");
        Run rs = run("rs", "--vip", "127.0.0.1:4433", "--control", "127.0.0.1:0", "--insecure-control");
        assertThat(rs.code()).isEqualTo(Main.USAGE);
        assertThat(rs.err()).contains("content: required");
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
