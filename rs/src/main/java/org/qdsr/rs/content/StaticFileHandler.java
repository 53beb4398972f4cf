package org.qdsr.rs.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.http3.Request;
import org.qdsr.http3.RequestPaths;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.session.BodySource;
import org.qdsr.http3.session.Http3Response;
import org.qdsr.http3.session.RequestHandler;

/**
 * Serves the files under one directory: GET and HEAD (405 with {@code allow} otherwise), 404 for
 * anything missing or outside the root, {@code index.html} for directories, content-type by
 * extension, bodies streamed from disk. The request path is percent-decoded once and resolved
 * segment by segment; a {@code ..} that would leave the root, and a symbolic link whose target
 * lies outside the root, are both answered 404.
 */
public final class StaticFileHandler implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(StaticFileHandler.class.getName());
    private static final String INDEX = "index.html";

    private final Path root;

    /** {@code root} must be an existing directory; its real path is taken once, here. */
    public StaticFileHandler(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve " + root, e);
        }
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException("not a directory: " + root);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public Http3Response handle(Request request, byte[] body) {
        boolean head = "HEAD".equals(request.method());
        if (!head && !"GET".equals(request.method())) {
            return text(405, "method not allowed\n", List.of(new Field("allow", "GET, HEAD")));
        }
        Path file = resolve(request.path());
        if (file == null) {
            return text(404, "not found\n", List.of());
        }
        try {
            List<Field> headers = new ArrayList<>();
            headers.add(new Field("content-type", ContentTypes.forFileName(file.getFileName().toString())));
            // for HEAD the session sends content-length from the source's length and closes it unread
            return new Http3Response(200, headers, FileBodySource.open(file));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot open " + file, e);
            return text(404, "not found\n", List.of());
        }
    }

    /**
     * The regular file a request path names, or null when it does not exist, is not readable,
     * or would lie outside the root (by {@code ..} or through a symbolic link).
     */
    public Path resolve(String requestPath) {
        List<String> segments = RequestPaths.segments(requestPath);
        if (segments == null) {
            return null;
        }
        Path p = root;
        for (String s : segments) {
            p = p.resolve(s);
        }
        try {
            if (!Files.exists(p)) {
                return null;
            }
            Path real = p.toRealPath();
            if (!real.startsWith(root)) {
                return null;
            }
            if (Files.isDirectory(real)) {
                real = real.resolve(INDEX);
                if (!Files.exists(real)) {
                    return null;
                }
                real = real.toRealPath();
                if (!real.startsWith(root)) {
                    return null;
                }
            }
            return Files.isRegularFile(real) && Files.isReadable(real) ? real : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static Http3Response text(int status, String message, List<Field> extra) {
        List<Field> headers = new ArrayList<>();
        headers.add(new Field("content-type", "text/plain; charset=utf-8"));
        headers.addAll(extra);
        return new Http3Response(status, headers, BodySource.ofBytes(message.getBytes(StandardCharsets.UTF_8)));
    }
}
