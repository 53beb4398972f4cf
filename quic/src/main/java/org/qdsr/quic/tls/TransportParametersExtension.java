package org.qdsr.quic.tls;

import java.nio.ByteBuffer;

import tech.kwik.agent15.TlsConstants;
import tech.kwik.agent15.TlsProtocolException;
import tech.kwik.agent15.alert.DecodeErrorException;
import tech.kwik.agent15.extension.Extension;
import tech.kwik.agent15.extension.ExtensionParser;

/**
 * The quic_transport_parameters TLS extension (RFC 9001 §8.2, type 0x39) carrying the encoded
 * transport parameters as opaque bytes; decoding them is the transport's job.
 */
final class TransportParametersExtension extends Extension {
    static final int TYPE = 0x39;

    private final byte[] parameters;

    TransportParametersExtension(byte[] parameters) {
        if (parameters.length > 0xffff) {
            throw new IllegalArgumentException("transport parameters too long");
        }
        this.parameters = parameters.clone();
    }

    byte[] parameters() {
        return parameters.clone();
    }

    @Override
    public byte[] getBytes() {
        ByteBuffer out = ByteBuffer.allocate(4 + parameters.length);
        out.putShort((short) TYPE);
        out.putShort((short) parameters.length);
        out.put(parameters);
        return out.array();
    }

    /** Recognises extension 0x39 and leaves every other extension to agent15. */
    static final class Parser implements ExtensionParser {
        @Override
        public Extension apply(ByteBuffer buffer, TlsConstants.HandshakeType context)
                throws TlsProtocolException {
            if (buffer.remaining() < 4) {
                return null;
            }
            buffer.mark();
            int type = buffer.getShort() & 0xffff;
            if (type != TYPE) {
                buffer.reset();
                return null;
            }
            int length = buffer.getShort() & 0xffff;
            if (buffer.remaining() < length) {
                throw new DecodeErrorException("truncated quic_transport_parameters");
            }
            byte[] body = new byte[length];
            buffer.get(body);
            return new TransportParametersExtension(body);
        }
    }
}
