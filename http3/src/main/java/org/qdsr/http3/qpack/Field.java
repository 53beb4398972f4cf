package org.qdsr.http3.qpack;

import java.nio.charset.StandardCharsets;

/**
 * One field line (name, value). Both strings are ISO-8859-1 views of the wire octets: each char is
 * exactly one octet (0x00-0xff), so arbitrary octets round-trip losslessly. To carry UTF-8 text use
 * {@link #utf8(String, String)} and {@link #valueUtf8()}. Names on the wire are lowercase
 * (RFC 9114 §4.2); the decoder does not fold case, the message validators reject uppercase.
 */
public record Field(String name, String value) {
    public Field {
        if (name == null || value == null) {
            throw new NullPointerException("field name and value must not be null");
        }
    }

    /** A field whose value is UTF-8 text, stored as its octets. */
    public static Field utf8(String name, String value) {
        return new Field(name, new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

    /** The value octets. */
    public byte[] valueBytes() {
        return value.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The value octets decoded as UTF-8. */
    public String valueUtf8() {
        return new String(valueBytes(), StandardCharsets.UTF_8);
    }

    /** Field size as counted for SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §4.2.2): octets + 32. */
    public long size() {
        return (long) name.length() + value.length() + 32;
    }
}
