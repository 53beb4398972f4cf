package org.qdsr.lb.routing;

import java.util.List;
import java.util.Locale;
import org.qdsr.http3.Request;
import org.qdsr.http3.RequestPaths;

/**
 * A routing rule: requests whose host matches ({@code null} = any) and whose path starts with
 * {@code pathPrefix} ({@code null} = any) go to the named backends, chosen by the rule's policy.
 *
 * <p>Paths are compared in their canonical form ({@link RequestPaths#canonical}), the prefix too:
 * {@code /%6F/x}, {@code //o/x} and {@code /a/../o/x} all match a rule for {@code /o/}, as the
 * real servers map them to the same file. Hosts are compared without port, without the brackets
 * of an IPv6 literal and without a trailing dot, ignoring case.
 */
public record Rule(String host, String pathPrefix, List<String> backends, Policy policy) {
    public Rule {
        if (pathPrefix != null) {
            String canonical = RequestPaths.canonical(pathPrefix);
            if (canonical == null) {
                throw new IllegalArgumentException("path prefix must be an absolute path (/...): " + pathPrefix);
            }
            pathPrefix = canonical; // keeps a trailing slash: /img/ does not match /images, /img does
        }
        host = host == null ? null : hostOf(host);
        backends = List.copyOf(backends);
    }

    /** Whether a request for {@code host} ({@link #hostOf}) and canonical {@code path} matches. */
    public boolean matches(String requestHost, String canonicalPath) {
        return (host == null || host.equals(requestHost))
                && (pathPrefix == null || canonicalPath != null && canonicalPath.startsWith(pathPrefix));
    }

    public boolean matches(Request r) {
        return matches(hostOf(r.authority()), RequestPaths.canonical(r.path() == null ? "/" : r.path()));
    }

    /** The host of an authority: lower case, without port, IPv6 brackets or a trailing dot. */
    public static String hostOf(String authority) {
        String a = authority == null ? "" : authority.toLowerCase(Locale.ROOT);
        String h;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            h = end < 0 ? a.substring(1) : a.substring(1, end);
        } else {
            int colon = a.indexOf(':');
            h = colon < 0 || a.indexOf(':', colon + 1) >= 0 ? a : a.substring(0, colon); // a bare IPv6 literal: no port
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
