package org.qdsr.quic.wire;

/** The ECN counts of an ACK frame (RFC 9000 §19.3.2). */
public record EcnCounts(long ect0, long ect1, long ce) {
    public EcnCounts {
        VarInt.size(ect0);
        VarInt.size(ect1);
        VarInt.size(ce);
    }

    void write(ByteWriter w) {
        w.writeVarInt(ect0).writeVarInt(ect1).writeVarInt(ce);
    }

    int encodedLength() {
        return VarInt.size(ect0) + VarInt.size(ect1) + VarInt.size(ce);
    }
}
