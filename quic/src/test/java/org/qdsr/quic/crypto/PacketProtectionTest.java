package org.qdsr.quic.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.quic.crypto.Rfc9001Vectors.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.ConnectionId;

class PacketProtectionTest {
    private static final ConnectionId ODCID = ConnectionId.of(hex(DCID));

    /** Lays out header ‖ payload in a buffer with 16 spare bytes (plus some slack) after it. */
    private static byte[] layout(int start, byte[] header, byte[] payload) {
        byte[] buf = new byte[start + header.length + payload.length + 16 + 7];
        System.arraycopy(header, 0, buf, start, header.length);
        System.arraycopy(payload, 0, buf, start + header.length, payload.length);
        return buf;
    }

    private static byte[] clientPayload() {
        return Arrays.copyOf(hex(CLIENT_CRYPTO_FRAME), CLIENT_PAYLOAD_LENGTH);
    }

    @Test
    void a1InitialKeys() {
        assertThat(hex(InitialSecrets.initialSecret(ODCID)))
                .isEqualTo("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44");
        assertThat(hex(InitialSecrets.clientSecret(ODCID))).isEqualTo(CLIENT_SECRET);
        assertThat(hex(InitialSecrets.serverSecret(ODCID))).isEqualTo(SERVER_SECRET);

        PacketProtection client = PacketProtection.initial(ODCID, true, true);
        assertThat(hex(client.aead().key())).isEqualTo("1f369613dd76d5467730efcbe3b1a22d");
        assertThat(hex(client.aead().iv())).isEqualTo("fa044b2f42a3fd3b46fb255c");
        assertThat(hex(client.headerProtector().key())).isEqualTo("9f50449e04a0e810283a1e9933adedd2");

        PacketProtection server = PacketProtection.initial(ODCID, false, true);
        assertThat(hex(server.aead().key())).isEqualTo("cf3a5331653c364c88f0f379b6067e37");
        assertThat(hex(server.aead().iv())).isEqualTo("0ac1493ca1905853b0bba03e");
        assertThat(hex(server.headerProtector().key())).isEqualTo("c206b8d9b9f0f37644430b490eeaa314");

        // The receiving side of each peer uses the other's secret.
        assertThat(PacketProtection.initial(ODCID, false, false).secret()).isEqualTo(hex(CLIENT_SECRET));
        assertThat(PacketProtection.initial(ODCID, true, false).secret()).isEqualTo(hex(SERVER_SECRET));
    }

    @Test
    void hkdfLabelEncodingMatchesRfc9001() {
        assertThat(hex(Hkdf.hkdfLabel("client in", new byte[0], 32)))
                .isEqualTo("00200f746c73313320636c69656e7420696e00");
        assertThat(hex(Hkdf.hkdfLabel("quic hp", new byte[0], 16)))
                .isEqualTo("00100d746c733133207175696320687000");
    }

    @Test
    void a2ClientInitialSealsToRfcBytesAndOpensBack() {
        int start = 5;
        byte[] header = hex(CLIENT_HEADER);
        byte[] buf = layout(start, header, clientPayload());
        PacketProtection sealer = PacketProtection.initial(ODCID, true, true);
        int end = sealer.seal(buf, start, start + 18, 4, start + header.length + CLIENT_PAYLOAD_LENGTH, 2, 0);
        assertThat(end - start).isEqualTo(1200);
        assertThat(hex(Arrays.copyOfRange(buf, start, end))).isEqualTo(CLIENT_PROTECTED);

        byte[] rx = hex(CLIENT_PROTECTED);
        PacketProtection opener = PacketProtection.initial(ODCID, false, false);
        int pnLength = opener.removeHeaderProtection(rx, 0, 18, rx.length);
        assertThat(pnLength).isEqualTo(4);
        assertThat(hex(Arrays.copyOf(rx, 22))).isEqualTo(CLIENT_HEADER);
        int len = opener.open(rx, 0, 18, pnLength, rx.length, 2, 0);
        assertThat(len).isEqualTo(CLIENT_PAYLOAD_LENGTH);
        assertThat(Arrays.copyOfRange(rx, 22, 22 + len)).isEqualTo(clientPayload());
    }

