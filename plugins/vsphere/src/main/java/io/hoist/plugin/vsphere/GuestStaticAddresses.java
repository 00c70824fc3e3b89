package io.hoist.plugin.vsphere;

import com.vmware.vim25.GuestInfo;
import com.vmware.vim25.GuestNicInfo;
import com.vmware.vim25.GuestStackInfo;
import com.vmware.vim25.NetIpConfigInfoIpAddress;
import com.vmware.vim25.NetIpRouteConfigInfoIpRoute;
import io.hoist.api.convert.GuestAddress;
import io.hoist.plugin.vsphere.soap.VimSoapClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The addresses a converted guest must keep (preserveStaticIPs), read from what VMware tools report: each NIC's
 * {@code guest.net[].ipConfig.ipAddress} with its prefix, the default route of {@code guest.ipStack} as gateway, and
 * the NIC's (else the stack's) DNS servers.
 *
 * <p>Which addresses count as static follows MTV: on Windows only those whose origin is {@code manual}; on other
 * guests, whose tools seldom know an address's origin, every address except those the tools say came from DHCP, link
 * layer autoconfiguration or a random (privacy) generator. IPv6 link-local addresses are never kept: the guest makes
 * them itself.
 */
final class GuestStaticAddresses {
    private static final Set<String> DYNAMIC_ORIGINS = Set.of("dhcp", "linklayer", "random");

    private static final java.util.regex.Pattern LITERAL = java.util.regex.Pattern.compile("[0-9a-fA-F:.]+");

    private GuestStaticAddresses() {}

    static List<GuestAddress> of(GuestInfo guest, String guestId) {
        List<GuestAddress> out = new ArrayList<>();
        if (guest == null) {
            return out;
        }
        boolean windows = isWindows(guestId != null ? guestId : guest.getGuestId());
        List<NetIpRouteConfigInfoIpRoute> defaultRoutes = new ArrayList<>();
        List<String> stackDns = new ArrayList<>();
        for (GuestStackInfo s : VimSoapClient.list(guest.getIpStack())) {
            if (s.getDnsConfig() != null && s.getDnsConfig().getIpAddress() != null && stackDns.isEmpty()) {
                stackDns.addAll(List.of(s.getDnsConfig().getIpAddress()));
            }
            if (s.getIpRouteConfig() != null) {
                for (NetIpRouteConfigInfoIpRoute r : VimSoapClient.list(s.getIpRouteConfig().getIpRoute())) {
                    if (r.getPrefixLength() == 0 && r.getGateway() != null && r.getGateway().getIpAddress() != null) {
                        defaultRoutes.add(r);
                    }
                }
            }
        }
        List<GuestNicInfo> nics = VimSoapClient.list(guest.getNet());
        for (int index = 0; index < nics.size(); index++) {
            GuestNicInfo nic = nics.get(index);
            if (nic.getMacAddress() == null || nic.getIpConfig() == null) {
                continue;
            }
            List<String> dns = nic.getDnsConfig() != null && nic.getDnsConfig().getIpAddress() != null
                    ? List.of(nic.getDnsConfig().getIpAddress()) : stackDns;
            for (NetIpConfigInfoIpAddress a : VimSoapClient.list(nic.getIpConfig().getIpAddress())) {
                String origin = a.getOrigin() == null ? "" : a.getOrigin().toLowerCase(Locale.ROOT);
                boolean isStatic = windows ? origin.equals("manual") : !DYNAMIC_ORIGINS.contains(origin);
                if (a.getIpAddress() == null || !isStatic || isLinkLocal(a.getIpAddress())) {
                    continue;
                }
                int prefix = a.getPrefixLength();
                out.add(new GuestAddress(nic.getMacAddress().toLowerCase(Locale.ROOT), a.getIpAddress(), prefix,
                        gateway(defaultRoutes, index, a.getIpAddress(), prefix), dns));
            }
        }
        return out;
    }

    static boolean isWindows(String guestId) {
        return guestId != null && guestId.toLowerCase(Locale.ROOT).startsWith("win");
    }

    /**
     * The default gateway of an address: the default route bound to this NIC (the route's device is the NIC's index in
     * guest.net), else one inside the address's subnet, of the same family.
     */
    private static String gateway(List<NetIpRouteConfigInfoIpRoute> routes, int nicIndex, String ip, int prefix) {
        boolean v6 = ip.contains(":");
        String inSubnet = null;
        for (NetIpRouteConfigInfoIpRoute r : routes) {
            String gw = r.getGateway().getIpAddress();
            if (gw.contains(":") != v6) {
                continue;
            }
            if (String.valueOf(nicIndex).equals(r.getGateway().getDevice())) {
                return gw;
            }
            if (inSubnet == null && sameSubnet(ip, gw, prefix)) {
                inSubnet = gw;
            }
        }
        return inSubnet;
    }

    private static boolean sameSubnet(String a, String b, int prefix) {
        if (!LITERAL.matcher(a).matches() || !LITERAL.matcher(b).matches()) {
            return false; // never a name lookup
        }
        try {
            byte[] x = InetAddress.getByName(a).getAddress();
            byte[] y = InetAddress.getByName(b).getAddress();
            if (x.length != y.length || prefix <= 0) {
                return false;
            }
            for (int bit = 0; bit < Math.min(prefix, x.length * 8); bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isLinkLocal(String ip) {
        return ip.toLowerCase(Locale.ROOT).startsWith("fe80:") || ip.startsWith("169.254.");
    }
}
