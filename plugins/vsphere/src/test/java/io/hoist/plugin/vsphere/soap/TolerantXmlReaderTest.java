package io.hoist.plugin.vsphere.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualEthernetCard;
import com.vmware.vim25.VirtualMachineConfigInfo;
import com.vmware.vim25.VirtualMachinePowerState;
import com.vmware.vim25.VirtualMachineRuntimeInfo;
import com.vmware.vim25.ws.XmlGen;
import io.hoist.plugin.vsphere.inventory.Documents;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.dom4j.DocumentHelper;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Elements, types and enum values newer than vijava 5.1's model, as current vCenters send them. */
class TolerantXmlReaderTest {
    private static final String NS = "xmlns=\"urn:vim25\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
            + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"";

    private static final String SERVICE_CONTENT = "<RetrieveServiceContentResponse " + NS + "><returnval>"
            + "<rootFolder type=\"Folder\">group-d1</rootFolder>"
            + "<propertyCollector type=\"PropertyCollector\">propertyCollector</propertyCollector>"
            + "<about><name>VMware vCenter Server</name><apiType>VirtualCenter</apiType><apiVersion>8.0.3.0</apiVersion>"
            + "<productLineId>vpx</productLineId></about>"
            + "<sessionManager type=\"SessionManager\">SessionManager</sessionManager>"
            + "<datastoreNamespaceManager type=\"DatastoreNamespaceManager\">DatastoreNamespaceManager</datastoreNamespaceManager>"
            + "<vStorageObjectManager type=\"VcenterVStorageObjectManager\">VStorageObjectManager</vStorageObjectManager>"
            + "<cryptoManager type=\"CryptoManagerKmip\">CryptoManager</cryptoManager>"
            + "</returnval></RetrieveServiceContentResponse>";