    @Test
    void a3ServerInitialSealsToRfcBytesAndOpensBack() {
        byte[] header = hex(SERVER_HEADER);
        byte[] payload = hex(SERVER_PAYLOAD);
        byte[] buf = layout(0, header, payload);
        PacketProtection sealer = PacketProtection.initial(ODCID, false, true);
        int end = sealer.seal(buf, 0, 18, 2, header.length + payload.length, 1, 0);
        assertThat(hex(Arrays.copyOf(buf, end))).isEqualTo(SERVER_PROTECTED);

        byte[] rx = hex(SERVER_PROTECTED);
        PacketProtection opener = PacketProtection.initial(ODCID, true, false);
        assertThat(opener.removeHeaderProtection(rx, 0, 18, rx.length)).isEqualTo(2);
        assertThat(hex(Arrays.copyOf(rx, 20))).isEqualTo(SERVER_HEADER);
        int len = opener.open(rx, 0, 18, 2, rx.length, 1, 0);
        assertThat(Arrays.copyOfRange(rx, 20, 20 + len)).isEqualTo(payload);
    }

    @Test
    void a5ChaCha20ShortHeader() {
        PacketProtection p = PacketProtection.fromSecret(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, hex(CHACHA_SECRET));
        assertThat(hex(p.aead().key())).isEqualTo("c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8");
        assertThat(hex(p.aead().iv())).isEqualTo("e0459b3474bdd0e44a41c144");
        assertThat(hex(p.headerProtector().key()))
                .isEqualTo("25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4");
        assertThat(hex(p.nextGeneration().secret()))
                .isEqualTo("1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9");

        byte[] buf = layout(0, hex(CHACHA_HEADER), hex("01"));
        int end = p.seal(buf, 0, 1, 3, 5, CHACHA_PN, 0);
        assertThat(hex(Arrays.copyOf(buf, end))).isEqualTo(CHACHA_PROTECTED);

        PacketProtection rx = PacketProtection.fromSecret(p.suite(), p.secret());
        byte[] pkt = hex(CHACHA_PROTECTED);
        assertThat(rx.removeHeaderProtection(pkt, 0, 1, pkt.length)).isEqualTo(3);
        assertThat(hex(Arrays.copyOf(pkt, 4))).isEqualTo(CHACHA_HEADER);
        assertThat(rx.open(pkt, 0, 1, 3, pkt.length, CHACHA_PN, 0)).isEqualTo(1);
        assertThat(pkt[4]).isEqualTo((byte) 0x01);
    }

    @Test
    void multipathNonce() {
        byte[] out = new byte[12];
        PacketProtection.nonce(hex("6b26114b9cba2b63a9e8dd4f"), 3, 0xd431, out);
        assertThat(hex(out)).isEqualTo("6b2611489cba2b63a9e8097e");
        PacketProtection.nonce(hex("e0459b3474bdd0e44a41c144"), 0, CHACHA_PN, out);
        assertThat(hex(out)).isEqualTo("e0459b3474bdd0e46d417eb0"); // RFC 9001 A.5
    }

    @Test
    void pathIdChangesTheCiphertextAndMustMatchToOpen() {
        for (CipherSuite suite : CipherSuite.values()) {
            PacketProtection tx = PacketProtection.fromSecret(suite, secret(suite, 7));
            PacketProtection rx = PacketProtection.fromSecret(suite, tx.secret());
            byte[] pkt = shortPacket(100, 2);
            int end = tx.seal(pkt, 0, 9, 2, 111, 77, 5);
            assertThat(rx.removeHeaderProtection(pkt, 0, 9, end)).isEqualTo(2);
            byte[] copy = pkt.clone();
            assertThat(rx.open(copy, 0, 9, 2, end, 77, 0)).isEqualTo(-1);
            assertThat(rx.open(pkt, 0, 9, 2, end, 77, 5)).isEqualTo(100);
        }
    }

    @Test
    void everySuiteRoundTripsIncludingAes256() {
        for (CipherSuite suite : CipherSuite.values()) {
            PacketProtection tx = PacketProtection.fromSecret(suite, secret(suite, 1));
            PacketProtection rx = PacketProtection.fromSecret(suite, secret(suite, 1));
            for (long pn = 0; pn < 50; pn++) {
                byte[] pkt = shortPacket(296, 4);
                byte[] plain = pkt.clone();
                int end = tx.seal(pkt, 0, 9, 4, 309, pn, 0);
                assertThat(end).isEqualTo(309 + 16);
                assertThat(Arrays.equals(pkt, 13, 309, plain, 13, 309)).isFalse();
                assertThat(rx.removeHeaderProtection(pkt, 0, 9, end)).isEqualTo(4);
                assertThat(rx.open(pkt, 0, 9, 4, end, pn, 0)).isEqualTo(296);
                assertThat(Arrays.copyOf(pkt, 309)).isEqualTo(Arrays.copyOf(plain, 309));
            }
        }
    }

