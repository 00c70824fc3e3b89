package io.hoist.api.convert;

import java.util.List;

/**
 * A static address the source reports on one NIC (from the guest tools), kept on the converted guest.
 *
 * @param prefixLength network prefix length, 0 when unknown
 * @param gateway      default gateway, or null
 */
public record GuestAddress(String mac, String ip, int prefixLength, String gateway, List<String> dns) {
    public GuestAddress {
        dns = dns == null ? List.of() : List.copyOf(dns);
    }
}
