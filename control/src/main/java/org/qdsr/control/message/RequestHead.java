package org.qdsr.control.message;

import java.util.Arrays;
import java.util.List;

/**
 * The decoded HTTP/3 request the LB hands off: pseudo-headers (RFC 9114 §4.3.1), the other
 * header fields in order, and the request body bytes received so far (usually all of it).
 */
public record RequestHead(String method, String scheme, String authority, String path, List<Header> headers,
                          byte[] body) {
    public RequestHead {
        Checks.string(method, "method");
        Checks.string(scheme, "scheme");
        Checks.string(authority, "authority");
        Checks.string(path, "path");
        headers = List.copyOf(headers);
        body = Checks.copy(body, "body");
    }

    /** A GET without body. */
    public static RequestHead get(String scheme, String authority, String path, List<Header> headers) {
        return new RequestHead("GET", scheme, authority, path, headers, new byte[0]);
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    int bodyLength() {
        return body.length;
    }

    byte[] bodyUnsafe() {
        return body;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestHead r && method.equals(r.method) && scheme.equals(r.scheme)
                && authority.equals(r.authority) && path.equals(r.path) && headers.equals(r.headers)
                && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return ((method.hashCode() * 31 + authority.hashCode()) * 31 + path.hashCode()) * 31 + body.length;
    }

    /** Header values and the body are left out (they may carry credentials or cookies). */
    @Override
    public String toString() {
        return "RequestHead[" + method + " " + scheme + "://" + authority + path + ", headers=" + headers.size()
                + ", body=" + body.length + " bytes]";
    }
}
