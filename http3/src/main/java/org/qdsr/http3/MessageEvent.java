package org.qdsr.http3;

import java.util.List;
import org.qdsr.http3.qpack.Field;

/** What {@link RequestStreamParser} and {@link ResponseStreamParser} yield, in stream order. */
public sealed interface MessageEvent {
    /** The request head (server side); exactly once, first. */
    record RequestHead(Request request) implements MessageEvent {
    }

    /** A response head (client side): zero or more interim (1xx) heads, then one final head. */
    record ResponseHead(Response response) implements MessageEvent {
    }

    /** Body bytes: a slice of the array last fed, valid until the caller reuses that array. */
    record Body(byte[] buf, int off, int len) implements MessageEvent {
    }

    /** The trailer section (§4.1), if any; after the body. */
    record Trailers(List<Field> fields) implements MessageEvent {
        public Trailers {
            fields = List.copyOf(fields);
        }
    }

    /** The message is complete and valid (the stream's FIN was seen); nothing follows. */
    record End() implements MessageEvent {
    }
}
