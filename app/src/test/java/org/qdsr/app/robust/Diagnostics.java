package org.qdsr.app.robust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What to print when an interop exchange fails, so a failure can be read before blaming a side. */
final class Diagnostics {
    private Diagnostics() {
    }

    /** The kernel's UDP RcvbufErrors counter (datagrams dropped for a full receive buffer), or -1. */
    static long udpRcvbufErrors() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    String[] names = lines.get(i).split("\\s+");
                    String[] values = lines.get(i + 1).split("\\s+");
                    for (int k = 0; k < names.length; k++) {
                        if (names[k].equals("RcvbufErrors")) {
                            return Long.parseLong(values[k]);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static String describe(UdpEchoServer server, Object peerStats, long rcvbufErrorsBefore) {
        List<String> connections = new ArrayList<>();
        try {
            server.loop.call(() -> {
                server.endpoint.forEachConnection(c -> connections.add(c.debugState() + " close=" + c.closeReason()));
                return null;
            });
        } catch (IOException | RuntimeException e) {
            connections.add("(cannot read: " + e + ")");
        }
        return "server connections " + connections + "; loop " + server.counters() + "; peer stats " + peerStats
                + "; UDP RcvbufErrors +" + (udpRcvbufErrors() - rcvbufErrorsBefore);
    }
}