    @Test
    void keyUpdateKeepsHeaderProtectionKeyAndChangesAeadKey() {
        for (CipherSuite suite : CipherSuite.values()) {
            PacketProtection gen0 = PacketProtection.fromSecret(suite, secret(suite, 3));
            PacketProtection gen1 = gen0.nextGeneration();
            assertThat(gen1.secret())
                    .isEqualTo(Hkdf.expandLabel(suite, gen0.secret(), "quic ku", suite.hashLength()));
            assertThat(gen1.headerProtector().key()).isEqualTo(gen0.headerProtector().key());
            assertThat(gen1.aead().key()).isNotEqualTo(gen0.aead().key());
            assertThat(gen1.aead().iv()).isNotEqualTo(gen0.aead().iv());

            PacketProtection peerGen0 = PacketProtection.fromSecret(suite, gen0.secret());
            PacketProtection peerGen1 = peerGen0.nextGeneration();
            byte[] pkt = shortPacket(60, 2);
            int end = gen1.seal(pkt, 0, 9, 2, 71, 1000, 0);
            // The receiver removes header protection with its current keys, then opens with the next.
            assertThat(peerGen0.removeHeaderProtection(pkt, 0, 9, end)).isEqualTo(2);
            byte[] copy = pkt.clone();
            assertThat(peerGen0.open(copy, 0, 9, 2, end, 1000, 0)).isEqualTo(-1);
            assertThat(peerGen1.open(pkt, 0, 9, 2, end, 1000, 0)).isEqualTo(60);
        }
    }

    /**
     * A failed open may clobber the payload region (JDK 25's AES-GCM decrypts in place before the
     * tag check fails), but never touches the header or bytes after packetEnd (coalesced packets).
     */
    @Test
    void failedOpenTouchesOnlyThePayloadRegion() {
        for (CipherSuite suite : CipherSuite.values()) {
            PacketProtection gen0 = PacketProtection.fromSecret(suite, secret(suite, 11));
            PacketProtection gen1 = gen0.nextGeneration();
            byte[] pkt = shortPacket(200, 2);
            int end = gen1.seal(pkt, 0, 9, 2, 211, 42, 0);
            assertThat(gen0.removeHeaderProtection(pkt, 0, 9, end)).isEqualTo(2);
            byte[] before = pkt.clone();
            assertThat(gen0.open(pkt, 0, 9, 2, end, 42, 0)).isEqualTo(-1);
            assertThat(Arrays.copyOf(pkt, 11)).as("%s header", suite).isEqualTo(Arrays.copyOf(before, 11));
            assertThat(Arrays.copyOfRange(pkt, end, pkt.length)).as("%s trailer", suite)
                    .isEqualTo(Arrays.copyOfRange(before, end, before.length));
            assertThat(PacketProtection.fromSecret(suite, gen1.secret()).open(before, 0, 9, 2, end, 42, 0))
                    .isEqualTo(200);
        }
    }

    /**
     * A forged packet must not block the genuine one with the same packet number, and a
     * duplicate must open again (JDK 17's ChaCha20-Poly1305 refuses to re-init with the last
     * key and nonce even for decryption).
     */
    @Test
    void samePacketNumberOpensAfterForgeryAndAsDuplicate() {
        for (CipherSuite suite : CipherSuite.values()) {
            PacketProtection tx = PacketProtection.fromSecret(suite, secret(suite, 21));
            PacketProtection rx = PacketProtection.fromSecret(suite, tx.secret());
            byte[] pkt = shortPacket(100, 2);
            int end = tx.seal(pkt, 0, 9, 2, 111, 9, 0);
            assertThat(rx.removeHeaderProtection(pkt, 0, 9, end)).isEqualTo(2);
            byte[] forged = pkt.clone();
            forged[50] ^= 1;
            assertThat(rx.open(forged, 0, 9, 2, end, 9, 0)).as("%s forged", suite).isEqualTo(-1);
            byte[] duplicate = pkt.clone();
            assertThat(rx.open(pkt, 0, 9, 2, end, 9, 0)).as("%s genuine", suite).isEqualTo(100);
            assertThat(rx.open(duplicate, 0, 9, 2, end, 9, 0)).as("%s duplicate", suite).isEqualTo(100);
        }
    }

