package org.qdsr.quic.recovery;

import java.util.ArrayList;
import java.util.List;

/** A recovery listener for loss-detection tests: the packet numbers declared lost, in order. */
final class LossLog implements Recovery.Listener<String> {
    final List<Long> lost = new ArrayList<>();

    @Override
    public void onAcked(int space, SentPacket<String> p) {
    }

    @Override
    public void onLost(int space, SentPacket<String> p) {
        lost.add(p.pn());
    }
}
