package org.qdsr.http3.qpack;

import org.qdsr.http3.Http3Error;

/**
 * Readers for the peer's QPACK encoder and decoder streams (RFC 9204 §4.3, §4.4) on a connection
 * where both directions use no dynamic table. Feed the stream bytes after the stream type; the
 * readers buffer partial instructions. Closing either stream is H3_CLOSED_CRITICAL_STREAM (the
 * integrator's job, §4.2).
 */
public final class QpackStreams {
    private QpackStreams() {
    }

    /**
     * The peer's encoder stream. Our SETTINGS_QPACK_MAX_TABLE_CAPACITY is 0, so the only valid
     * instruction is Set Dynamic Table Capacity 0; every insert or duplicate, or a larger capacity,
     * is QPACK_ENCODER_STREAM_ERROR (§4.3.1, §4.3.2-4.3.4).
     */
    public static final class EncoderStreamReader {
        private final InstructionBuffer buf = new InstructionBuffer();

        public void feed(byte[] b, int off, int len) throws QpackException {
            buf.append(b, off, len);
            while (buf.hasByte()) {
                int first = buf.peek();
                if ((first & 0xe0) != 0x20) {
                    throw error("dynamic table insertion with capacity 0");
                }
                long capacity = buf.readInt(5, Http3Error.QPACK_ENCODER_STREAM_ERROR);
                if (capacity < 0) {
                    return;
                }
                if (capacity != 0) {
                    throw error("Set Dynamic Table Capacity " + capacity + " exceeds our maximum 0");
                }
            }
        }

        private static QpackException error(String msg) {
            return new QpackException(Http3Error.QPACK_ENCODER_STREAM_ERROR, msg);
        }
    }

    /**
     * The peer's decoder stream. We never emit dynamic references, so Section Acknowledgment and
     * Insert Count Increment are QPACK_DECODER_STREAM_ERROR (§4.4.1, §4.4.3); Stream Cancellation
     * is valid and ignored (§4.4.2).
     */
    public static final class DecoderStreamReader {
        private final InstructionBuffer buf = new InstructionBuffer();

        public void feed(byte[] b, int off, int len) throws QpackException {
            buf.append(b, off, len);
            while (buf.hasByte()) {
                int first = buf.peek();
                if ((first & 0x80) != 0) {
                    throw error("Section Acknowledgment but no section referenced the dynamic table");
                }
                boolean cancel = (first & 0x40) != 0;
                long value = buf.readInt(6, Http3Error.QPACK_DECODER_STREAM_ERROR);
                if (value < 0) {
                    return;
                }
                if (!cancel) {
                    throw error("Insert Count Increment " + value + " but nothing was inserted");
                }
            }
        }

        private static QpackException error(String msg) {
            return new QpackException(Http3Error.QPACK_DECODER_STREAM_ERROR, msg);
        }
    }

    /** Accumulates stream bytes and reads prefixed integers that may span feeds. */
    private static final class InstructionBuffer {
        private byte[] data = new byte[16];
        private int start;
        private int end;

        void append(byte[] b, int off, int len) {
            if (end + len > data.length) {
                int live = end - start;
                byte[] grown = live + len > data.length ? new byte[Math.max(2 * data.length, live + len)] : data;
                System.arraycopy(data, start, grown, 0, live);
                data = grown;
                start = 0;
                end = live;
            }
            System.arraycopy(b, off, data, end, len);
            end += len;
        }

        boolean hasByte() {
            return start < end;
        }

        int peek() {
            return data[start] & 0xff;
        }

        /** Reads an n-bit prefixed integer and consumes it, or returns -1 (consuming nothing). */
        long readInt(int n, Http3Error onOverflow) throws QpackException {
            long max = (1L << n) - 1;
            long value = data[start] & max;
            if (value < max) {
                start++;
                return value;
            }
            int shift = 0;
            for (int i = start + 1; i < end; i++) {
                int b = data[i] & 0xff;
                if (shift > 56 || (shift == 56 && (b & 0x7f) > 0x3f)) {
                    throw new QpackException(onOverflow, "prefixed integer too large");
                }
                value += (long) (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    start = i + 1;
                    return value;
                }
            }
            return -1;
        }
    }
}
