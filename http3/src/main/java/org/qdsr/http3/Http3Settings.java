package org.qdsr.http3;

import java.util.LinkedHashMap;
import java.util.Map;

/** SETTINGS identifiers (RFC 9114 §7.2.4.1, RFC 9204 §5) and our local defaults. */
public final class Http3Settings {
    public static final long QPACK_MAX_TABLE_CAPACITY = 0x01;
    public static final long MAX_FIELD_SECTION_SIZE = 0x06;
    public static final long QPACK_BLOCKED_STREAMS = 0x07;
    public static final long ENABLE_CONNECT_PROTOCOL = 0x08;

    private Http3Settings() {
    }

    /** True for identifiers reserved from HTTP/2 (0x02-0x05), whose receipt is H3_SETTINGS_ERROR. */
    public static boolean isHttp2Reserved(long id) {
        return id >= 0x02 && id <= 0x05;
    }

    /** What we send: no dynamic QPACK table, no blocked streams, the given field section bound. */
    public static Map<Long, Long> local(long maxFieldSectionSize) {
        Map<Long, Long> m = new LinkedHashMap<>();
        m.put(QPACK_MAX_TABLE_CAPACITY, 0L);
        m.put(QPACK_BLOCKED_STREAMS, 0L);
        m.put(MAX_FIELD_SECTION_SIZE, maxFieldSectionSize);
        return m;
    }
}
