package org.qdsr.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Content for tests that serve a directory. */
public final class TestFiles {
    private TestFiles() {
    }

    /** Writes files of the given sizes (random content from {@code seed}) under {@code root}; returns name → content. */
    public static Map<String, byte[]> write(Path root, Map<String, Integer> sizes, long seed) throws IOException {
        Random random = new Random(seed);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
            byte[] b = new byte[e.getValue()];
            random.nextBytes(b);
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, b);
            files.put(e.getKey(), b);
        }
        return files;
    }
}
