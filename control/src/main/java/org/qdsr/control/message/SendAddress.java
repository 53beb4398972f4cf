package org.qdsr.control.message;

import java.net.InetSocketAddress;

/**
 * RS to LB, once a channel is open: the address this real server sends responses from (its
 * {@code --vip}). Clients drop packets from any other address than the one they connected to, so
 * an LB that serves another VIP warns loudly instead of leaving the mistake to silent timeouts.
 *
 * <p>An optional extension (type 0x42): an LB that does not know it skips it. Wire form: varint
 * addressFamily (4 or 6), the address (4 or 16 bytes), varint port.
 */
public record SendAddress(InetSocketAddress address) implements ControlMessage {
    public SendAddress {
        address = WireAddress.check(address, "address");
    }

    @Override
    public int typeCode() {
        return MessageType.SEND_ADDRESS;
    }
}
