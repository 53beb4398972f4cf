package org.qdsr.rs.content;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns a request's :path into safe file-system segments. */
public final class RequestPaths {
    private RequestPaths() {
    }

    /**
     * The decoded, normalized segments of {@code path} (query and fragment dropped, {@code .}
     * removed, {@code ..} applied), or null when the path is not origin-form, is badly encoded,
     * contains a NUL, a backslash or a segment that is not a plain name after decoding, or climbs
     * above the root. An empty list names the root itself.
     */
    public static List<String> segments(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        int cut = indexOfAny(path, '?', '#');
        String raw = cut < 0 ? path : path.substring(0, cut);
        List<String> out = new ArrayList<>();
        for (String encoded : raw.split("/", -1)) {
            String s = decodeSegment(encoded);
            if (s == null || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) {
                return null;
            }
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (out.isEmpty()) {
                    return null;
                }
                out.remove(out.size() - 1);
                continue;
            }
            out.add(s);
        }
        return out;
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }

    /** Percent-decodes one segment as UTF-8; null when malformed. */
    public static String decodeSegment(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
                continue;
            }
            if (i + 2 >= s.length()) {
                return null;
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
