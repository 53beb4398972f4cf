package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.http3.Request;
import org.qdsr.http3.qpack.Field;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.lb.routing.Rule;

/** Table-driven routing: rules on host and canonical path prefix, health, and the policies. */
class RoutingTest {
    private final List<Backend> backends = List.of(new Backend(0, "web", 1), new Backend(1, "images", 1),
            new Backend(2, "api", 3));
    private final Router router = new Router(List.of(
            new Rule(null, "/img/", List.of("images"), null),
            new Rule("api.example", null, List.of("api"), null)), Policy.roundRobin());

    RoutingTest() {
        backends.forEach(b -> b.up(m -> true));
    }

    private static Request get(String authority, String path, Field... headers) {
        return new Request("GET", "https", authority, path, List.of(headers));
    }

    /** Every spelling of a path under /img/ that a real server maps to a file under img/ goes to "images". */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "www.example, /img/a.png, images",
        "www.example, /%69mg/a.png, images",
        "www.example, /%69%6D%67/a.png, images",
        "www.example, //img/a.png, images",
        "www.example, /./img/a.png, images",
        "www.example, /x/../img/a.png, images",
        "www.example, /img//a.png?x=1, images",
        "www.example, /img, web",
        "www.example, /images/a.png, web",
        "API.Example:443, /v1, api",
        "api.example., /v1, api",
        "[::1]:4433, /img/a.png, images",
        "api.example, /img/a.png, images",
    })
    void routesOnHostAndCanonicalPath(String authority, String path, String expected) {
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            chosen.add(router.route(get(authority, path), backends).name());
        }
        if (expected.equals("web")) { // no rule: round robin over every backend
            assertThat(chosen).containsExactlyInAnyOrder("web", "images", "api");
        } else {
            assertThat(chosen).containsOnly(expected);
        }
    }

    @Test
    void ipv6HostRulesMatchWithOrWithoutBrackets() {
        Router v6 = new Router(List.of(new Rule("[::1]", null, List.of("api"), null)), Policy.roundRobin());
        assertThat(v6.route(get("[::1]:4433", "/"), backends).name()).isEqualTo("api");
        assertThat(new Rule("::1", null, List.of("api"), null).matches(get("[::1]", "/"))).isTrue();
    }

    @Test
    void unhealthyBackendsAreSkippedAndNoneLeftIsNull() {
        backends.get(1).down();
        assertThat(router.route(get("www.example", "/img/a.png"), backends)).isNull();
        assertThat(router.route(get("www.example", "/"), backends).name()).isNotEqualTo("images");
    }

    @Test
    void aPathPrefixMustBeAnAbsolutePath() {
        assertThatThrownBy(() -> new Rule(null, "img/", List.of("images"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("img/");
        assertThat(new Rule(null, "/%69mg/./", List.of("images"), null).pathPrefix()).isEqualTo("/img/");
    }

    @Test
    void weightedFollowsTheWeights() {
        Map<String, Integer> n = new HashMap<>();
        Policy weighted = Policy.weighted();
        for (int i = 0; i < 500; i++) {
            n.merge(weighted.choose(backends, get("x", "/")).name(), 1, Integer::sum);
        }
        assertThat(n.get("api")).isEqualTo(300); // weight 3 of 5
        assertThat(n.get("web")).isEqualTo(100);
        assertThat(n.get("images")).isEqualTo(100);
    }

    @Test
    void consistentHashKeepsAKeyOnOneBackendAndSpreadsKeys() {
        Policy hash = Policy.consistentHash("x-user");
        Map<String, String> first = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < 60; u++) {
                String user = "user-" + u;
                String b = hash.choose(backends, get("x", "/", new Field("x-user", user))).name();
                assertThat(first.putIfAbsent(user, b) == null || first.get(user).equals(b)).as(user).isTrue();
            }
        }
        assertThat(first.values()).contains("web", "images", "api");
    }
}
