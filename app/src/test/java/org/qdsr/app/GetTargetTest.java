package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GetTargetTest {
    /** A URL typed with UTF-8 characters used to put raw non-ASCII bytes into :path. */
    @Test
    void nonAsciiCharactersArePercentEncodedAsUtf8() {
        GetTarget t = GetTarget.parse("https://localhost:4433/sub/héllo wörld€.txt?q=ü".replace(" ", "%20"));
        assertThat(t.path()).isEqualTo("/sub/h%C3%A9llo%20w%C3%B6rld%E2%82%AC.txt?q=%C3%BC");
        assertThat(t.fileName()).isEqualTo("héllo wörld€.txt");
        assertThat(t.authority()).isEqualTo("localhost:4433");
    }

    @Test
    void asciiUrlsAreSentAsGiven() {
        GetTarget t = GetTarget.parse("https://[::1]:4460/a%20b/c?x=1#frag");
        assertThat(t.path()).isEqualTo("/a%20b/c?x=1");
        assertThat(t.host()).isEqualTo("::1");
        assertThat(t.port()).isEqualTo(4460);
    }
}
