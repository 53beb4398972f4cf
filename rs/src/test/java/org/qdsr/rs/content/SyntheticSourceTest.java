package org.qdsr.rs.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.Request;

class SyntheticSourceTest {
    private static Content get(String path) {
        return new SyntheticSource().open(new Request("GET", "https", "localhost", path, List.of()), 0, () -> { });
    }

    @Test
    void sizesUpToTheLimitAreServed() throws Exception {
        assertThat(get("/bytes/0").head(0).contentLength()).isZero();
        assertThat(get("/bytes/" + SyntheticSource.MAX_BYTES).head(0).contentLength())
                .isEqualTo(SyntheticSource.MAX_BYTES);
        assertThat(get("/delay/" + SyntheticSource.MAX_DELAY_MILLIS + "/bytes/1").head(0)).isNull(); // not yet
    }

    /** A too large N or delay used to get the same 404 as a typo, without saying why. */
    @Test
    void outOfRangeValuesGet404NamingTheLimits() throws Exception {
        String tooLarge = "/bytes/" + (SyntheticSource.MAX_BYTES + 1);
        for (String p : List.of(tooLarge, "/delay/60001/bytes/1", "/bytes/abc", "/")) {
            Content c = get(p);
            assertThat(c.head(0).status()).as(p).isEqualTo(404);
            byte[] buf = new byte[200];
            int n = c.read(buf, 0, buf.length, 0);
            assertThat(new String(buf, 0, n, StandardCharsets.UTF_8))
                    .contains("N <= " + SyntheticSource.MAX_BYTES).contains("MS <= 60000");
        }
    }
}
