package io.hoist.plugin.vsphere.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.vmware.vim25.GuestInfo;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.VirtualMachineConfigInfo;
import com.vmware.vim25.VirtualMachineRuntimeInfo;
import com.vmware.vim25.VirtualMachineSnapshotInfo;
import io.hoist.plugin.vsphere.soap.TolerantXmlReader;
import io.hoist.plugin.vsphere.soap.VimSession;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The VM document fields the vmware validation rules read, from vim25 XML shaped like a current
 * vCenter's (devices and fields the simulator does not produce: USB, passthrough, SR-IOV, TPM, RDM,
 * multi-writer disks, fault tolerance, NUMA and CPU affinity, guest networks and disks).
 */
class DocumentsTest {
    private static final String NS = "xmlns=\"urn:vim25\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
            + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"";

    private static Object read(String xml, Class<?> type) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Element e = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
        return new TolerantXmlReader().read(e, type);
    }

    static final String CONFIG = "<val " + NS + " xsi:type=\"VirtualMachineConfigInfo\">"
            + "<name>db01</name><uuid>42256329-8c3a-2a82-54fd-01d845a8bf49</uuid><template>false</template>"
            + "<guestId>rhel8_64Guest</guestId><guestFullName>Red Hat Enterprise Linux 8 (64-bit)</guestFullName>"
            + "<firmware>efi</firmware><changeTrackingEnabled>true</changeTrackingEnabled>"
            + "<cpuHotAddEnabled>true</cpuHotAddEnabled><cpuHotRemoveEnabled>false</cpuHotRemoveEnabled>"
            + "<memoryHotAddEnabled>true</memoryHotAddEnabled>"
            + "<cpuAffinity><affinitySet>0</affinitySet><affinitySet>2</affinitySet></cpuAffinity>"
            + "<bootOptions><efiSecureBootEnabled>true</efiSecureBootEnabled></bootOptions>"
            + "<ftInfo xsi:type=\"FaultToleranceSecondaryConfigInfo\"><instanceUuids>a</instanceUuids><role>1</role>"
            + "<configPaths>x</configPaths></ftInfo>"
            + "<hardware><numCPU>8</numCPU><numCoresPerSocket>4</numCoresPerSocket><memoryMB>16384</memoryMB>"
            + "<device xsi:type=\"ParaVirtualSCSIController\"><key>1000</key><busNumber>0</busNumber>"
            + "<sharedBus>noSharing</sharedBus></device>"
            + "<device xsi:type=\"VirtualLsiLogicSASController\"><key>1001</key><busNumber>1</busNumber>"
            + "<sharedBus>physicalSharing</sharedBus></device>"
            + "<device xsi:type=\"VirtualAHCIController\"><key>15000</key><busNumber>0</busNumber></device>"
            + "<device xsi:type=\"VirtualDisk\"><key>2000</key><controllerKey>1000</controllerKey><unitNumber>0</unitNumber>"
            + "<capacityInKB>16777216</capacityInKB><capacityInBytes>17179869184</capacityInBytes>"
            + "<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>[ds1] db01/db01.vmdk</fileName>"
            + "<datastore type=\"Datastore\">datastore-63</datastore><diskMode>persistent</diskMode>"
            + "<changeId>52 1c/12</changeId></backing></device>"
            + "<device xsi:type=\"VirtualDisk\"><key>2001</key><controllerKey>1001</controllerKey><unitNumber>0</unitNumber>"
            + "<capacityInKB>1048576</capacityInKB>"
            + "<backing xsi:type=\"VirtualDiskRawDiskMappingVer1BackingInfo\"><fileName>[ds1] db01/rdm.vmdk</fileName>"
            + "<datastore type=\"Datastore\">datastore-63</datastore><compatibilityMode>physicalMode</compatibilityMode>"
            + "<diskMode>independent_persistent</diskMode></backing></device>"
            + "<device xsi:type=\"VirtualDisk\"><key>16000</key><controllerKey>15000</controllerKey><unitNumber>0</unitNumber>"
            + "<capacityInKB>1024</capacityInKB>"
            + "<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>[ds2] db01/shared.vmdk</fileName>"
            + "<datastore type=\"Datastore\">datastore-64</datastore><diskMode>persistent</diskMode>"
            + "<sharing>sharingMultiWriter</sharing></backing></device>"
            + "<device xsi:type=\"VirtualVmxnet3\"><key>4000</key><macAddress>00:50:56:01:02:03</macAddress>"
            + "<backing xsi:type=\"VirtualEthernetCardNetworkBackingInfo\"><deviceName>VM Network</deviceName>"
            + "<network type=\"Network\">network-31</network></backing></device>"
            + "<device xsi:type=\"VirtualSriovEthernetCard\"><key>4001</key><macAddress>00:50:56:01:02:04</macAddress>"
            + "<backing xsi:type=\"VirtualEthernetCardDistributedVirtualPortBackingInfo\"><port>"
            + "<switchUuid>50 2a</switchUuid><portgroupKey>dvportgroup-48</portgroupKey></port></backing></device>"
            + "<device xsi:type=\"VirtualUSBXHCIController\"><key>14000</key><busNumber>0</busNumber></device>"
            + "<device xsi:type=\"VirtualPCIPassthrough\"><key>13000</key></device>"
            + "<device xsi:type=\"VirtualTPM\"><key>11000</key></device>"
            + "<device xsi:type=\"VirtualKeyboard\"><key>600</key></device>"
            + "</hardware>"
            + "<extraConfig><key>disk.EnableUUID</key><value xsi:type=\"xsd:string\">TRUE</value></extraConfig>"
            + "<extraConfig><key>numa.nodeAffinity</key><value xsi:type=\"xsd:string\">0, 1</value></extraConfig>"
            + "</val>";

    static final String RUNTIME = "<val " + NS + " xsi:type=\"VirtualMachineRuntimeInfo\"><host type=\"HostSystem\">host-29"
            + "</host><connectionState>connected</connectionState><powerState>poweredOn</powerState>"
            + "<consolidationNeeded>true</consolidationNeeded></val>";

    static final String GUEST = "<val " + NS + " xsi:type=\"GuestInfo\"><guestId>rhel8_64Guest</guestId>"
            + "<guestFullName>Red Hat Enterprise Linux 8</guestFullName><hostName>db01.example.com</hostName>"
            + "<ipAddress>10.19.2.96</ipAddress>"
            + "<net><network>VM Network</network><ipAddress>10.19.2.96</ipAddress><macAddress>00:50:56:01:02:03</macAddress>"
            + "<connected>true</connected><deviceConfigId>4000</deviceConfigId><ipConfig><ipAddress><ipAddress>10.19.2.96"
            + "</ipAddress><prefixLength>24</prefixLength><origin>manual</origin><state>preferred</state></ipAddress>"
            + "</ipConfig></net>"
            + "<disk><diskPath>/</diskPath><capacity>17000000000</capacity><freeSpace>9000000000</freeSpace>"
            + "<filesystemType>xfs</filesystemType></disk>"
            + "<disk><diskPath>/data</diskPath><capacity>1000</capacity><freeSpace>500</freeSpace>"
            + "<filesystemType>xfs</filesystemType><mappings><key>2001</key></mappings></disk></val>";

    static final String SNAPSHOT = "<val " + NS + " xsi:type=\"VirtualMachineSnapshotInfo\">"
            + "<currentSnapshot type=\"VirtualMachineSnapshot\">snapshot-3034</currentSnapshot></val>";

    @Test
    @SuppressWarnings("unchecked")
    void vmDocumentCarriesEveryRuleField() throws Exception {
        InventoryModel model = new InventoryModel();
        ManagedObjectReference vm = VimSession.mor("VirtualMachine", "vm-431");
        model.set(vm, "name", "db01");
        model.set(vm, "parent", VimSession.mor("Folder", "group-v22"));
        model.set(vm, "config", read(CONFIG, VirtualMachineConfigInfo.class));
        model.set(vm, "runtime", read(RUNTIME, VirtualMachineRuntimeInfo.class));
        model.set(vm, "guest", read(GUEST, GuestInfo.class));
        model.set(vm, "snapshot", read(SNAPSHOT, VirtualMachineSnapshotInfo.class));
        model.set(vm, "network", new ManagedObjectReference[] {VimSession.mor("Network", "network-31"),
            VimSession.mor("DistributedVirtualPortgroup", "dvportgroup-48")});
        Map<String, Object> d = new Documents(model, "p1").vm(model.get("vm-431"));

        assertThat(d).containsEntry("id", "vm-431").containsEntry("name", "db01")
                .containsEntry("uuid", "42256329-8c3a-2a82-54fd-01d845a8bf49").containsEntry("firmware", "efi")
                .containsEntry("powerState", "poweredOn").containsEntry("connectionState", "connected")
                .containsEntry("changeTrackingEnabled", true).containsEntry("cpuHotAddEnabled", true)
                .containsEntry("cpuHotRemoveEnabled", false).containsEntry("memoryHotAddEnabled", true)
                .containsEntry("faultToleranceEnabled", true).containsEntry("cpuCount", 8)
                .containsEntry("coresPerSocket", 4).containsEntry("memoryMB", 16384)
                .containsEntry("consolidationNeeded", true).containsEntry("tpmEnabled", true)
                .containsEntry("secureBoot", true).containsEntry("diskEnableUuid", true)
                .containsEntry("guestId", "rhel8_64Guest").containsEntry("guestName", "Red Hat Enterprise Linux 8 (64-bit)")
                .containsEntry("hostName", "db01.example.com").containsEntry("ipAddress", "10.19.2.96")
                .containsEntry("host", "host-29").containsEntry("isTemplate", false);
        assertThat(d.get("cpuAffinity")).isEqualTo(List.of(0, 2));
        assertThat(d.get("numaNodeAffinity")).isEqualTo(List.of("0", "1"));
        assertThat(d.get("snapshot")).isEqualTo(Map.of("kind", "VirtualMachineSnapshot", "id", "snapshot-3034"));
        assertThat((List<Map<String, Object>>) d.get("devices")).extracting(m -> m.get("kind"))
                .containsExactlyInAnyOrder("VirtualUSBXHCIController", "VirtualSriovEthernetCard",
                        "VirtualPCIPassthrough", "VirtualTPM");
        // other controllers and the devices every VM has are left out

        List<Map<String, Object>> disks = (List<Map<String, Object>>) d.get("disks");
        assertThat(disks).hasSize(3);
        assertThat(disks.get(0)).containsEntry("key", 2000).containsEntry("file", "[ds1] db01/db01.vmdk")
                .containsEntry("capacity", 17179869184L).containsEntry("shared", false).containsEntry("rdm", false)
                .containsEntry("mode", "persistent").containsEntry("bus", "scsi")
                .containsEntry("changeTrackingEnabled", true)
                .containsEntry("datastore", Map.of("kind", "Datastore", "id", "datastore-63"));
        assertThat(disks.get(1)).containsEntry("rdm", true).containsEntry("shared", true) // physical bus sharing
                .containsEntry("mode", "independent_persistent").containsEntry("capacity", 1073741824L);
        assertThat(disks.get(2)).containsEntry("shared", true).containsEntry("bus", "sata");

        List<Map<String, Object>> nics = (List<Map<String, Object>>) d.get("nics");
        assertThat(nics).hasSize(2);
        assertThat(nics.get(0)).containsEntry("mac", "00:50:56:01:02:03").containsEntry("order", 0)
                .containsEntry("network", Map.of("kind", "Network", "id", "network-31"));
        assertThat(nics.get(1)).containsEntry("mac", "00:50:56:01:02:04").containsEntry("order", 1)
                .containsEntry("model", "VirtualSriovEthernetCard");
        assertThat(d.get("networks")).isEqualTo(List.of(Map.of("kind", "Network", "id", "network-31"),
                Map.of("kind", "Network", "id", "dvportgroup-48")));

        List<Map<String, Object>> gnets = (List<Map<String, Object>>) d.get("guestNetworks");
        assertThat(gnets).singleElement().satisfies(g -> assertThat(g).containsEntry("mac", "00:50:56:01:02:03")
                .containsEntry("ip", "10.19.2.96").containsEntry("prefix", 24).containsEntry("origin", "manual"));
        List<Map<String, Object>> gdisks = (List<Map<String, Object>>) d.get("guestDisks");
        assertThat(gdisks).hasSize(2);
        // the disk key of guest.disk[].mappings (vSphere 7+, newer than vijava's model), 0 without a mapping
        assertThat(gdisks.get(0)).containsEntry("diskPath", "/").containsEntry("filesystemType", "xfs").containsEntry("key", 0);
        assertThat(gdisks.get(1)).containsEntry("diskPath", "/data").containsEntry("key", 2001);
    }

    static final String CLUSTER_CONFIG = "<val " + NS + " xsi:type=\"ClusterConfigInfoEx\">"
            + "<dpmConfigInfo><enabled>true</enabled></dpmConfigInfo>"
            + "<rule xsi:type=\"ClusterVmHostRuleInfo\"><key>1</key><enabled>true</enabled><name>db-on-fast</name>"
            + "<vmGroupName>db-vms</vmGroupName><affineHostGroupName>fast-hosts</affineHostGroupName></rule>"
            + "<rule xsi:type=\"ClusterVmHostRuleInfo\"><key>2</key><enabled>false</enabled><name>off</name>"
            + "<vmGroupName>web-vms</vmGroupName><affineHostGroupName>fast-hosts</affineHostGroupName></rule>"
            + "<rule xsi:type=\"ClusterAffinityRuleSpec\"><key>3</key><enabled>true</enabled><name>vm-vm</name>"
            + "<vm type=\"VirtualMachine\">vm-77</vm></rule>"
            + "<group xsi:type=\"ClusterVmGroup\"><name>db-vms</name><vm type=\"VirtualMachine\">vm-431</vm>"
            + "<vm type=\"VirtualMachine\">vm-432</vm></group>"
            + "<group xsi:type=\"ClusterVmGroup\"><name>web-vms</name><vm type=\"VirtualMachine\">vm-500</vm></group>"
            + "<group xsi:type=\"ClusterHostGroup\"><name>fast-hosts</name><host type=\"HostSystem\">host-29</host></group>"
            + "</val>";

    @Test
    void clusterDocumentCarriesDpmAndTheVmsOfEnabledVmHostRules() throws Exception {
        InventoryModel model = new InventoryModel();
        ManagedObjectReference c = VimSession.mor("ClusterComputeResource", "domain-c7");
        model.set(c, "name", "prod");
        model.set(c, "configurationEx", read(CLUSTER_CONFIG, com.vmware.vim25.ClusterConfigInfoEx.class));
        Map<String, Object> d = new Documents(model, "p1").cluster(model.get("domain-c7"));
        assertThat(d).containsEntry("dpmEnabled", true);
        assertThat(d.get("hostAffinityVms")).isEqualTo(List.of(Map.of("kind", "VM", "id", "vm-431"),
                Map.of("kind", "VM", "id", "vm-432")));
    }
}
