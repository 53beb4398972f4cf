package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.control.message.Header;
import org.qdsr.http3.qpack.Field;

class ForwardedHeadersTest {
    @Test
    void whatTheClientClaimsIsReplacedByWhatTheLbSaw() {
        List<Header> h = ForwardedHeaders.of(List.of(new Field("accept", "*/*"), new Field("X-Forwarded-For", "6.6.6.6"),
                new Field("forwarded", "for=6.6.6.6"), new Field("x-forwarded-host", "evil")),
                new InetSocketAddress("198.18.0.2", 50000), "https", "example.test");
        assertThat(h).containsExactly(new Header("accept", "*/*"),
                new Header("forwarded", "for=\"198.18.0.2:50000\";proto=https;host=\"example.test\""),
                new Header("x-forwarded-for", "198.18.0.2"), new Header("x-forwarded-proto", "https"));
    }

    @Test
    void ipv6NodesAreBracketedAndQuoted() {
        List<Header> h = ForwardedHeaders.of(List.of(), new InetSocketAddress("2001:db8::1", 4711), "https", null);
        assertThat(h).contains(new Header("forwarded", "for=\"[2001:db8:0:0:0:0:0:1]:4711\";proto=https"),
                new Header("x-forwarded-for", "2001:db8:0:0:0:0:0:1"));
    }

    @Test
    void aRequestFromZeroRttIsMarkedEarlyOnce() {
        List<Header> h = ForwardedHeaders.markEarly(List.of(new Header("accept", "*/*")));
        assertThat(h).containsExactly(new Header("accept", "*/*"), new Header("early-data", "1"));
        List<Header> already = List.of(new Header("Early-Data", "1"));
        assertThat(ForwardedHeaders.markEarly(already)).as("marked on an earlier hop").isSameAs(already);
    }
}
