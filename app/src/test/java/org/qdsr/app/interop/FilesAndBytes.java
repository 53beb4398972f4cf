package org.qdsr.app.interop;

import org.qdsr.http3.Request;
import org.qdsr.rs.content.Content;
import org.qdsr.rs.content.ContentSource;
import org.qdsr.rs.content.SyntheticSource;

/** A real server's content: {@code /bytes/N} from {@link SyntheticSource}, everything else from {@code files}. */
final class FilesAndBytes implements ContentSource {
    private final ContentSource files;
    private final SyntheticSource bytes = new SyntheticSource();

    FilesAndBytes(ContentSource files) {
        this.files = files;
    }

    @Override
    public Content open(Request request, long now, Runnable wakeup) {
        String path = request.path();
        return path != null && path.startsWith("/bytes/") ? bytes.open(request, now, wakeup)
                : files.open(request, now, wakeup);
    }

    @Override
    public void close() {
        files.close();
        bytes.close();
    }
}
