package org.qdsr.rs.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.http3.Request;
import org.qdsr.http3.RequestPaths;
import org.qdsr.http3.session.BodySource;
import org.qdsr.http3.session.Http3Response;

class StaticFileHandlerTest {
    @TempDir
    Path tmp;
    Path root;
    StaticFileHandler handler;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<p>home</p>");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<p>docs</p>");
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(tmp.resolve("secret.txt"), "outside the root");
        for (String name : List.of("a.html", "a.css", "a.js", "a.json", "a.txt", "a.png", "a.jpg", "a.gif", "a.svg",
                "a.wasm", "a.pdf", "a.bin", "a.unknown", "noext", "with space.txt")) {
            Files.writeString(root.resolve(name), name);
        }
        handler = new StaticFileHandler(root);
    }

    private Http3Response get(String path) {
        return handler.handle(new Request("GET", "https", "localhost", path, List.of()), new byte[0]);
    }

    private static String header(Http3Response r, String name) {
        return r.headers().stream().filter(f -> f.name().equals(name)).map(f -> f.value()).findFirst().orElse(null);
    }

    private static String body(Http3Response r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[7];
        try (BodySource s = r.body()) {
            for (int n; (n = s.read(buf, 0, buf.length)) != -1; ) {
                out.write(buf, 0, n);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void contentTypesByExtension() throws IOException {
        assertThat(header(get("/a.html"), "content-type")).startsWith("text/html");
        assertThat(header(get("/a.css"), "content-type")).startsWith("text/css");
        assertThat(header(get("/a.js"), "content-type")).startsWith("text/javascript");
        assertThat(header(get("/a.json"), "content-type")).isEqualTo("application/json");
        assertThat(header(get("/a.txt"), "content-type")).startsWith("text/plain");
        assertThat(header(get("/a.png"), "content-type")).isEqualTo("image/png");
        assertThat(header(get("/a.jpg"), "content-type")).isEqualTo("image/jpeg");
        assertThat(header(get("/a.gif"), "content-type")).isEqualTo("image/gif");
        assertThat(header(get("/a.svg"), "content-type")).isEqualTo("image/svg+xml");
        assertThat(header(get("/a.wasm"), "content-type")).isEqualTo("application/wasm");
        assertThat(header(get("/a.pdf"), "content-type")).isEqualTo("application/pdf");
        assertThat(header(get("/a.bin"), "content-type")).isEqualTo("application/octet-stream");
        assertThat(header(get("/a.unknown"), "content-type")).isEqualTo("application/octet-stream");
        assertThat(header(get("/noext"), "content-type")).isEqualTo("application/octet-stream");
        Http3Response r = get("/a.css");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().length()).isEqualTo(5);
        assertThat(body(r)).isEqualTo("a.css");
    }

    @Test
    void missingFilesAre404() {
        assertThat(get("/nope.html").status()).isEqualTo(404);
        assertThat(get("/docs/nope").status()).isEqualTo(404);
        assertThat(get("/empty/").status()).isEqualTo(404);
        assertThat(get("no-leading-slash").status()).isEqualTo(404);
    }

    @Test
    void directoriesServeTheirIndex() throws IOException {
        assertThat(body(get("/"))).isEqualTo("<p>home</p>");
        assertThat(body(get("/docs/"))).isEqualTo("<p>docs</p>");
        assertThat(body(get("/docs"))).isEqualTo("<p>docs</p>");
        assertThat(header(get("/docs/"), "content-type")).startsWith("text/html");
    }

    @Test
    void queryAndEncodedNamesAreHandled() throws IOException {
        assertThat(body(get("/a.txt?x=1"))).isEqualTo("a.txt");
        assertThat(body(get("/with%20space.txt"))).isEqualTo("with space.txt");
        assertThat(body(get("/docs/../a.txt"))).isEqualTo("a.txt");
    }

    @Test
    void headHasLengthAndTypeOnly() {
        Http3Response r = handler.handle(new Request("HEAD", "https", "localhost", "/a.json", List.of()), new byte[0]);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().length()).isEqualTo(6); // the session sends content-length from it and no body
        assertThat(header(r, "content-type")).isEqualTo("application/json");
    }

    @Test
    void otherMethodsAre405WithAllow() {
        for (String m : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            Http3Response r = handler.handle(new Request(m, "https", "localhost", "/a.txt", List.of()), new byte[0]);
            assertThat(r.status()).isEqualTo(405);
            assertThat(header(r, "allow")).isEqualTo("GET, HEAD");
        }
    }

    @Test
    void traversalCannotLeaveTheRoot() {
        for (String p : List.of("/../secret.txt", "/../../etc/passwd", "/../etc/passwd", "/%2e%2e/secret.txt",
                "/%2E%2E/secret.txt", "/docs/../../secret.txt", "/docs/%2e%2e/%2e%2e/secret.txt",
                "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/..%5csecret.txt", "/a.txt%00", "/%zz", "/%")) {
            assertThat(get(p).status()).as(p).isEqualTo(404);
            assertThat(handler.resolve(p)).as(p).isNull();
        }
    }

    @Test
    void symlinksOutOfTheRootAre404() throws IOException {
        Files.createSymbolicLink(root.resolve("link.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outdir"), tmp);
        Files.createSymbolicLink(root.resolve("inside.txt"), root.resolve("a.txt"));
        assertThat(get("/link.txt").status()).isEqualTo(404);
        assertThat(get("/outdir/secret.txt").status()).isEqualTo(404);
        assertThat(get("/inside.txt").status()).isEqualTo(200);
    }

    @Test
    void requestPathSegments() {
        assertThat(RequestPaths.segments("/a/./b//c/../d")).containsExactly("a", "b", "d");
        assertThat(RequestPaths.segments("/")).isEmpty();
        assertThat(RequestPaths.segments("/..")).isNull();
        assertThat(RequestPaths.segments("/%C3%A9t%C3%A9")).containsExactly("été");
        assertThat(RequestPaths.segments("/%C3")).isNull();
    }
}
