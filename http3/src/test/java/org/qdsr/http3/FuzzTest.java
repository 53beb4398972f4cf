package org.qdsr.http3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;
import org.qdsr.http3.qpack.QpackEncoder;
import org.qdsr.http3.qpack.QpackStreams;

/** Seeded random and mutated inputs: parsers may only fail with Http3Exception (QpackException included). */
class FuzzTest {
    private static final int RUNS = 50_000;
    private static final byte[] SECTION = new QpackEncoder().encode(List.of(new Field(":method", "GET"),
            new Field(":scheme", "https"), new Field(":authority", "example.com"), new Field(":path", "/index.html"),
            new Field("user-agent", "fuzz/1.0"), new Field("x-custom", "value with spaces")));
    private static final byte[] STREAM = TestBytes.concat(FrameWriter.headersFrame(SECTION),
            FrameWriter.dataFrame(new byte[20], 0, 20), FrameWriter.settingsFrame(Map.of(6L, 1L)),
            FrameWriter.goaway(4), FrameWriter.frame(0x21, new byte[4]), FrameWriter.headersFrame(SECTION));

    /** Random bytes half the time, a mutated valid sample otherwise. */
    static byte[] input(SplittableRandom rnd, byte[] sample) {
        if (rnd.nextBoolean()) {
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            return b;
        }
        byte[] b = java.util.Arrays.copyOf(sample, Math.max(0, sample.length - rnd.nextInt(4)));
        for (int i = rnd.nextInt(1, 4); i > 0 && b.length > 0; i--) {
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    @Test
    void qpackDecoderOnlyThrowsQpackException() {
        SplittableRandom rnd = new SplittableRandom(1);
        QpackDecoder decoder = new QpackDecoder(4096);
        int decoded = 0;
        for (int i = 0; i < RUNS; i++) {
            byte[] b = input(rnd, SECTION);
            try {
                decoder.decode(b, 0, b.length);
                decoded++;
            } catch (Http3Exception expected) {
                // fine
            }
        }
        assertThat(decoded).isPositive();
    }

    @Test
    void frameReaderAndParsersOnlyThrowHttp3Exception() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < RUNS; i++) {
            byte[] b = input(rnd, STREAM);
            int step = 1 + rnd.nextInt(Math.max(1, b.length));
            try {
                FrameReaderTest.events(b, step);
            } catch (Http3Exception expected) {
                // fine
            }
            try {
                MessageStreamParserTest.run(i % 2 == 0 ? new RequestStreamParser(new QpackDecoder())
                        : new ResponseStreamParser(new QpackDecoder(), false), b, step);
            } catch (Http3Exception expected) {
                // fine
            }
            try {
                new ControlStreamState(i % 2 == 0).feed(b, 0, b.length);
            } catch (Http3Exception expected) {
                // fine
            }
        }
    }

    @Test
    void qpackInstructionStreamsOnlyThrowQpackException() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < RUNS / 5; i++) {
            byte[] b = new byte[rnd.nextInt(16)];
            rnd.nextBytes(b);
            try {
                new QpackStreams.EncoderStreamReader().feed(b, 0, b.length);
            } catch (Http3Exception expected) {
                // fine
            }
            try {
                new QpackStreams.DecoderStreamReader().feed(b, 0, b.length);
            } catch (Http3Exception expected) {
                // fine
            }
        }
    }
}
