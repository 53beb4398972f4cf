package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.control.message.StreamReport;

/** How the line of a handed-off stream whose connection closed first ends, by its backend's late report. */
class AccessBookTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.1.2", 50000);
    private final List<LbAccessLog.Entry> lines = new ArrayList<>();
    private final AccessBook book = new AccessBook();
    private final Backend rs = new Backend(0, "rs0", 1);

    private AccessBook.Pending closedWhileServing(long streamId) {
        book.setSink(lines::add);
        AccessBook.Pending p = new AccessBook.Pending(7, streamId, CLIENT, "GET", "localhost", "/bytes/5000", 0);
        p.mode = "isolated";
        p.backend = rs;
        book.awaitReport(p, 1_000);
        return p;
    }

    @Test
    void aResponseSentInFullBeforeTheCloseIsSentOtherwiseClosed() {
        closedWhileServing(0);
        closedWhileServing(4);
        closedWhileServing(8);
        book.lateReport(rs, new StreamReport(7, 0, StreamReport.Outcome.FAILED, 0, 5040, 1200, 200, true), 2_000);
        book.lateReport(rs, new StreamReport(7, 4, StreamReport.Outcome.FAILED, 0, 3000, 1200, 200, false), 2_000);
        book.lateReport(rs, new StreamReport(7, 8, StreamReport.Outcome.FINISHED, 0, 5040, 5040, 200), 2_000);

        assertThat(lines).extracting(LbAccessLog.Entry::outcome).containsExactly("sent", "closed", "finished");
        assertThat(lines.get(0).bytes()).as("what the backend sent").isEqualTo(5040);
        assertThat(lines.get(0).status()).isEqualTo(200);
        assertThat(book.waiting()).isZero();
    }
}
