package org.qdsr.http3.qpack;

import java.util.List;
import java.util.Locale;
import org.qdsr.quic.wire.ByteWriter;

/**
 * Encodes field sections using only the static table and literals (RFC 9204 §4.5), so it never
 * needs the encoder stream and never blocks the peer. Stateless and thread-safe.
 *
 * <p>Per field: Indexed Field Line when name and value match a static entry; else Literal Field
 * Line with Name Reference when the name does; else Literal Field Line with Literal Name (name
 * lowercased). Strings are Huffman-coded when strictly shorter. N (never-index) is always 0.
 */
public final class QpackEncoder {
    private static final int INDEXED_STATIC = 0xc0;
    private static final int LITERAL_STATIC_NAME_REF = 0x50;
    private static final int LITERAL_LITERAL_NAME = 0x20;

    /** Encodes a complete field section, prefix included (Required Insert Count 0, Base 0). */
    public byte[] encode(List<Field> fields) {
        int n = fields.size();
        int[] exact = new int[n];
        int[] nameRef = new int[n];
        byte[][] names = new byte[n][];
        byte[][] values = new byte[n][];
        int size = 2;
        for (int i = 0; i < n; i++) {
            Field f = fields.get(i);
            String name = f.name().toLowerCase(Locale.ROOT);
            exact[i] = StaticTable.indexOf(new Field(name, f.value()));
            if (exact[i] >= 0) {
                size += QpackPrimitives.intLength(exact[i], 6);
                continue;
            }
            nameRef[i] = StaticTable.indexOfName(name);
            if (nameRef[i] >= 0) {
                size += QpackPrimitives.intLength(nameRef[i], 4);
            } else {
                names[i] = QpackPrimitives.octets(name);
                size += QpackPrimitives.stringLength(names[i], 3);
            }
            values[i] = QpackPrimitives.octets(f.value());
            size += QpackPrimitives.stringLength(values[i], 7);
        }
        byte[] out = new byte[size];
        ByteWriter w = new ByteWriter(out);
        w.writeUint8(0).writeUint8(0);
        for (int i = 0; i < n; i++) {
            if (exact[i] >= 0) {
                QpackPrimitives.writeInt(w, INDEXED_STATIC, exact[i], 6);
                continue;
            }
            if (nameRef[i] >= 0) {
                QpackPrimitives.writeInt(w, LITERAL_STATIC_NAME_REF, nameRef[i], 4);
            } else {
                QpackPrimitives.writeString(w, LITERAL_LITERAL_NAME, names[i], 3);
            }
            QpackPrimitives.writeString(w, 0, values[i], 7);
        }
        return out;
    }
}
