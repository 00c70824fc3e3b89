package io.hoist.plugin.ova.ovf;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads OVF 1.x/2.x descriptors. Elements and attributes are matched by local name, so the OVF 1 and 2
 * namespaces and the rasd/sasd/epasd item flavours all work; VMware's {@code vmw:} extensions give cores
 * per socket, firmware and hot-plug flags. DTDs and external entities are refused (the files are untrusted).
 */
public final class OvfParser {
    static final String VMW_NS = "http://www.vmware.com/schema/ovf";
    private static final long MIB = 1L << 20;

    // CIM ResourceType values used in VirtualHardwareSection items.
    private static final int CPU = 3;
    private static final int MEMORY = 4;
    private static final int IDE = 5;
    private static final int SCSI = 6;
    private static final int ETHERNET = 10;
    private static final int DISK = 17;
    private static final int OTHER_STORAGE = 20;

    private OvfParser() {}

    /** Parses {@code xml}; errors name {@code source} and the offending field. */
    public static OvfEnvelope parse(byte[] xml, String source) throws IOException {
        Document doc;
        try {
            doc = builder().parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            throw new IOException(source + ": not a valid OVF descriptor: " + e.getMessage(), e);
        }
        Element env = doc.getDocumentElement();
        if (!"Envelope".equals(env.getLocalName())) {
            throw new IOException(source + ": not an OVF descriptor (root element is " + env.getLocalName()
                    + ", expected Envelope)");
        }
        try {
            return read(env);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    private static OvfEnvelope read(Element env) {
        List<OvfEnvelope.File> files = new ArrayList<>();
        for (Element f : descendants(env, "File")) {
            if (!"References".equals(parentName(f))) {
                continue;
            }
            String size = attr(f, "size");
            files.add(new OvfEnvelope.File(attr(f, "id"), attr(f, "href"),
                    size == null ? -1 : parseLong(size, "References/File[" + attr(f, "href") + "]/size"),
                    attr(f, "compression"), attr(f, "chunkSize")));
        }
        List<OvfEnvelope.Disk> disks = new ArrayList<>();
        for (Element d : descendants(env, "Disk")) {
            if (!"DiskSection".equals(parentName(d)) && !"VirtualDiskDescSection".equals(parentName(d))) {
                continue;
            }
            String id = attr(d, "diskId");
            String field = "DiskSection/Disk[" + id + "]";
            String units = attr(d, "capacityAllocationUnits");
            long capacity = AllocationUnits.toBytes(attr(d, "capacity"), units, 1, field + "/capacity");
            String populated = attr(d, "populatedSize");
            disks.add(new OvfEnvelope.Disk(id, attr(d, "fileRef"), capacity, units == null ? "byte" : units,
                    attr(d, "format"), populated == null ? 0 : parseLong(populated, field + "/populatedSize")));
        }
        List<OvfEnvelope.Network> networks = new ArrayList<>();
        for (Element n : descendants(env, "Network")) {
            if ("NetworkSection".equals(parentName(n))) {
                networks.add(new OvfEnvelope.Network(attr(n, "name"), childText(n, "Description")));
            }
        }
        List<OvfEnvelope.VirtualSystem> systems = new ArrayList<>();
        String hardwareFamily = null;
        for (Element vs : descendants(env, "VirtualSystem")) {
            OvfEnvelope.VirtualSystem s = virtualSystem(vs);
            systems.add(s);
            if (hardwareFamily == null) {
                hardwareFamily = s.hardwareVersion();
            }
        }
        if (systems.isEmpty()) {
            throw new IllegalArgumentException("the descriptor has no VirtualSystem");
        }
        return new OvfEnvelope(files, disks, networks, systems, exportSource(env, hardwareFamily));
    }

    private static OvfEnvelope.VirtualSystem virtualSystem(Element vs) {
        String id = attr(vs, "id");
        String name = childText(vs, "Name");
        if (name == null || name.isBlank()) {
            name = id;
        }
        if (id == null || id.isBlank()) {
            id = name;
        }
        if (id == null) {
            throw new IllegalArgumentException("VirtualSystem: neither ovf:id nor Name is set");
        }
        String vsField = "VirtualSystem[" + id + "]";
        String osType = null;
        String osDescription = null;
        for (Element os : descendants(vs, "OperatingSystemSection")) {
            osType = attrNs(os, VMW_NS, "osType");
            osDescription = childText(os, "Description");
            break;
        }
        String hardwareVersion = null;
        for (Element t : descendants(vs, "VirtualSystemType")) {
            hardwareVersion = text(t);
            break;
        }
        // Only the hardware section's own Config/ExtraConfig: items (disks, NICs) carry their own keys.
        Map<String, String> config = new LinkedHashMap<>();
        for (Element hw : descendants(vs, "VirtualHardwareSection")) {
            for (Node n = hw.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element c && ("Config".equals(c.getLocalName()) || "ExtraConfig".equals(c.getLocalName()))) {
                    putConfig(config, c);
                }
            }
            break;
        }
        int cpus = 1;
        int cores = 1;
        long memory = 0;
        Map<String, String> controllerBus = new LinkedHashMap<>();
        List<Element> diskItems = new ArrayList<>();
        List<OvfEnvelope.Nic> nics = new ArrayList<>();
        for (Element item : items(vs)) {
            String typeText = childText(item, "ResourceType");
            if (typeText == null) {
                continue;
            }
            int type = (int) parseLong(typeText, vsField + "/Item/ResourceType");
            String instance = childText(item, "InstanceID");
            String subType = lower(childText(item, "ResourceSubType"));
            switch (type) {
                case CPU -> {
                    cpus = (int) parseLong(childText(item, "VirtualQuantity"), vsField + " CPU VirtualQuantity");
                    String cps = childText(item, "CoresPerSocket");
                    if (cps != null) {
                        cores = (int) parseLong(cps, vsField + " vmw:CoresPerSocket");
                    }
                }
                case MEMORY -> memory = AllocationUnits.toBytes(childText(item, "VirtualQuantity"),
                        childText(item, "AllocationUnits"), MIB, vsField + " memory VirtualQuantity");
                case IDE -> controllerBus.put(instance, "ide");
                case SCSI -> controllerBus.put(instance, "scsi");
                case OTHER_STORAGE -> controllerBus.put(instance, subType.contains("nvme") ? "nvme" : "sata");
                case DISK -> diskItems.add(item);
                case ETHERNET -> nics.add(new OvfEnvelope.Nic(childText(item, "ElementName"),
                        normalizeMac(childText(item, "Address")), childText(item, "Connection"),
                        childText(item, "ResourceSubType")));
                default -> { }
            }
        }
        if (cpus < 1) {
            throw new IllegalArgumentException(vsField + ": CPU VirtualQuantity " + cpus + " must be at least 1");
        }
        if (cores < 1 || cpus % cores != 0) {
            // Inconsistent topology: keep the CPU count, which is what the guest was sized for.
            cores = 1;
        }
        List<OvfEnvelope.AttachedDisk> disks = new ArrayList<>();
        for (Element item : diskItems) {
            String host = childText(item, "HostResource");
            if (host == null) {
                continue;
            }
            String diskId = host.substring(host.lastIndexOf('/') + 1);
            String bus = controllerBus.getOrDefault(childText(item, "Parent"), "scsi");
            String unit = childText(item, "AddressOnParent");
            disks.add(new OvfEnvelope.AttachedDisk(diskId, childText(item, "ElementName"), bus,
                    unit == null ? disks.size() : (int) parseLong(unit, vsField + " disk AddressOnParent")));
        }
        String firmware = "efi".equalsIgnoreCase(config.get("firmware")) ? "efi" : "bios";
        return new OvfEnvelope.VirtualSystem(id, name, osType, osDescription, hardwareVersion, cpus, cores, memory,
                firmware, isTrue(config, "bootOptions.efiSecureBootEnabled") || isTrue(config, "uefi.secureBoot.enabled"),
                isTrue(config, "cpuHotAddEnabled") || isTrue(config, "vcpu.hotadd"),
                isTrue(config, "cpuHotRemoveEnabled") || isTrue(config, "vcpu.hotremove"),
                isTrue(config, "memoryHotAddEnabled") || isTrue(config, "mem.hotadd"),
                cpuAffinity(config), disks, nics, config);
    }

    /** {@code sched.cpu.affinity} ("0,2,3" or "all") from ExtraConfig: the CPUs a VM is pinned to. */
    private static List<Integer> cpuAffinity(Map<String, String> config) {
        String v = config.get("sched.cpu.affinity");
        List<Integer> out = new ArrayList<>();
        if (v == null || v.isBlank() || v.equalsIgnoreCase("all")) {
            return out;
        }
        for (String part : v.split("[,\\s]+")) {
            if (!part.isBlank()) {
                out.add(Integer.parseInt(part.trim()));
            }
        }
        return out;
    }

    /** Who exported the OVA; MTV's validation warns when it is not VMware. */
    private static String exportSource(Element env, String hardwareFamily) {
        String family = lower(hardwareFamily);
        Map<String, String> namespaces = new LinkedHashMap<>();
        NamedNodeMap attrs = env.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
                namespaces.put(a.getValue(), a.getLocalName());
            }
        }
        if (family.startsWith("vmx-")) {
            return "VMware";
        }
        if (family.startsWith("virtualbox") || namespaces.keySet().stream().anyMatch(n -> n.contains("virtualbox"))) {
            return "VirtualBox";
        }
        if (family.contains("ovirt") || namespaces.keySet().stream().anyMatch(n -> n.contains("ovirt"))) {
            return "oVirt";
        }
        if (namespaces.containsKey(VMW_NS)) {
            return "VMware";
        }
        return "Unknown";
    }

    private static void putConfig(Map<String, String> config, Element c) {
        String key = attrNs(c, VMW_NS, "key");
        if (key == null) {
            key = attr(c, "key");
        }
        String value = attrNs(c, VMW_NS, "value");
        if (value == null) {
            value = attr(c, "value");
        }
        if (key != null && value != null) {
            config.put(key, value);
        }
    }

    private static boolean isTrue(Map<String, String> config, String key) {
        return "true".equalsIgnoreCase(config.get(key)) || "TRUE".equals(config.get(key));
    }

    private static String normalizeMac(String mac) {
        return mac == null ? null : mac.trim().toLowerCase(Locale.ROOT).replace('-', ':');
    }

    private static List<Element> items(Element vs) {
        List<Element> out = new ArrayList<>();
        for (Element hw : descendants(vs, "VirtualHardwareSection")) {
            for (Node n = hw.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && (e.getLocalName().equals("Item") || e.getLocalName().equals("StorageItem")
                        || e.getLocalName().equals("EthernetPortItem"))) {
                    out.add(e);
                }
            }
            break; // The first hardware section is the default configuration.
        }
        return out;
    }

    private static List<Element> descendants(Element root, String localName) {
        NodeList list = root.getElementsByTagNameNS("*", localName);
        List<Element> out = new ArrayList<>(list.getLength());
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    private static String parentName(Element e) {
        return e.getParentNode() instanceof Element p ? p.getLocalName() : "";
    }

    /** Text of the first direct child with this local name. */
    private static String childText(Element e, String localName) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && localName.equals(c.getLocalName())) {
                return text(c);
            }
        }
        return null;
    }

    private static String text(Element e) {
        String t = e.getTextContent();
        return t == null ? null : t.trim();
    }

    /** An attribute by local name in any namespace (ovf:id in OVF 1 and 2, or unqualified). */
    private static String attr(Element e, String localName) {
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            String ln = a.getLocalName() != null ? a.getLocalName() : a.getName();
            if (localName.equals(ln) && !XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
                return a.getValue();
            }
        }
        return null;
    }

    private static String attrNs(Element e, String ns, String localName) {
        return e.hasAttributeNS(ns, localName) ? e.getAttributeNS(ns, localName) : null;
    }

    private static long parseLong(String v, String field) {
        if (v == null) {
            throw new IllegalArgumentException(field + ": value is missing");
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + v + "' is not a whole number");
        }
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static DocumentBuilder builder() throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder b = f.newDocumentBuilder();
            // Fail with the message instead of the default handler's printing to stderr.
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void error(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IOException("XML parser setup failed: " + e.getMessage(), e);
        }
    }
}
