package io.hoist.plugin.ova;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a VMware-style OVF 1.x descriptor for one VM (the shape vSphere exports): CPUs with
 * {@code vmw:CoresPerSocket}, memory, a SCSI controller with the disks, NICs with MAC and network, and
 * {@code vmw:Config} entries such as {@code firmware=efi}. For tests and for packaging sample VMs.
 */
public final class OvfBuilder {
    private record DiskSpec(String href, long capacityBytes, String format) {}

    private record NicSpec(String network, String mac, String model) {}

    /** The OVF format URI of a streamOptimized VMDK, what OVA exports carry. */
    public static final String STREAM_OPTIMIZED = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";
    /** The OVF format URI of other (sparse or flat) VMDKs. */
    public static final String VMDK = "http://www.vmware.com/interfaces/specifications/vmdk.html#sparse";

    private final String name;
    private String id;
    private int cpus = 1;
    private int coresPerSocket = 1;
    private long memoryMiB = 1024;
    private String osType = "otherLinux64Guest";
    private String hardwareVersion = "vmx-19";
    private final List<DiskSpec> disks = new ArrayList<>();
    private final List<NicSpec> nics = new ArrayList<>();
    private final Map<String, String> config = new LinkedHashMap<>();
    private final Map<String, String> extraConfig = new LinkedHashMap<>();

    public OvfBuilder(String name) {
        this.name = name;
        this.id = name;
    }

    /** The VirtualSystem's {@code ovf:id} (defaults to the name). */
    public OvfBuilder id(String virtualSystemId) {
        this.id = virtualSystemId;
        return this;
    }

    public OvfBuilder cpus(int count, int cores) {
        this.cpus = count;
        this.coresPerSocket = cores;
        return this;
    }

    public OvfBuilder memoryMiB(long mib) {
        this.memoryMiB = mib;
        return this;
    }

    /** VMware guest id, e.g. {@code rhel9_64Guest}. */
    public OvfBuilder osType(String vmwOsType) {
        this.osType = vmwOsType;
        return this;
    }

    /** {@code vssd:VirtualSystemType}; VMware exports say {@code vmx-NN}. */
    public OvfBuilder hardwareVersion(String virtualSystemType) {
        this.hardwareVersion = virtualSystemType;
        return this;
    }

    /** {@code efi} or {@code bios}. */
    public OvfBuilder firmware(String firmware) {
        return config("firmware", firmware);
    }

    public OvfBuilder config(String key, String value) {
        config.put(key, value);
        return this;
    }

    public OvfBuilder extraConfig(String key, String value) {
        extraConfig.put(key, value);
        return this;
    }

    /** A streamOptimized disk stored as {@code href}. */
    public OvfBuilder disk(String href, long capacityBytes) {
        return disk(href, capacityBytes, STREAM_OPTIMIZED);
    }

    public OvfBuilder disk(String href, long capacityBytes, String formatUri) {
        disks.add(new DiskSpec(href, capacityBytes, formatUri));
        return this;
    }

    public OvfBuilder nic(String network, String mac) {
        return nic(network, mac, "VmxNet3");
    }

    public OvfBuilder nic(String network, String mac, String model) {
        nics.add(new NicSpec(network, mac, model));
        return this;
    }

