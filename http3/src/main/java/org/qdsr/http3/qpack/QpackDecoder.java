package org.qdsr.http3.qpack;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.http3.Http3Error;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.TruncatedInputException;

/**
 * Decodes field sections for a connection on which we advertised
 * SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0 (RFC 9204 §3.2.3): only static references and literals
 * are valid. Any dynamic-table reference (non-zero Required Insert Count, T=0 index, post-base
 * forms) is QPACK_DECOMPRESSION_FAILED. Stateless apart from its limit; thread-safe.
 */
public final class QpackDecoder {
    /** Default bound on the decoded section size (RFC 9114 §4.2.2 accounting). */
    public static final long DEFAULT_MAX_FIELD_SECTION_SIZE = 64 * 1024;

    private final long maxFieldSectionSize;

    public QpackDecoder() {
        this(DEFAULT_MAX_FIELD_SECTION_SIZE);
    }

    /** @param maxFieldSectionSize the bound we advertise as SETTINGS_MAX_FIELD_SECTION_SIZE */
    public QpackDecoder(long maxFieldSectionSize) {
        this.maxFieldSectionSize = maxFieldSectionSize;
    }

    public long maxFieldSectionSize() {
        return maxFieldSectionSize;
    }

    /**
     * Decodes one encoded field section. A section whose size (octets + 32 per field) exceeds the
     * limit fails with a stream-level H3_EXCESSIVE_LOAD (the server may answer 431 instead).
     */
    public List<Field> decode(byte[] block, int off, int len) throws QpackException {
        ByteReader r = new ByteReader(block, off, len);
        try {
            long requiredInsertCount = QpackPrimitives.readInt(r.readUint8(), 8, r);
            if (requiredInsertCount != 0) {
                throw QpackException.decompression("Required Insert Count " + requiredInsertCount
                        + " but our dynamic table capacity is 0");
            }
            QpackPrimitives.readInt(r.readUint8(), 7, r); // Delta Base: meaningless without a table
            List<Field> fields = new ArrayList<>();
            long size = 0;
            while (r.hasRemaining()) {
                Field f = readLine(r);
                size += f.size();
                if (size > maxFieldSectionSize) {
                    throw new QpackException(Http3Error.H3_EXCESSIVE_LOAD,
                            "field section larger than " + maxFieldSectionSize, true);
                }
                fields.add(f);
            }
            return fields;
        } catch (TruncatedInputException e) {
            throw QpackException.decompression("truncated field section");
        }
    }

    private static Field readLine(ByteReader r) throws QpackException {
        int first = r.readUint8();
        if ((first & 0x80) != 0) { // 1T: Indexed Field Line
            requireStatic(first & 0x40);
            return staticEntry(QpackPrimitives.readInt(first, 6, r));
        }
        if ((first & 0x40) != 0) { // 01NT: Literal Field Line with Name Reference
            requireStatic(first & 0x10);
            Field name = staticEntry(QpackPrimitives.readInt(first, 4, r));
            return new Field(name.name(), QpackPrimitives.readString(r.readUint8(), 7, r));
        }
        if ((first & 0x20) != 0) { // 001NH: Literal Field Line with Literal Name
            String name = QpackPrimitives.readString(first, 3, r);
            return new Field(name, QpackPrimitives.readString(r.readUint8(), 7, r));
        }
        throw QpackException.decompression("post-base reference without a dynamic table");
    }

    private static void requireStatic(int tBit) throws QpackException {
        if (tBit == 0) {
            throw QpackException.decompression("dynamic table reference with capacity 0");
        }
    }

    private static Field staticEntry(long index) throws QpackException {
        if (index >= StaticTable.SIZE) {
            throw QpackException.decompression("static index " + index + " out of range");
        }
        return StaticTable.get((int) index);
    }
}
