package io.hoist.plugin.vsphere;

import com.vmware.vim25.GuestInfo;
import com.vmware.vim25.GuestNicInfo;
import io.hoist.plugin.vsphere.soap.VimSoapClient;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** What a vSphere VM's guest recognises its machine by, read the way VMware presents it to the guest. */
final class VmwareIdentity {
    private VmwareIdentity() {}

    /**
     * The SMBIOS serial number VMware gives a VM, derived from its BIOS UUID ({@code config.uuid}) as MTV does:
     * {@code VMware-} and the 16 bytes in hex, space separated, with '-' between the 8th and 9th. Null when the UUID
     * is missing or malformed (the target then gets KubeVirt's own serial).
     */
    static String serialOf(String uuid) {
        if (uuid == null) {
            return null;
        }
        String hex = uuid.replace("-", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{32}")) {
            return null;
        }
        byte[] bytes = HexFormat.of().parseHex(hex);
        StringBuilder out = new StringBuilder("VMware-");
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                out.append(i == 8 ? '-' : ' ');
            }
            out.append(HexFormat.of().toHexDigits(bytes[i]));
        }
        return out.toString();
    }

    /**
     * The Windows drive letter (lower case, as MTV's {@code .WinDriveLetter}) of each virtual disk, by device key: a
     * guest disk mounted at a drive root ({@code C:\}) that the tools map to a virtual disk
     * ({@code guest.disk[].mappings[].key}, vSphere 7+). Empty when the tools report no such mapping.
     */
    static java.util.Map<Integer, String> windowsDriveLetters(GuestInfo guest) {
        java.util.Map<Integer, String> out = new java.util.HashMap<>();
        if (guest == null) {
            return out;
        }
        for (com.vmware.vim25.GuestDiskInfo d : VimSoapClient.list(guest.getDisk())) {
            String key = io.hoist.plugin.vsphere.soap.TolerantXmlReader.extraField(d, "mappings.key");
            String path = d.getDiskPath();
            if (key != null && key.matches("\\d{1,9}") && path != null && path.matches("[A-Za-z]:\\\\?")) {
                out.putIfAbsent(Integer.parseInt(key), path.substring(0, 1).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * MACs of the NICs the guest tools report an IP address for (MTV's VMMissingGuestIPs with preserveStaticIPs);
     * null when the tools do not run, since then nothing is known.
     */
    static List<String> guestIpMacs(GuestInfo guest) {
        if (guest == null || !"guestToolsRunning".equals(guest.getToolsRunningStatus())) {
            return null;
        }
        List<String> macs = new ArrayList<>();
        for (GuestNicInfo n : VimSoapClient.list(guest.getNet())) {
            boolean hasIp = n.getIpAddress() != null && n.getIpAddress().length > 0
                    || n.getIpConfig() != null && n.getIpConfig().getIpAddress() != null && n.getIpConfig().getIpAddress().length > 0;
            if (hasIp && n.getMacAddress() != null) {
                macs.add(n.getMacAddress().toLowerCase(Locale.ROOT));
            }
        }
        return macs;
    }
}
