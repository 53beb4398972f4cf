package org.qdsr.control.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.path.SendInstruction;
import org.qdsr.quic.wire.ConnectionId;

/** Seeded fuzzing: malformed input only ever yields ControlProtocolException. */
class ControlDecoderFuzzTest {
    private static final int INPUTS = 50_000;

    @Test
    void malformedInputOnlyThrowsControlProtocolException() {
        List<ControlMessage> samples = Samples.all();
        byte[][] valid = samples.stream().map(ControlCodec::encode).toArray(byte[][]::new);
        SplittableRandom rnd = new SplittableRandom(0x5eed);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = i % 4 == 0 ? random(rnd) : mutate(valid[rnd.nextInt(valid.length)], rnd);
            ControlDecoder d = new ControlDecoder(1 << 16);
            try {
                int p = 0;
                while (p < input.length) {
                    int n = Math.min(input.length - p, 1 + rnd.nextInt(16));
                    d.feed(input, p, n, m -> ControlCodec.encode(m));
                    p += n;
                }
                decoded++;
            } catch (ControlProtocolException expected) {
                rejected++;
            } catch (RuntimeException e) {
                throw new AssertionError("input #" + i + " " + java.util.HexFormat.of().formatHex(input), e);
            }
        }
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    /** Random valid instructed-mode messages round-trip; their mutations only fail as protocol errors. */
    @Test
    void instructedMessagesRoundTripAndMutationsAreRejectedCleanly() throws Exception {
        SplittableRandom rnd = new SplittableRandom(0x1c);
        int rejected = 0;
        for (int i = 0; i < 5_000; i++) {
            ControlMessage m = randomInstructed(rnd);
            byte[] frame = ControlCodec.encode(m);
            assertThat(ControlCodec.decode(frame)).as("round trip #%s", i).isEqualTo(m);
            byte[] bad = mutate(frame, rnd);
            try {
                for (ControlMessage back : new ControlDecoder().feed(bad)) {
                    ControlCodec.encode(back);
                }
            } catch (ControlProtocolException expected) {
                rejected++;
            } catch (RuntimeException e) {
                throw new AssertionError("mutation of " + m + ": " + java.util.HexFormat.of().formatHex(bad), e);
            }
        }
        assertThat(rejected).isPositive();
    }

    private static ControlMessage randomInstructed(SplittableRandom rnd) {
        int kind = rnd.nextInt(3);
        if (kind == 0) {
            return new StreamReady(value(rnd), value(rnd), value(rnd), rnd.nextBoolean());
        } else if (kind == 1) {
            int failed = rnd.nextInt(4);
            long[] pns = new long[failed];
            long pn = value(rnd) / 2;
            for (int i = 0; i < failed; i++) {
                pn += 1 + rnd.nextInt(100);
                pns[i] = pn;
            }
            SendReport.FailReason reason = failed == 0 ? SendReport.FailReason.NONE
                    : SendReport.FailReason.values()[1 + rnd.nextInt(4)];
            return new SendReport(value(rnd), value(rnd), rnd.nextInt(100), value(rnd), pns, reason);
        }
        return randomBatch(rnd);
    }

    private static SendInstructions randomBatch(SplittableRandom rnd) {
        long[] releases = new long[2 * rnd.nextInt(4)];
        for (int i = 0; i < releases.length; i++) {
            releases[i] = value(rnd);
        }
        int count = rnd.nextInt(releases.length == 0 ? 1 : 0, 6);
        if (count == 0) {
            return SendInstructions.releasesOnly(value(rnd), value(rnd), releases);
        }
        ConnectionId dcid = ConnectionId.random(rnd, rnd.nextInt(21));
        boolean phase = rnd.nextBoolean();
        long generation = value(rnd);
        long pn = value(rnd) / 2;
        List<SendInstruction> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pn += 1 + rnd.nextInt(3);
            byte[] prefix = new byte[rnd.nextInt(3) == 0 ? rnd.nextInt(40) : 0];
            rnd.nextBytes(prefix);
            packets.add(new SendInstruction(pn, 1 + rnd.nextInt(4), phase, generation, dcid, value(rnd),
                    value(rnd) / 2, rnd.nextInt(SendInstructions.MAX_LENGTH + 1), rnd.nextBoolean(), prefix));
        }
        return SendInstructions.of(value(rnd), value(rnd), packets, releases);
    }

    /** A varint value with a random encoded size (1, 2, 4 or 8 bytes). */
    private static long value(SplittableRandom rnd) {
        long[] bounds = {1L << 6, 1L << 14, 1L << 30, 1L << 62};
        return rnd.nextLong(bounds[rnd.nextInt(4)]);
    }

    private static byte[] random(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(64)];
        rnd.nextBytes(b);
        if (b.length > 0) {
            b[0] = (byte) rnd.nextInt(MessageType.KEY_UPDATE_REQUEST + 1); // mostly known types
        }
        return b;
    }

    private static byte[] mutate(byte[] frame, SplittableRandom rnd) {
        byte[] b = frame.clone();
        int kind = rnd.nextInt(3);
        if (kind == 0) {
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
        } else if (kind == 1) {
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        } else {
            b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
        }
        return b;
    }
}
