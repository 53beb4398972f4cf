package org.qdsr.quic.connection;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * What a client connection needs: settings, TLS configuration, the server's address, and
 * optionally what an earlier connection left for resumption (0-RTT) and address validation.
 */
public record ClientOptions(ConnectionConfig config, ClientTlsConfig tls, InetSocketAddress server,
                            RandomGenerator random, ResumptionState resumption, byte[] addressToken) {

    public static ClientOptions of(ClientTlsConfig tls, InetSocketAddress server) {
        return new ClientOptions(ConnectionConfig.defaults(), tls, server, new SecureRandom(), null, null);
    }

    public ClientOptions withConfig(ConnectionConfig c) {
        return new ClientOptions(c, tls, server, random, resumption, addressToken);
    }

    public ClientOptions withRandom(RandomGenerator r) {
        return new ClientOptions(config, tls, server, r, resumption, addressToken);
    }

    public ClientOptions withResumption(ResumptionState state) {
        return new ClientOptions(config, tls, server, random, state, addressToken);
    }

    public ClientOptions withAddressToken(byte[] token) {
        return new ClientOptions(config, tls, server, random, resumption, token);
    }
}
