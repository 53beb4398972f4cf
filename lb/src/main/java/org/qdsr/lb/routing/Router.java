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
        Rule rule = ruleFor(request);
        List<Backend> candidates = candidates(backends, rule);
        Policy policy = rule != null && rule.policy() != null ? rule.policy() : defaultPolicy;
        return candidates.isEmpty() ? null : policy.choose(candidates, request);
    }

    /** Whether {@link #route} would find a backend among {@code backends}; no policy state changes. */
    public boolean canRoute(Request request, List<Backend> backends) {
        return !candidates(backends, ruleFor(request)).isEmpty();
    }

    /** The first rule matching the request's host and path, or null (every backend is a candidate). */
    private Rule ruleFor(Request request) {
        String host = Rule.hostOf(request.authority());
        String path = RequestPaths.canonical(request.path() == null ? "/" : request.path());
        for (Rule rule : rules) {
            if (rule.matches(host, path)) {
                return rule;
            }
        }
        return null;
    }

    private static List<Backend> candidates(List<Backend> backends, Rule rule) {
        List<String> names = rule == null ? null : rule.backends();
        List<Backend> candidates = new ArrayList<>();
        for (Backend b : backends) {
            if (b.routable() && (names == null || names.contains(b.name()))) {
                candidates.add(b);
            }
        }
        return candidates;
    }
}
