package org.qdsr.quic.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.crypto.CipherSuite;

/** Test endpoint: records what QuicTls reports and queues CRYPTO bytes per level for the pump. */
class TlsPeer implements TlsListener {
    record Secrets(CipherSuite suite, byte[] read, byte[] write) {
    }

    final Map<EncryptionLevel, ByteArrayOutputStream> outbox = new EnumMap<>(EncryptionLevel.class);
    final Map<EncryptionLevel, Secrets> secrets = new EnumMap<>(EncryptionLevel.class);
    final List<EncryptionLevel> secretOrder = new ArrayList<>();
    final List<byte[]> tickets = new ArrayList<>();
    byte[] peerTransportParameters;
    int peerTransportParameterCalls;
    boolean complete;
    QuicException rejectTransportParameters;
    QuicTls tls;

    @Override
    public void onCryptoData(EncryptionLevel level, byte[] data) {
        outbox.computeIfAbsent(level, l -> new ByteArrayOutputStream()).writeBytes(data);
    }

    @Override
    public void onSecrets(EncryptionLevel level, CipherSuite suite, byte[] readSecret, byte[] writeSecret) {
        secrets.put(level, new Secrets(suite, readSecret, writeSecret));
        secretOrder.add(level);
    }

    @Override
    public void onPeerTransportParameters(byte[] encoded) throws QuicException {
        peerTransportParameterCalls++;
        if (rejectTransportParameters != null) {
            throw rejectTransportParameters;
        }
        peerTransportParameters = encoded;
    }

    @Override
    public void onHandshakeComplete() {
        complete = true;
    }

    @Override
    public void onSessionTicket(byte[] serializedTicket) {
        tickets.add(serializedTicket);
    }

    /** Takes everything queued at {@code level}. */
    byte[] drain(EncryptionLevel level) {
        ByteArrayOutputStream out = outbox.remove(level);
        return out == null ? new byte[0] : out.toByteArray();
    }

    /**
     * Moves CRYPTO bytes between the peers until both are quiet, in chunks of at most
     * {@code chunk} bytes (to exercise reassembly of split handshake messages).
     */
    static void pump(TlsPeer a, TlsPeer b, int chunk) throws QuicException {
        boolean moved = true;
        while (moved) {
            moved = deliver(a, b, chunk) | deliver(b, a, chunk);
        }
    }

    static void pump(TlsPeer a, TlsPeer b) throws QuicException {
        pump(a, b, Integer.MAX_VALUE);
    }

    private static boolean deliver(TlsPeer from, TlsPeer to, int chunk) throws QuicException {
        boolean moved = false;
        for (EncryptionLevel level : EncryptionLevel.values()) {
            byte[] data = from.drain(level);
            for (int off = 0; off < data.length; off += chunk) {
                to.tls.receive(level, data, off, Math.min(chunk, data.length - off));
                moved = true;
            }
        }
        return moved;
    }
}
