package org.qdsr.http3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's origin-form {@code :path} (RFC 9110 §4.2, RFC 3986 §3.3) decoded and normalized:
 * segments for a file server, and the canonical path a load balancer routes on, so that another
 * spelling of the same path ({@code /%6F/x}, {@code //o/x}, {@code /./o/x}, {@code /a/../o/x})
 * cannot reach a backend that a prefix rule keeps it away from while the file server still maps
 * it to the same file.
 */
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

    /**
     * The path {@link #segments} resolves to, as {@code /seg/seg}, percent-encoding only what is
     * not an RFC 3986 unreserved character or a sub-delim (so {@code /%6F} becomes {@code /o}),
     * with a trailing {@code /} kept when the path (without its query) ends in one, and without
     * query or fragment; null when {@link #segments} rejects the path.
     */
    public static String canonical(String path) {
        List<String> segments = segments(path);
        if (segments == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(path.length());
        for (String s : segments) {
            b.append('/');
            encodeSegment(s, b);
        }
        int cut = indexOfAny(path, '?', '#');
        String raw = cut < 0 ? path : path.substring(0, cut);
        if (b.length() == 0 || raw.endsWith("/") || raw.endsWith("/.") || raw.endsWith("/..")) {
            b.append('/');
        }
        return b.toString();
    }

    /**
     * {@link #canonical} followed by the path's query ({@code ?...} as sent; a fragment is
     * dropped): the request target a load balancer forwards after routing on the canonical path.
     */
    public static String canonicalTarget(String path) {
        String canonical = canonical(path);
        if (canonical == null) {
            return null;
        }
        int q = indexOfAny(path, '?', '#');
        if (q < 0 || path.charAt(q) == '#') {
            return canonical;
        }
        int hash = path.indexOf('#', q);
        return canonical + (hash < 0 ? path.substring(q) : path.substring(q, hash));
    }

    private static void encodeSegment(String s, StringBuilder out) {
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
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
