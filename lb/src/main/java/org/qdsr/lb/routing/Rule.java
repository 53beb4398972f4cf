package org.qdsr.lb.routing;

import java.util.List;
import java.util.Locale;
import org.qdsr.http3.Request;

/**
 * A routing rule: requests whose host matches ({@code null} = any) and whose path starts with
 * {@code pathPrefix} go to the named backends, chosen by the rule's policy.
 */
public record Rule(String host, String pathPrefix, List<String> backends, Policy policy) {
    public boolean matches(Request r) {
        String authority = r.authority() == null ? "" : r.authority().toLowerCase(Locale.ROOT);
        String h = authority.contains(":") && !authority.startsWith("[")
                ? authority.substring(0, authority.indexOf(':')) : authority;
        boolean hostOk = host == null || host.equalsIgnoreCase(h);
        String path = r.path() == null ? "/" : r.path();
        return hostOk && (pathPrefix == null || path.startsWith(pathPrefix));
    }
}