    private static Element parse(String xml) throws Exception {
        return VimSoapClient.newBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    private static Element returnval(Element response) {
        return (Element) response.getElementsByTagNameNS("urn:vim25", "returnval").item(0);
    }

    @Test
    void vijavasOwnDeserializerRejectsNewerServiceContent() throws Exception {
        // the failure this reader exists for: vijava 5.1 cannot even log in to a current vCenter
        org.dom4j.Element resp = DocumentHelper.parseText(SERVICE_CONTENT).getRootElement();
        assertThatThrownBy(() -> XmlGen.fromXML("ServiceContent", resp))
                .hasStackTraceContaining("NoSuchFieldException");
    }

    @Test
    void newerServiceContentElementsAreSkipped() throws Exception {
        ServiceContent sc = (ServiceContent) new TolerantXmlReader().read(returnval(parse(SERVICE_CONTENT)),
                ServiceContent.class);
        assertThat(sc.getRootFolder().get_value()).isEqualTo("group-d1");
        assertThat(sc.getSessionManager().getType()).isEqualTo("SessionManager");
        assertThat(sc.getAbout().getApiVersion()).isEqualTo("8.0.3.0");
        assertThat(TolerantXmlReader.extras(sc).fields()).doesNotContainKey("about"); // complex ones are not kept
    }

    @Test
    void newerDeviceTypesFieldsAndEnumValuesAreTolerated() throws Exception {
        String xml = "<r " + NS + "><returnval xsi:type=\"VirtualMachineConfigInfo\">"
                + "<name>vm1</name><uuid>4225-1</uuid><template>false</template><guestId>rhel9_64Guest</guestId>"
                + "<firmware>efi</firmware><changeTrackingEnabled>true</changeTrackingEnabled>"
                + "<bootOptions><bootDelay>0</bootDelay><efiSecureBootEnabled>true</efiSecureBootEnabled></bootOptions>"
                + "<cpuAffinity><affinitySet>0</affinitySet><affinitySet>2</affinitySet></cpuAffinity>"
                + "<hardware><numCPU>4</numCPU><numCoresPerSocket>2</numCoresPerSocket><memoryMB>2048</memoryMB>"
                + "<device xsi:type=\"VirtualTPM\"><key>11000</key><endorsementKeyCertificate>AAAA</endorsementKeyCertificate></device>"
                + "<device xsi:type=\"VirtualSriovEthernetCard\"><key>4000</key><macAddress>00:50:56:aa:bb:cc</macAddress>"
                + "<sriovBacking><physicalFunctionBacking><id>0000:3b:00.0</id></physicalFunctionBacking></sriovBacking></device>"
                + "<device xsi:type=\"VirtualNVMEController\"><key>31000</key><busNumber>0</busNumber><device>2000</device></device>"
                + "<device xsi:type=\"VirtualDisk\"><key>2000</key><controllerKey>31000</controllerKey><unitNumber>0</unitNumber>"
                + "<capacityInKB>1048576</capacityInKB><capacityInBytes>1073741824</capacityInBytes>"
                + "<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>[ds1] vm1/vm1.vmdk</fileName>"
                + "<diskMode>persistent</diskMode><sharing>sharingMultiWriter</sharing></backing>"
                + "<vDiskId><id>abc</id></vDiskId></device>"
                + "<device xsi:type=\"VirtualBrandNewDevice2031\"><key>99</key></device>"
                + "</hardware>"
                + "<extraConfig><key>disk.EnableUUID</key><value xsi:type=\"xsd:string\">TRUE</value></extraConfig>"
                + "<extraConfig><key>numa.nodeAffinity</key><value xsi:type=\"xsd:string\">0,1</value></extraConfig>"
                + "</returnval></r>";
        VirtualMachineConfigInfo cfg = (VirtualMachineConfigInfo) new TolerantXmlReader()
                .read(returnval(parse(xml)), VirtualMachineConfigInfo.class);
        assertThat(cfg.getUuid()).isEqualTo("4225-1");
        assertThat(cfg.getCpuAffinity().getAffinitySet()).containsExactly(0, 2);
        assertThat(TolerantXmlReader.extraField(cfg.getBootOptions(), "efiSecureBootEnabled")).isEqualTo("true");
        VirtualDevice[] devs = cfg.getHardware().getDevice();
        assertThat(devs).hasSize(5);
        assertThat(TolerantXmlReader.wireType(devs[0])).isEqualTo("VirtualTPM");
        assertThat(devs[1]).isInstanceOf(VirtualEthernetCard.class);
        assertThat(((VirtualEthernetCard) devs[1]).getMacAddress()).isEqualTo("00:50:56:aa:bb:cc");
        assertThat(TolerantXmlReader.wireType(devs[1])).isEqualTo("VirtualSriovEthernetCard");
        assertThat(Documents.busOf(devs[2])).isEqualTo("nvme");
        VirtualDisk disk = (VirtualDisk) devs[3];
        assertThat(Documents.capacityBytes(disk)).isEqualTo(1073741824L);
        assertThat(TolerantXmlReader.extraField(disk.getBacking(), "sharing")).isEqualTo("sharingMultiWriter");
        assertThat(devs[4].getKey()).isEqualTo(99);
        assertThat(TolerantXmlReader.wireType(devs[4])).isEqualTo("VirtualBrandNewDevice2031");
        assertThat(cfg.getExtraConfig()[0].getValue()).isEqualTo("TRUE");
    }

    @Test
    void unknownEnumValueReadsAsNullAndAnyTypeArraysAreTyped() throws Exception {
        String xml = "<r " + NS + "><returnval><powerState>poweredSideways</powerState>"
                + "<connectionState>connected</connectionState><consolidationNeeded>true</consolidationNeeded>"
                + "</returnval>"
                + "<returnval xsi:type=\"ArrayOfManagedObjectReference\"><ManagedObjectReference type=\"Network\">network-1"
                + "</ManagedObjectReference><ManagedObjectReference type=\"DistributedVirtualPortgroup\">dvportgroup-9"
                + "</ManagedObjectReference></returnval></r>";
        Element r = parse(xml);
        TolerantXmlReader reader = new TolerantXmlReader();
        VirtualMachineRuntimeInfo rt = (VirtualMachineRuntimeInfo) reader.read(
                (Element) r.getElementsByTagNameNS("urn:vim25", "returnval").item(0), VirtualMachineRuntimeInfo.class);
        assertThat(rt.getPowerState()).isNull();
        assertThat(rt.getConsolidationNeeded()).isTrue();
        Object arr = reader.read((Element) r.getElementsByTagNameNS("urn:vim25", "returnval").item(1), Object.class);
        assertThat(arr).isInstanceOf(com.vmware.vim25.ManagedObjectReference[].class);
        assertThat(((com.vmware.vim25.ManagedObjectReference[]) arr)[1].get_value()).isEqualTo("dvportgroup-9");
        assertThat(VirtualMachinePowerState.poweredOn.toString()).isEqualTo("poweredOn");
    }

    @Test
    void doctypesAreRefused() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        assertThatThrownBy(() -> parse(xml)).hasMessageContaining("DOCTYPE");
    }
}
