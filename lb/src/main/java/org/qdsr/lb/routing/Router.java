package org.qdsr.lb.routing;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.http3.Request;
import org.qdsr.http3.RequestPaths;
import org.qdsr.lb.Backend;

/**
 * Routes a request: the first matching rule names the candidate backends (no rule: all of
 * them), the unhealthy ones are dropped, and the policy picks one; null when none is healthy.
 */
public final class Router {
    private final List<Rule> rules;
    private final Policy defaultPolicy;

    public Router(List<Rule> rules, Policy defaultPolicy) {
        this.rules = List.copyOf(rules);
        this.defaultPolicy = defaultPolicy;
    }

    public Backend route(Request request, List<Backend> backends) {
        String host = Rule.hostOf(request.authority());
        String path = RequestPaths.canonical(request.path() == null ? "/" : request.path());
        for (Rule rule : rules) {
            if (rule.matches(host, path)) {
                return pick(request, backends, rule.backends(), rule.policy() != null ? rule.policy() : defaultPolicy);
            }
        }
        return pick(request, backends, null, defaultPolicy);
    }

    private static Backend pick(Request request, List<Backend> backends, List<String> names, Policy policy) {
        List<Backend> candidates = new ArrayList<>();
        for (Backend b : backends) {
            if (b.routable() && (names == null || names.contains(b.name()))) {
                candidates.add(b);
            }
        }
        return candidates.isEmpty() ? null : policy.choose(candidates, request);
    }
}
