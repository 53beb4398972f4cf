package org.qdsr.quic.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PacketHeadersTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ConnectionId CLIENT_DCID = ConnectionId.of(HEX.parseHex("8394c8f03e515708"));
    private static final ConnectionId SERVER_SCID = ConnectionId.of(HEX.parseHex("f067a5502a4262b5"));
    /** RFC 9001 Appendix A.2: unprotected header of the client Initial. */
    private static final String CLIENT_INITIAL_HEADER = "c300000001088394c8f03e5157080000449e00000002";
    /** RFC 9001 Appendix A.3: unprotected header of the server Initial. */
    private static final String SERVER_INITIAL_HEADER = "c1000000010008f067a5502a4262b50040750001";
    /** RFC 9001 Appendix A.4: the Retry packet. */
    private static final String RFC_RETRY = "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba";

    @Test
    void parsesRfc9001ClientInitialHeader() {
        byte[] datagram = Arrays.copyOf(HEX.parseHex(CLIENT_INITIAL_HEADER), 1200);
        ParsedHeader h = PacketHeaders.parse(datagram, 0, datagram.length, 8);
        assertThat(h.type()).isEqualTo(PacketType.INITIAL);
        assertThat(h.version()).isEqualTo(1);
        assertThat(h.dcid()).isEqualTo(CLIENT_DCID);
        assertThat(h.scid()).isEqualTo(ConnectionId.EMPTY);
        assertThat(h.token()).isEmpty();
        assertThat(h.start()).isZero();
        assertThat(h.pnOffset()).isEqualTo(18);
        assertThat(h.end()).isEqualTo(18 + 0x049e).isEqualTo(1200);
        assertThat(PacketHeaders.peekDestinationConnectionId(datagram, 0, 1200, 8)).isEqualTo(CLIENT_DCID);
        assertThat(PacketHeaders.version(datagram, 0, 1200)).isEqualTo(1);
        assertThat(PacketHeaders.isLongHeader(datagram[0])).isTrue();
    }

    @Test
    void writesRfc9001InitialHeaders() {
        byte[] out = new byte[64];
        ByteWriter w = new ByteWriter(out);
        int pnOffset = PacketHeaders.writeLongHeader(w, PacketType.INITIAL, 1, CLIENT_DCID,
                ConnectionId.EMPTY, new byte[0], 4, 2, 0x049e);
        assertThat(pnOffset).isEqualTo(18);
        assertThat(HEX.formatHex(out, 0, w.position())).isEqualTo(CLIENT_INITIAL_HEADER);

        w = new ByteWriter(out);
        pnOffset = PacketHeaders.writeLongHeader(w, PacketType.INITIAL, 1, ConnectionId.EMPTY,
                SERVER_SCID, null, 2, 1, 0);
        PacketHeaders.patchLength(out, pnOffset - PacketHeaders.LENGTH_FIELD_SIZE, 0x75);
        assertThat(HEX.formatHex(out, 0, w.position())).isEqualTo(SERVER_INITIAL_HEADER);
    }

    /** RFC 9001 Appendix A.5: the ChaCha20 short header packet's unprotected header. */
    @Test
    void writesRfc9001ShortHeader() {
        byte[] out = new byte[8];
        ByteWriter w = new ByteWriter(out);
        int pnOffset = PacketHeaders.writeShortHeader(w, false, false, ConnectionId.EMPTY, 3, 654360564L);
        assertThat(pnOffset).isEqualTo(1);
        assertThat(HEX.formatHex(out, 0, w.position())).isEqualTo("4200bff4");
    }

    @Test
    void shortHeaderRoundTrip() {
        byte[] out = new byte[40];
        ByteWriter w = new ByteWriter(out);
        int pnOffset = PacketHeaders.writeShortHeader(w, true, true, CLIENT_DCID, 2, 0x1234);
        assertThat(out[0]).isEqualTo((byte) 0x65);
        ParsedHeader h = PacketHeaders.parse(out, 0, 30, 8);
        assertThat(h.type()).isEqualTo(PacketType.ONE_RTT);
        assertThat(h.isLongHeader()).isFalse();
        assertThat(h.dcid()).isEqualTo(CLIENT_DCID);
        assertThat(h.pnOffset()).isEqualTo(pnOffset).isEqualTo(9);
        assertThat(h.end()).isEqualTo(30);
        assertThat(PacketHeaders.peekDestinationConnectionId(out, 0, 30, 8)).isEqualTo(CLIENT_DCID);
        assertThat(PacketHeaders.version(out, 0, 30)).isEqualTo(-1);
    }

    @Test
    void parsesCoalescedInitialAndHandshake() {
        byte[] datagram = new byte[1200];
        byte[] server = HEX.parseHex(SERVER_INITIAL_HEADER);
        System.arraycopy(server, 0, datagram, 0, server.length);
        int initialEnd = 18 + 0x75;
        ByteWriter w = new ByteWriter(datagram, initialEnd, datagram.length - initialEnd);
        int hsPn = PacketHeaders.writeLongHeader(w, PacketType.HANDSHAKE, 1, CLIENT_DCID, SERVER_SCID,
                null, 1, 0, 100);
        int off = 0;
        ParsedHeader first = PacketHeaders.parse(datagram, off, datagram.length - off, 8);
        assertThat(first.type()).isEqualTo(PacketType.INITIAL);
        assertThat(first.scid()).isEqualTo(SERVER_SCID);
        assertThat(first.end()).isEqualTo(initialEnd);
        off = first.end();
        ParsedHeader second = PacketHeaders.parse(datagram, off, datagram.length - off, 8);
        assertThat(second.type()).isEqualTo(PacketType.HANDSHAKE);
        assertThat(second.start()).isEqualTo(initialEnd);
        assertThat(second.pnOffset()).isEqualTo(hsPn);
        assertThat(second.end()).isEqualTo(hsPn + 100);
        assertThat(second.dcid()).isEqualTo(CLIENT_DCID);
    }

    @Test
    void initialTokenIsParsed() {
        byte[] out = new byte[100];
        ByteWriter w = new ByteWriter(out);
        int pn = PacketHeaders.writeLongHeader(w, PacketType.INITIAL, 1, CLIENT_DCID, SERVER_SCID,
                "tok".getBytes(), 1, 7, 40);
        ParsedHeader h = PacketHeaders.parse(out, 0, out.length, 8);
        assertThat(h.token()).isEqualTo("tok".getBytes());
        assertThat(h.pnOffset()).isEqualTo(pn);
        assertThat(out[pn]).isEqualTo((byte) 7);
    }

    @Test
    void dropsMalformedPackets() {
        byte[] initial = Arrays.copyOf(HEX.parseHex(CLIENT_INITIAL_HEADER), 1200);
        assertThat(PacketHeaders.parse(initial, 0, 1199, 8)).as("length beyond datagram").isNull();
        byte[] noFixedBit = initial.clone();
        noFixedBit[0] &= ~0x40;
        assertThat(PacketHeaders.parse(noFixedBit, 0, 1200, 8)).isNull();
        assertThat(PacketHeaders.parse(initial, 0, 10, 8)).isNull();
        assertThat(PacketHeaders.parse(new byte[0], 0, 0, 8)).isNull();
        byte[] otherVersion = initial.clone();
        otherVersion[4] = 2;
        assertThat(PacketHeaders.parse(otherVersion, 0, 1200, 8)).isNull();
        PacketHeaders.LongHeaderIds ids = PacketHeaders.peekLongHeaderIds(otherVersion, 0, 1200);
        assertThat(ids.version()).isEqualTo(2);
        assertThat(ids.dcid()).isEqualTo(CLIENT_DCID);
        byte[] shortNoFixed = {0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertThat(PacketHeaders.parse(shortNoFixed, 0, shortNoFixed.length, 8)).isNull();
        byte[] shortRunt = {0x40, 1, 2};
        assertThat(PacketHeaders.parse(shortRunt, 0, 3, 8)).isNull();
        assertThat(PacketHeaders.peekDestinationConnectionId(shortRunt, 0, 3, 8)).isNull();
    }

    @Test
    void versionNegotiationRoundTrip() {
        long[] versions = {1, 0x6b3343cfL, 0x1a2a3a4aL};
        byte[] vn = PacketHeaders.versionNegotiation(SERVER_SCID, CLIENT_DCID, versions,
                new SplittableRandom(1));
        assertThat(vn[0] & 0x80).isEqualTo(0x80);
        assertThat(vn).hasSize(7 + 16 + 12);
        ParsedHeader h = PacketHeaders.parse(vn, 0, vn.length, 8);
        assertThat(h.type()).isEqualTo(PacketType.VERSION_NEGOTIATION);
        assertThat(h.version()).isZero();
        assertThat(h.dcid()).isEqualTo(SERVER_SCID);
        assertThat(h.scid()).isEqualTo(CLIENT_DCID);
        assertThat(h.supportedVersions()).containsExactly(versions);
        assertThat(h.end()).isEqualTo(vn.length);
        assertThat(PacketHeaders.parse(vn, 0, vn.length - 1, 8)).as("partial version").isNull();
    }

    @Test
    void parsesRfc9001RetryAndAuthenticatesPseudoPacket() throws Exception {
        byte[] retry = HEX.parseHex(RFC_RETRY);
        ParsedHeader h = PacketHeaders.parse(retry, 0, retry.length, 8);
        assertThat(h.type()).isEqualTo(PacketType.RETRY);
        assertThat(h.dcid()).isEqualTo(ConnectionId.EMPTY);
        assertThat(h.scid()).isEqualTo(SERVER_SCID);
        assertThat(new String(h.token())).isEqualTo("token");
        assertThat(h.retryTagOffset()).isEqualTo(retry.length - 16);
        assertThat(h.end()).isEqualTo(retry.length);

        byte[] pseudo = PacketHeaders.retryPseudoPacket(CLIENT_DCID, retry, 0, h.retryTagOffset());
        assertThat(retryTag(pseudo)).isEqualTo(Arrays.copyOfRange(retry, h.retryTagOffset(), retry.length));
    }

    @Test
    void retryBuilderRoundTrip() throws Exception {
        byte[] noTag = PacketHeaders.retryWithoutTag(1, ConnectionId.EMPTY, SERVER_SCID, "token".getBytes());
        assertThat(HEX.formatHex(noTag)).isEqualTo("f0" + RFC_RETRY.substring(2, RFC_RETRY.length() - 32));
        byte[] pseudo = PacketHeaders.retryPseudoPacket(CLIENT_DCID, noTag);
        byte[] full = Arrays.copyOf(noTag, noTag.length + 16);
        System.arraycopy(retryTag(pseudo), 0, full, noTag.length, 16);
        ParsedHeader h = PacketHeaders.parse(full, 0, full.length, 8);
        assertThat(h.type()).isEqualTo(PacketType.RETRY);
        assertThat(h.token()).isEqualTo("token".getBytes());
        byte[] emptyToken = PacketHeaders.retryWithoutTag(1, ConnectionId.EMPTY, SERVER_SCID, new byte[0]);
        byte[] emptyFull = Arrays.copyOf(emptyToken, emptyToken.length + 16);
        assertThat(PacketHeaders.parse(emptyFull, 0, emptyFull.length, 8)).isNull();
    }

    /** RFC 9001 §5.8: AEAD_AES_128_GCM with the v1 Retry key and nonce over the pseudo-packet. */
    private static byte[] retryTag(byte[] pseudo) throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex("be0c690b9f66575a1d766b54e368c84e"), "AES"),
                new GCMParameterSpec(128, HEX.parseHex("461599d35d632bf2239825bb")));
        gcm.updateAAD(pseudo);
        return gcm.doFinal();
    }

    @Test
    void fuzzParseNeverThrows() {
        SplittableRandom rnd = new SplittableRandom(99);
        List<byte[]> seeds = List.of(Arrays.copyOf(HEX.parseHex(CLIENT_INITIAL_HEADER), 1200),
                HEX.parseHex(RFC_RETRY), Arrays.copyOf(HEX.parseHex(SERVER_INITIAL_HEADER), 200),
                PacketHeaders.versionNegotiation(SERVER_SCID, CLIENT_DCID, new long[] {1}, rnd));
        for (int i = 0; i < 100_000; i++) {
            byte[] input;
            if ((i & 1) == 0) {
                input = new byte[rnd.nextInt(80)];
                rnd.nextBytes(input);
            } else {
                byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
                input = Arrays.copyOf(seed, rnd.nextInt(1, seed.length + 1));
                for (int m = rnd.nextInt(1, 4); m > 0; m--) {
                    input[rnd.nextInt(Math.min(input.length, 40))] = (byte) rnd.nextInt(256);
                }
            }
            try {
                ParsedHeader h = PacketHeaders.parse(input, 0, input.length, rnd.nextInt(21));
                if (h != null && (h.end() > input.length || h.pnOffset() >= h.end())) {
                    fail("bad offsets " + h + " for " + HEX.formatHex(input));
                }
                PacketHeaders.peekDestinationConnectionId(input, 0, input.length, 8);
                PacketHeaders.peekLongHeaderIds(input, 0, input.length);
            } catch (RuntimeException e) {
                fail("header parsing threw " + e + " on " + HEX.formatHex(input), e);
            }
        }
    }
}
