package org.qdsr.control.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

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

    private static byte[] random(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(64)];
        rnd.nextBytes(b);
        if (b.length > 0) {
            b[0] = (byte) rnd.nextInt(MessageType.SEND_REPORT + 1); // mostly known types
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
