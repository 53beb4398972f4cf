package org.qdsr.control.message;

/** One HTTP field line (lower-case name for HTTP/3, RFC 9114 §4.2), pseudo-headers excluded. */
public record Header(String name, String value) {
    public Header {
        Checks.string(name, "name");
        Checks.string(value, "value");
    }
}
