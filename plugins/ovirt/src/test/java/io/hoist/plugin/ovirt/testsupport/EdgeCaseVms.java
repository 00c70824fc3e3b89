package io.hoist.plugin.ovirt.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hand-made response stubs of {@code ../shared/fixtures/ovirt/edge-cases} (from vm-import-operator's tests)
 * served by the {@link OvirtEngineTestServer}: templates filled in ({@code @VMID}, {@code @STATUS}, ...), and each
 * VM's disks given ids of their own ({@code <vm>-disk-1}) so every case lives in one engine next to the others.
 */
public final class EdgeCaseVms {
    public static final String DISK_SIZE = "50331648";
    private static final Pattern LEFT_OVER = Pattern.compile("@[A-Z]{2,}");

    private final OvirtEngineTestServer engine;
    private final Path dir;

    public EdgeCaseVms(OvirtEngineTestServer engine) {
        this.engine = engine;
        this.dir = Path.of(System.getProperty("hoist.shared.dir", "../../../shared"), "fixtures", "ovirt", "edge-cases");
    }

    /** The networks, vNIC profiles (the pass-through one as {@code vnic-profile-passthrough}) and storage domain. */
    public EdgeCaseVms sharedObjects() throws Exception {
        engine.addObject("networks", file("networks/net-1.xml", Map.of()));
        engine.addObject("networks", file("networks/net-2.xml", Map.of()));
        engine.addObject("vnicprofiles", file("vnic-profiles/vnic-profile-1.xml", Map.of()));
        engine.addObject("vnicprofiles", file("vnic-profiles/vnic-profile-2.xml", Map.of()));
        engine.addObject("vnicprofiles", file("vnic-profiles/pass-through.xml", Map.of()).replace("vnic-profile-1", PASSTHROUGH_PROFILE));
        engine.addObject("storagedomains", file("storage-domains/domain-1.xml", Map.of()));
        return this;
    }

    public static final String PASSTHROUGH_PROFILE = "vnic-profile-passthrough";

    /** One VM of the fixtures: its XML, NICs, disk attachments, disks and optional watchdogs. */
    public final class Vm {
        private final String id;
        private final String vmFile;
        private final Map<String, String> macros = new LinkedHashMap<>();
        private String nics = "nics/one.xml";
        private Map<String, String> nicMacros = Map.of();
        private String attachments = "disk-attachments/one.xml";
        private Map<String, String> attachmentMacros = Map.of();
        private final Map<String, String> diskFiles = new LinkedHashMap<>(Map.of("disk-1", "disks/disk-1.xml"));
        private final Map<String, Map<String, String>> diskMacros = new LinkedHashMap<>();
        private String watchdogs;
        private Map<String, String> watchdogMacros = Map.of();
        private final Map<String, String> replacements = new LinkedHashMap<>();
        private final Map<String, String> lunStorage = new LinkedHashMap<>();

        Vm(String id, String vmFile, Map<String, String> vmMacros) {
            this.id = id;
            this.vmFile = vmFile;
            macros.put("@VMID", id);
            macros.putAll(vmMacros);
        }

        public Vm nics(String file, Map<String, String> m) {
            nics = file;
            nicMacros = m;
            return this;
        }

        public Vm attachments(String file, Map<String, String> m) {
            attachments = file;
            attachmentMacros = m;
            return this;
        }

        /** The file serving disk {@code fixtureId} ("disk-1", "disk-2") of this VM. */
        public Vm disk(String fixtureId, String file, Map<String, String> m) {
            diskFiles.put(fixtureId, file);
            diskMacros.put(fixtureId, m);
            return this;
        }

        /**
         * Disk {@code fixtureId} as a direct LUN: the storage-type stub with {@code storage_type lun} and a
         * {@code lun_storage} holding the logical unit {@code logicalUnitId} as the recorded engine reports it in
         * {@code recorded/get__storagedomains.xml} (address, port, target, lun_mapping, size: real iSCSI values).
         */
        public Vm lunDisk(String fixtureId, String logicalUnitId) {
            diskFiles.put(fixtureId, "disks/storage-type-template.xml");
            diskMacros.put(fixtureId, Map.of("@STORAGETYPE", "lun"));
            String unit = recordedLogicalUnit(logicalUnitId);
            lunStorage.put(fixtureId, "<lun_storage id=\"" + logicalUnitId + "\"><type>iscsi</type><logical_units>" + unit
                    + "</logical_units></lun_storage>");
            return this;
        }

        public Vm watchdogs(String file, Map<String, String> m) {
            watchdogs = file;
            watchdogMacros = m;
            return this;
        }

        /** A text replacement in the NICs (e.g. a vNIC profile id). */
        public Vm replaceInNics(String from, String to) {
            replacements.put(from, to);
            return this;
        }

        /** This VM's id for a fixture disk id. */
        public String diskId(String fixtureId) {
            return id + "-" + fixtureId;
        }

        public String add() throws Exception {
            Map<String, String> subs = new LinkedHashMap<>();
            String nicXml = file(nics, nicMacros);
            for (Map.Entry<String, String> r : replacements.entrySet()) {
                nicXml = nicXml.replace(r.getKey(), r.getValue());
            }
            subs.put("nics", nicXml);
            String att = file(attachments, attachmentMacros);
            for (Map.Entry<String, String> d : diskFiles.entrySet()) {
                Map<String, String> m = new LinkedHashMap<>(Map.of("@DISKSIZE", DISK_SIZE, "@DISKID", d.getKey()));
                m.putAll(diskMacros.getOrDefault(d.getKey(), Map.of()));
                if (att.contains("\"" + d.getKey() + "\"") || att.contains("/" + d.getKey() + "\"")) {
                    String disk = file(d.getValue(), m);
                    if (lunStorage.containsKey(d.getKey())) {
                        // the stub is written as disk-1: give it this fixture id, and a LUN has no storage domain
                        disk = disk.replace("/disks/disk-1\"", "/disks/" + d.getKey() + "\"")
                                .replace("id=\"disk-1\"", "id=\"" + d.getKey() + "\"")
                                .replaceAll("(?s)<storage_domains>.*?</storage_domains>", "")
                                .replace("</disk>", lunStorage.get(d.getKey()) + "</disk>");
                    }
                    engine.addObject("disks", ownIds(disk));
                }
            }
            subs.put("diskattachments", ownIds(att));
            subs.put("graphicsconsoles", file("graphic-consoles/vnc.xml", Map.of()));
            if (watchdogs != null) {
                subs.put("watchdogs", file(watchdogs, watchdogMacros));
            }
            return engine.addVm(file(vmFile, macros), subs);
        }

        private String ownIds(String xml) {
            String out = xml;
            for (String d : List.of("disk-1", "disk-2")) {
                out = out.replace("/disks/" + d + "\"", "/disks/" + diskId(d) + "\"").replace("id=\"" + d + "\"", "id=\"" + diskId(d) + "\"");
            }
            return out;
        }
    }

    /** A {@code <logical_unit>} element of the recorded storage domains, as the engine served it. */
    public String recordedLogicalUnit(String id) {
        try {
            String xml = Files.readString(dir.getParent().resolve("recorded").resolve("get__storagedomains.xml"));
            int start = xml.indexOf("<logical_unit id=\"" + id + "\"");
            if (start < 0) {
                throw new IllegalArgumentException("no logical unit " + id + " in the recorded storage domains");
            }
            int end = xml.indexOf("</logical_unit>", start) + "</logical_unit>".length();
            return xml.substring(start, end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded iSCSI logical unit: 10.46.9.43:3260, lun_mapping 1, 9 GiB. */
    public static final String RECORDED_LUN = "36001405ee0b74100598487e9c5f90850";

    public Vm vm(String id, String vmFile, Map<String, String> macros) {
        return new Vm(id, vmFile, macros);
    }

    /** A fixture file with its {@code @MACROS} filled in; a macro left unfilled fails the test that asked for it. */
    public String file(String relative, Map<String, String> macros) {
        try {
            String text = Files.readString(dir.resolve(relative));
            for (Map.Entry<String, String> m : macros.entrySet()) {
                text = text.replace(m.getKey(), m.getValue());
            }
            Matcher left = LEFT_OVER.matcher(text);
            if (left.find()) {
                throw new IllegalArgumentException(relative + ": macro " + left.group() + " not filled in");
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