    @Test
    void tamperedPacketsFailToOpen() {
        PacketProtection tx = PacketProtection.initial(ODCID, true, true);
        PacketProtection rx = PacketProtection.initial(ODCID, false, false);
        byte[] good = hex(CLIENT_PROTECTED);
        for (int pos : new int[] {0, 5, 20, 30, 600, 1199}) {
            byte[] pkt = good.clone();
            pkt[pos] ^= 0x01;
            int pnLength = rx.removeHeaderProtection(pkt, 0, 18, pkt.length);
            int pnLen = pnLength < 0 ? 4 : pnLength;
            assertThat(rx.open(pkt, 0, 18, pnLen, pkt.length, 2, 0)).as("flip at %d", pos).isEqualTo(-1);
        }
        byte[] pkt = good.clone();
        rx.removeHeaderProtection(pkt, 0, 18, pkt.length);
        assertThat(rx.open(pkt, 0, 18, 4, pkt.length, 3, 0)).as("wrong packet number").isEqualTo(-1);
        assertThat(tx.suite()).isEqualTo(CipherSuite.TLS_AES_128_GCM_SHA256);
    }

    @Test
    void truncatedOrInconsistentPacketsNeverThrow() {
        PacketProtection rx = PacketProtection.initial(ODCID, false, false);
        byte[] good = hex(CLIENT_PROTECTED);
        for (int len = 0; len <= 60; len++) {
            byte[] pkt = Arrays.copyOf(good, len);
            int pnLength = rx.removeHeaderProtection(pkt, 0, 18, len);
            if (len < 18 + 4 + 16) {
                assertThat(pnLength).isEqualTo(-1);
            }
            assertThat(rx.open(pkt, 0, 18, 4, len, 2, 0)).isEqualTo(-1);
            assertThat(rx.open(pkt, 0, 18, 1, len, 2, 0)).isEqualTo(-1);
        }
        byte[] pkt = good.clone();
        assertThat(rx.removeHeaderProtection(pkt, 0, 18, pkt.length + 1)).isEqualTo(-1);
        assertThat(rx.removeHeaderProtection(pkt, -1, 18, pkt.length)).isEqualTo(-1);
        assertThat(rx.open(pkt, 0, 18, 4, pkt.length + 1, 2, 0)).isEqualTo(-1);
        assertThat(rx.open(pkt, 30, 18, 4, pkt.length, 2, 0)).isEqualTo(-1);
        assertThat(rx.open(pkt, -3, 18, 4, pkt.length, 2, 0)).isEqualTo(-1);
    }

    @Test
    void sealRefusesTooShortPayloadAndNonceReuse() {
        PacketProtection tx = PacketProtection.fromSecret(CipherSuite.TLS_AES_128_GCM_SHA256,
                secret(CipherSuite.TLS_AES_128_GCM_SHA256, 9));
        byte[] pkt = shortPacket(2, 1);
        assertThatThrownBy(() -> tx.seal(pkt, 0, 9, 1, 12, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        tx.seal(shortPacket(40, 1), 0, 9, 1, 50, 5, 0);
        assertThatThrownBy(() -> tx.seal(shortPacket(40, 1), 0, 9, 1, 50, 5, 0))
                .isInstanceOf(IllegalStateException.class);
        tx.seal(shortPacket(40, 1), 0, 9, 1, 50, 6, 0); // a fresh packet number works again
    }

    @Test
    void limitsPerSuite() {
        PacketProtection aes = PacketProtection.initial(ODCID, true, true);
        assertThat(aes.confidentialityLimit()).isEqualTo(1L << 23);
        assertThat(aes.integrityLimit()).isEqualTo(1L << 52);
        CipherSuite chacha = CipherSuite.TLS_CHACHA20_POLY1305_SHA256;
        assertThat(PacketProtection.confidentialityLimit(chacha)).isEqualTo(1L << 62);
        assertThat(PacketProtection.integrityLimit(chacha)).isEqualTo(1L << 36);
    }

    /** A short-header packet: first byte, 8-byte DCID, packet number, random payload, spare room. */
    private static byte[] shortPacket(int payloadLength, int pnLength) {
        byte[] pkt = new byte[9 + pnLength + payloadLength + 16 + 3];
        new SplittableRandom(payloadLength).nextBytes(pkt);
        pkt[0] = (byte) (0x40 | (pnLength - 1));
        return pkt;
    }

    private static byte[] secret(CipherSuite suite, int seed) {
        byte[] s = new byte[suite.hashLength()];
        new SplittableRandom(seed).nextBytes(s);
        return s;
    }
}
