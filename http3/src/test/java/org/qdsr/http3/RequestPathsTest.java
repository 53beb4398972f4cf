package org.qdsr.http3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Canonical request paths (RFC 3986 §6.2.2 normalization plus merged slashes), table-driven. */
class RequestPathsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
        "/, /",
        "/index.html, /index.html",
        "/o/x, /o/x",
        "/%6F/x, /o/x",
        "/%6f/%78, /o/x",
        "//o//x, /o/x",
        "/./o/./x, /o/x",
        "/a/../o/x, /o/x",
        "/o/, /o/",
        "/o/., /o/",
        "/o/x/.., /o/",
        "/o?x=1, /o",
        "/o/#frag, /o/",
        "/a%20b, /a%20b",
        "/a b, /a%20b",
        "/%C3%A9t%C3%A9, /%C3%A9t%C3%A9",
        "/%c3%a9, /%C3%A9",
        "/~user/a-b_c.d, /~user/a-b_c.d",
        "'/a,b;c=d', '/a,b;c=d'",
        "/.., NULL",
        "/a/../.., NULL",
        "/o%2Fx, NULL",
        "/o%5Cx, NULL",
        "/o%00x, NULL",
        "/%zz, NULL",
        "/%C3, NULL",
        "relative, NULL",
        "*, NULL",
    })
    void canonicalForm(String path, String expected) {
        assertThat(RequestPaths.canonical(path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
        "/%6F/x?a=%2F&b, /o/x?a=%2F&b",
        "//o/x?, /o/x?",
        "/o/./x?q#f, /o/x?q",
        "/o/x#f?not-a-query, /o/x",
        "/o%2Fx?q, NULL",
    })
    void canonicalTargetKeepsTheQuery(String path, String expected) {
        assertThat(RequestPaths.canonicalTarget(path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/%6F/x", "//o/x", "/./o/x", "/sub/../o/x", "/o//x"})
    void everySpellingResolvesToTheSameSegmentsAsItsCanonicalForm(String path) {
        assertThat(RequestPaths.segments(path)).containsExactly("o", "x");
        assertThat(RequestPaths.segments(RequestPaths.canonical(path))).containsExactly("o", "x");
    }
}
