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
                    engine.addObject("disks", ownIds(file(d.getValue(), m)));
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
