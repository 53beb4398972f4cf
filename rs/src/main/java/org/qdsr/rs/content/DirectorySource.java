package org.qdsr.rs.content;

import java.nio.file.Path;
import org.qdsr.http3.Request;
import org.qdsr.http3.session.Http3Response;

/**
 * The files under one directory, with the rules of {@link StaticFileHandler} (GET/HEAD, 405,
 * 404, index.html, content types, traversal- and symlink-safe resolution).
 */
public final class DirectorySource implements ContentSource {
    private static final byte[] NO_BODY = new byte[0];
    private final StaticFileHandler handler;

    public DirectorySource(Path root) {
        this.handler = new StaticFileHandler(root);
    }

    public Path root() {
        return handler.root();
    }

    @Override
    public Content open(Request request, long now, Runnable wakeup) {
        Http3Response r = handler.handle(request, NO_BODY);
        return new FixedContent(new ResponseHead(r.status(), r.headers(), r.body().length()), r.body());
    }
}
