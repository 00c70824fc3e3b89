package io.hoist.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A sample OVA appliance for the quick start and the end-to-end tests: a raw disk with data and zero
 * runs, converted by the real qemu-img to a streamOptimized VMDK, with a VMware-style OVF, in a tar.
 */
public final class SampleAppliance {
    private SampleAppliance() {}

    public static void build(Path ova, String name, long diskBytes, long seed, String mac) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(ova.getParent(), ".build");
        Path raw = work.resolve("disk.raw");
        try (var ch = java.nio.channels.FileChannel.open(raw, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            Random random = new Random(seed);
            byte[] chunk = new byte[1 << 20];
            // Data in the first quarter and in every 8th MiB after it; zeros elsewhere (holes).
            for (long mib = 0; mib < diskBytes >> 20; mib++) {
                if (mib < (diskBytes >> 22) || mib % 8 == 0) {
                    random.nextBytes(chunk);
                    ch.write(java.nio.ByteBuffer.wrap(chunk), mib << 20);
                }
            }
            ch.truncate(diskBytes);
            if (ch.size() < diskBytes) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]), diskBytes - 1);
            }
        }
        pack(ova, name, raw, work, mac, "rhel9_64Guest", "efi");
    }

    /**
     * An OVA of an existing raw disk, e.g. a real guest's: VMware's OVF with the disk on the SCSI controller and a
     * vmxnet3 NIC. {@code osType} is VMware's guest id (debian12_64Guest), {@code firmware} bios or efi.
     */
    public static void fromRaw(Path ova, String name, Path raw, String mac, String osType, String firmware)
            throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(ova.getParent(), ".build");
        pack(ova, name, raw, work, mac, osType, firmware);
    }

    private static void pack(Path ova, String name, Path raw, Path work, String mac, String osType, String firmware)
            throws IOException, InterruptedException {
        long diskBytes = Files.size(raw);
        String vmdk = name + "-disk1.vmdk";
        run(List.of("qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized",
                raw.toString(), work.resolve(vmdk).toString()));
        if (raw.startsWith(work)) {
            Files.delete(raw);
        }
        Files.writeString(work.resolve(name + ".ovf"), ovf(name, vmdk, diskBytes, mac, osType, firmware), StandardCharsets.UTF_8);
        // OVA = tar with the descriptor first (tar keeps the order given).
        Path tmp = ova.resolveSibling(ova.getFileName() + ".tmp");
        run(List.of("tar", "-C", work.toString(), "-cf", tmp.toString(), name + ".ovf", vmdk));
        Files.move(tmp, ova, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String ovf(String name, String vmdk, long capacity, String mac, String osType, String firmware) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Envelope vmw:buildId="build-hoist-quickstart" xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <References>
                    <File ovf:href="%1$s" ovf:id="file1"/>
                  </References>
                  <DiskSection>
                    <Info>Virtual disk information</Info>
                    <Disk ovf:capacity="%2$d" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
                  </DiskSection>
                  <NetworkSection>
                    <Info>The list of logical networks</Info>
                    <Network ovf:name="VM Network">
                      <Description>The VM Network network</Description>
                    </Network>
                  </NetworkSection>
                  <VirtualSystem ovf:id="%3$s">
                    <Info>A virtual machine</Info>
                    <Name>%3$s</Name>
                    <OperatingSystemSection ovf:id="101" vmw:osType="%5$s">
                      <Info>The kind of installed guest operating system</Info>
                    </OperatingSystemSection>
                    <VirtualHardwareSection>
                      <Info>Virtual hardware requirements</Info>
                      <System>
                        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
                        <vssd:InstanceID>0</vssd:InstanceID>
                        <vssd:VirtualSystemIdentifier>%3$s</vssd:VirtualSystemIdentifier>
                        <vssd:VirtualSystemType>vmx-19</vssd:VirtualSystemType>
                      </System>
                      <Item>
                        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
                        <rasd:Description>Number of Virtual CPUs</rasd:Description>
                        <rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>
                        <rasd:InstanceID>1</rasd:InstanceID>
                        <rasd:ResourceType>3</rasd:ResourceType>
                        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
                        <vmw:CoresPerSocket ovf:required="false">2</vmw:CoresPerSocket>
                      </Item>
                      <Item>
                        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
                        <rasd:Description>Memory Size</rasd:Description>
                        <rasd:ElementName>2048MB of memory</rasd:ElementName>
                        <rasd:InstanceID>2</rasd:InstanceID>
                        <rasd:ResourceType>4</rasd:ResourceType>
                        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
                      </Item>
                      <Item>
                        <rasd:Address>0</rasd:Address>
                        <rasd:Description>SCSI Controller</rasd:Description>
                        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
                        <rasd:InstanceID>3</rasd:InstanceID>
                        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>
                        <rasd:ResourceType>6</rasd:ResourceType>
                      </Item>
                      <Item>
                        <rasd:AddressOnParent>0</rasd:AddressOnParent>
                        <rasd:ElementName>Hard disk 1</rasd:ElementName>
                        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
                        <rasd:InstanceID>4</rasd:InstanceID>
                        <rasd:Parent>3</rasd:Parent>
                        <rasd:ResourceType>17</rasd:ResourceType>
                      </Item>
                      <Item>
                        <rasd:Address>%4$s</rasd:Address>
                        <rasd:AddressOnParent>7</rasd:AddressOnParent>
                        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
                        <rasd:Connection>VM Network</rasd:Connection>
                        <rasd:ElementName>Network adapter 1</rasd:ElementName>
                        <rasd:InstanceID>5</rasd:InstanceID>
                        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
                        <rasd:ResourceType>10</rasd:ResourceType>
                      </Item>
                      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="%6$s"/>
                    </VirtualHardwareSection>
                  </VirtualSystem>
                </Envelope>
                """.formatted(vmdk, capacity, name, mac, osType, firmware);
    }

    public static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    public static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new CliException(String.join(" ", cmd) + " failed: " + output.trim());
        }
    }
}
