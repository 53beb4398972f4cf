package org.qdsr.quic.connection;

import java.util.Random;
import org.qdsr.quic.sim.LinkConditions;

/** Manual driver for debugging transfers on the virtual network (not a test). */
public final class DebugRun {
    public static void main(String[] args) throws Exception {
        double loss = args.length > 0 ? Double.parseDouble(args[0]) : 0;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 10 << 20;
        ConnectionConfig config = ConnectionConfig.defaults();
        QuicConnection[] server = new QuicConnection[1];
        try (SimPair pair = new SimPair(7, config, c -> {
            server[0] = c;
            return SimPair.echo();
        })) {
            pair.net.setDefaultConditions(LinkConditions.delay(5_000_000).withLoss(loss));
            byte[] payload = new byte[size];
            new Random(3).nextBytes(payload);
            EchoClient app = new EchoClient(payload);
            QuicConnection c = pair.connect(pair.clientOptions(config), app);
            for (int i = 0; i < 100 && !app.done && app.closed == null; i++) {
                pair.net.runFor(200_000_000L);
                System.out.println("t=" + i * 200 + "ms received=" + app.received.size());
                System.out.println("  " + c.debugState());
                if (server[0] != null) {
                    System.out.println("  " + server[0].debugState());
                }
            }
            System.out.println("done=" + app.done + " closed=" + app.closed);
        }
    }
}