    public String build() {
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<Envelope vmw:buildId=\"build-hoist\" xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"")
                .append(" xmlns:cim=\"http://schemas.dmtf.org/wbem/wscim/1/common\"")
                .append(" xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"")
                .append(" xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\"")
                .append(" xmlns:vmw=\"http://www.vmware.com/schema/ovf\"")
                .append(" xmlns:vssd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData\"")
                .append(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
        x.append("  <References>\n");
        for (int i = 0; i < disks.size(); i++) {
            x.append("    <File ovf:href=\"").append(esc(disks.get(i).href())).append("\" ovf:id=\"file")
                    .append(i + 1).append("\"/>\n");
        }
        x.append("  </References>\n  <DiskSection>\n    <Info>Virtual disk information</Info>\n");
        for (int i = 0; i < disks.size(); i++) {
            DiskSpec d = disks.get(i);
            x.append("    <Disk ovf:capacity=\"").append(d.capacityBytes()).append("\" ovf:capacityAllocationUnits=\"byte\"")
                    .append(" ovf:diskId=\"vmdisk").append(i + 1).append("\" ovf:fileRef=\"file").append(i + 1)
                    .append("\" ovf:format=\"").append(esc(d.format())).append("\"/>\n");
        }
        x.append("  </DiskSection>\n  <NetworkSection>\n    <Info>The list of logical networks</Info>\n");
        Set<String> networks = new LinkedHashSet<>();
        nics.forEach(n -> networks.add(n.network()));
        for (String n : networks) {
            x.append("    <Network ovf:name=\"").append(esc(n)).append("\">\n      <Description>The ")
                    .append(esc(n)).append(" network</Description>\n    </Network>\n");
        }
        x.append("  </NetworkSection>\n");
        x.append("  <VirtualSystem ovf:id=\"").append(esc(id)).append("\">\n    <Info>A virtual machine</Info>\n");
        x.append("    <Name>").append(esc(name)).append("</Name>\n");
        x.append("    <OperatingSystemSection ovf:id=\"101\" vmw:osType=\"").append(esc(osType))
                .append("\">\n      <Info>The kind of installed guest operating system</Info>\n    </OperatingSystemSection>\n");
        x.append("    <VirtualHardwareSection>\n      <Info>Virtual hardware requirements</Info>\n      <System>\n")
                .append("        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>\n")
                .append("        <vssd:InstanceID>0</vssd:InstanceID>\n")
                .append("        <vssd:VirtualSystemIdentifier>").append(esc(name)).append("</vssd:VirtualSystemIdentifier>\n")
                .append("        <vssd:VirtualSystemType>").append(esc(hardwareVersion)).append("</vssd:VirtualSystemType>\n")
                .append("      </System>\n");
        int instance = 1;
        x.append(item(instance++, "3", cpus + " virtual CPU(s)", "        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>\n"
                + "        <rasd:VirtualQuantity>" + cpus + "</rasd:VirtualQuantity>\n"
                + "        <vmw:CoresPerSocket ovf:required=\"false\">" + coresPerSocket + "</vmw:CoresPerSocket>\n"));
        x.append(item(instance++, "4", memoryMiB + "MB of memory", "        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>\n"
                + "        <rasd:VirtualQuantity>" + memoryMiB + "</rasd:VirtualQuantity>\n"));
        int scsi = instance++;
        x.append(item(scsi, "6", "SCSI controller 0", "        <rasd:Address>0</rasd:Address>\n"
                + "        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>\n"));
        for (int i = 0; i < disks.size(); i++) {
            x.append(item(instance++, "17", "Hard disk " + (i + 1), "        <rasd:AddressOnParent>" + i + "</rasd:AddressOnParent>\n"
                    + "        <rasd:HostResource>ovf:/disk/vmdisk" + (i + 1) + "</rasd:HostResource>\n"
                    + "        <rasd:Parent>" + scsi + "</rasd:Parent>\n"));
        }
        for (int i = 0; i < nics.size(); i++) {
            NicSpec n = nics.get(i);
            x.append(item(instance++, "10", "Network adapter " + (i + 1), "        <rasd:Address>" + esc(n.mac()) + "</rasd:Address>\n"
                    + "        <rasd:AddressOnParent>" + (7 + i) + "</rasd:AddressOnParent>\n"
                    + "        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>\n"
                    + "        <rasd:Connection>" + esc(n.network()) + "</rasd:Connection>\n"
                    + "        <rasd:ResourceSubType>" + esc(n.model()) + "</rasd:ResourceSubType>\n"));
        }
        config.forEach((k, v) -> x.append("      <vmw:Config ovf:required=\"false\" vmw:key=\"").append(esc(k))
                .append("\" vmw:value=\"").append(esc(v)).append("\"/>\n"));
        extraConfig.forEach((k, v) -> x.append("      <vmw:ExtraConfig ovf:required=\"false\" vmw:key=\"").append(esc(k))
                .append("\" vmw:value=\"").append(esc(v)).append("\"/>\n"));
        x.append("    </VirtualHardwareSection>\n  </VirtualSystem>\n</Envelope>\n");
        return x.toString();
    }

    private static String item(int instance, String type, String elementName, String body) {
        return "      <Item>\n"
                + "        <rasd:ElementName>" + esc(elementName) + "</rasd:ElementName>\n"
                + "        <rasd:InstanceID>" + instance + "</rasd:InstanceID>\n"
                + "        <rasd:ResourceType>" + type + "</rasd:ResourceType>\n"
                + body
                + "      </Item>\n";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
