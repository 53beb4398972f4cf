package org.qdsr.rs.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.qdsr.http3.session.BodySource;

/**
 * A file streamed as a response body: the session pulls chunks into its own buffer whenever the
 * stream has room, so memory stays bounded whatever the file size. The length is fixed at open.
 */
public final class FileBodySource implements BodySource {
    private final FileChannel channel;
    private final long length;
    private long position;

    private FileBodySource(FileChannel channel, long length) {
        this.channel = channel;
        this.length = length;
    }

    public static FileBodySource open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new FileBodySource(ch, ch.size());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        long remaining = length - position;
        if (remaining <= 0) {
            return -1;
        }
        ByteBuffer dst = ByteBuffer.wrap(buf, off, (int) Math.min(len, remaining));
        int n = channel.read(dst, position);
        if (n < 0) {
            throw new IOException("file shrank while being served (" + position + " of " + length + " bytes)");
        }
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
