package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.quic.connection.ResumptionState;

/** {@code qdsr get --session-file}: round trip, owner-only, a ticket used once, bad lines ignored. */
class SessionFileTest {
    @TempDir
    Path dir;

    @Test
    void keepsOneTicketPerServerReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("sessions");
        SessionFile f = SessionFile.load(file);
        assertThat(f.take("a:1")).as("no file yet").isNull();
        f.put("a:1", new ResumptionState("a", "h3", new byte[] {1, 2, 3}, new byte[] {4}));
        f.put("b:2", new ResumptionState("b", "h3", new byte[] {9}, new byte[0]));
        f.save();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        Files.writeString(file, Files.readString(file) + "garbage line\nc:3\t!!\t!!\t!!\t!!\n");
        SessionFile again = SessionFile.load(file);
        ResumptionState a = again.take("a:1");
        assertThat(a.serverName()).isEqualTo("a");
        assertThat(a.alpn()).isEqualTo("h3");
        assertThat(a.ticket()).containsExactly(1, 2, 3);
        assertThat(a.transportParameters()).containsExactly(4);
        assertThat(again.take("a:1")).as("a ticket is offered once").isNull();
        assertThat(again.take("c:3")).as("a line that does not parse").isNull();
        assertThat(again.awaitTicket("b:2", System.nanoTime())).isTrue();
        assertThat(again.awaitTicket("a:1", System.nanoTime() + 10_000_000L)).as("none came").isFalse();
    }
}
