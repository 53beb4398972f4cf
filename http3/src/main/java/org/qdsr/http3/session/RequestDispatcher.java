package org.qdsr.http3.session;

/**
 * Decides what happens to each complete request: answer it at once, later (asynchronously,
 * still on the connection's thread), or hand its response side to another sender. Called on the
 * connection's thread; must not block.
 */
@FunctionalInterface
public interface RequestDispatcher {
    void dispatch(RequestContext context);

    /** The synchronous case: a {@link RequestHandler} answers every request at once. */
    static RequestDispatcher of(RequestHandler handler) {
        return ctx -> ctx.respond(handler.handle(ctx.request(), ctx.body()));
    }
}
