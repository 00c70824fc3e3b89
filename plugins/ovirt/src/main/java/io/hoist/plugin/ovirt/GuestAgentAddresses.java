package io.hoist.plugin.ovirt;

import io.hoist.api.convert.GuestAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ovirt.engine.sdk4.types.Ip;
import org.ovirt.engine.sdk4.types.ReportedDevice;

/**
 * The addresses a converted guest keeps (preserveStaticIPs), from what oVirt's guest agent reports on each NIC
 * ({@code vms/{id}/reporteddevices}). The agent does not say how an address was configured, so every address but an
 * IPv6 or IPv4 link-local one is kept; its prefix comes from the reported netmask (none: 0, unknown), its gateway
 * from the reported gateway (usually absent). DNS servers are not reported.
 */
final class GuestAgentAddresses {
    private GuestAgentAddresses() {}

    static List<GuestAddress> of(List<ReportedDevice> devices) {
        List<GuestAddress> out = new ArrayList<>();
        for (ReportedDevice d : devices) {
            boolean network = !d.typePresent() || "network".equals(d.type().value());
            if (!network || !d.macPresent() || d.mac().address() == null || !d.ipsPresent()) {
                continue;
            }
            String mac = d.mac().address().toLowerCase(Locale.ROOT);
            for (Ip ip : d.ips()) {
                String a = ip.addressPresent() ? ip.address() : null;
                if (a == null || a.toLowerCase(Locale.ROOT).startsWith("fe80:") || a.startsWith("169.254.")) {
                    continue;
                }
                out.add(new GuestAddress(mac, a, prefixOf(ip.netmaskPresent() ? ip.netmask() : null),
                        ip.gatewayPresent() ? ip.gateway() : null, List.of()));
            }
        }
        return out;
    }

    /** MACs with at least one address (MTV's VMMissingGuestIPs); null when the agent reports no NIC at all. */
    static List<String> macsWithAddresses(List<ReportedDevice> devices) {
        if (devices.isEmpty()) {
            return null;
        }
        return of(devices).stream().map(GuestAddress::mac).distinct().toList();
    }

    /** A netmask as the engine reports it: a prefix length ("24") or a dotted IPv4 mask; 0 when unknown. */
    static int prefixOf(String netmask) {
        if (netmask == null || netmask.isBlank()) {
            return 0;
        }
        String m = netmask.trim();
        if (m.matches("\\d{1,3}")) {
            return Integer.parseInt(m);
        }
        if (!m.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return 0;
        }
        long bits = 0;
        for (String part : m.split("\\.")) {
            bits = bits << 8 | Integer.parseInt(part);
        }
        int prefix = Long.bitCount(bits);
        // a mask is contiguous ones; anything else is not a netmask
        return bits == ((0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL) ? prefix : 0;
    }
}
