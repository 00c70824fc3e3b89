package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.items;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold vSphere migration through the whole platform (a child JVM running {@code hoist serve} with the
 * plugin jars of dist/plugins): govmomi's vCenter simulator as the source, the KubeVirt folder as the
 * destination, two VMs (one running, one off) on one ESXi host.
 *
 * <p>The VMs' host has a Host resource (ipAddress 127.0.0.1 and the host's own credentials) pointing at a
 * second simulator, a standalone ESXi listening on 127.0.0.1:443, which plays that host on the migration
 * network. The two simulators hold different bytes for the same disk files, so the target disks show
 * which way the disks were read: through the Host, not through vCenter.
 */
class VsphereColdMigrationIT {
    static final String NS = "vsphere-cold";
    static final List<String> VMS = List.of("DC0_H0_VM0", "DC0_H0_VM1");

    @Test
    void twoVmsMigrateColdThroughTheHostByteForByte(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        try (Vcsim vcenter = Vcsim.start("-vm", "2", "-cluster", "0", "-host", "1");
             // the ESXi host on the migration network: a Host's ipAddress has no port, so it is 443
             Vcsim esx = Vcsim.start("-esx", "-vm", "0", "-listen", "127.0.0.1:443")) {
            CrashResumeIT.Child child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort());
            try {
                migrate(child.client(), vcenter, esx, target);
            } finally {
                child.kill();
            }
        }
    }

    private void migrate(ApiClient api, Vcsim vcenter, Vcsim esx, Path target) throws Exception {
        apply(api, NS, """
                apiVersion: v1
                kind: Secret
                metadata: {name: vc-secret, namespace: %1$s}
                type: Opaque
                stringData: {user: "%2$s", password: "%3$s", cacert: "%4$s"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: esx-secret, namespace: %1$s}
                type: Opaque
                stringData: {user: "%2$s", password: "%3$s", cacert: "%5$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: vcenter, namespace: %1$s}
                spec: {type: vsphere, url: "%6$s", secret: {name: vc-secret, namespace: %1$s}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: folder, namespace: %1$s}
                spec: {type: openshift, url: "file://%8$s", secret: {name: folder-secret, namespace: %1$s}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: folder-secret, namespace: %1$s}
                type: Opaque
                stringData: {url: "file://%8$s"}
                """.formatted(NS, Vcsim.USER, Vcsim.PASSWORD, json(vcenter.caPem()), json(esx.caPem()),
                vcenter.url, "unused", target));
        String vcUid = waitTrue(api, ResourceKind.PROVIDER, NS, "vcenter", "Ready", 120).path("metadata").path("uid").asText();
        String base = "/providers/vsphere/" + vcUid;

        Map<String, JsonNode> vms = new HashMap<>();
        for (String name : VMS) {
            vms.put(name, waitForVm(api, base, name));
        }
        // vcsim names datastores by their directory ("/tmp/govcsim-...@folder-5"), an id the platform's
        // inventory refuses ('/'), so the datastore id comes from the VM's disk and its directory from vcsim
        String datastoreId = vms.get(VMS.get(0)).path("disks").get(0).path("datastore").path("id").asText();
        String networkId = vms.get(VMS.get(0)).path("networks").get(0).path("id").asText();
        String hostId = vms.get(VMS.get(0)).path("host").asText();
        assertThat(vms.get(VMS.get(1)).path("host").asText()).as("both VMs on one host").isEqualTo(hostId);

        // known bytes on the ESXi host's datastore, other bytes behind vCenter: the target shows the path taken
        Map<String, String> expected = new HashMap<>();
        Map<String, String> viaVcenter = new HashMap<>();
        Map<String, List<String>> macs = new HashMap<>();
        Random random = new Random(20261126L);
        for (String name : VMS) {
            JsonNode vm = vms.get(name);
            JsonNode disk = vm.path("disks").get(0);
            assertThat(vm.path("disks")).as(name + " disks").hasSize(1);
            int capacity = disk.path("capacity").asInt();
            byte[] onHost = new byte[capacity];
            random.nextBytes(onHost);
            byte[] onVcenter = onHost.clone();
            onVcenter[capacity / 2] ^= 1;
            write(esx.datastoreDirs.get("LocalDS_0"), disk.path("file").asText(), onHost);
            write(vcenter.datastoreDirs.get("LocalDS_0"), disk.path("file").asText(), onVcenter);
            expected.put(name, Appliances.sha256Bytes(onHost));
            viaVcenter.put(name, Appliances.sha256Bytes(onVcenter));
            List<String> vmMacs = new ArrayList<>();
            vm.path("nics").forEach(n -> vmMacs.add(n.path("mac").asText()));
            assertThat(vmMacs).as(name + " MACs").isNotEmpty().allMatch(m -> m.matches("[0-9a-f:]{17}"));
            macs.put(name, vmMacs);
        }
        // the second VM is off before the migration; the first runs and must be powered off by the engine
        try (VimAdminForTests admin = VimAdminForTests.login(vcenter)) {
            admin.powerOff(vms.get(VMS.get(1)).path("id").asText());
        }
        waitForPowerState(api, base, VMS.get(1), "poweredOff");
        assertThat(waitForVm(api, base, VMS.get(0)).path("powerState").asText()).isEqualTo("poweredOn");

        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Host
                metadata: {name: esx-host, namespace: %1$s}
                spec:
                  id: %2$s
                  provider: {name: vcenter, namespace: %1$s}
                  ipAddress: 127.0.0.1
                  secret: {name: esx-secret, namespace: %1$s}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: %1$s}
                spec:
                  provider: {source: {name: vcenter, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "%3$s"}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: %1$s}
                spec:
                  provider: {source: {name: vcenter, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "%4$s"}, destination: {storageClass: standard}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: cold, namespace: %1$s}
                spec:
                  skipGuestConversion: true   # the simulated disks hold data, no operating system to convert
                  targetNamespace: migrated
                  provider: {source: {name: vcenter, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: %5$s}, {id: %6$s}]
                """.formatted(NS, hostId, networkId, datastoreId,
                vms.get(VMS.get(0)).path("id").asText(), vms.get(VMS.get(1)).path("id").asText()));
        waitTrue(api, ResourceKind.PLAN, NS, "cold", "Ready", 120);
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: cold-run, namespace: %1$s}
                spec: {plan: {name: cold, namespace: %1$s}}
                """.formatted(NS));
        JsonNode plan = waitTrueOrFailed(api, NS, "cold", 300);

        Path migrated = target.resolve("migrated");
        try (Stream<Path> dirs = Files.list(migrated)) {
            assertThat(dirs.count()).as("one target VM folder per source VM").isEqualTo(VMS.size());
        }
        for (String name : VMS) {
            Path vmDir = migrated.resolve(targetName(name));
            assertThat(vmDir).as(name + " target folder").isDirectory();
            List<Path> images;
            try (Stream<Path> files = Files.list(vmDir)) {
                images = files.filter(f -> f.toString().endsWith(".img")).toList();
            }
            assertThat(images).as(name + " disks").hasSize(1);
            String sha = Appliances.sha256(images.get(0));
            assertThat(sha).as(name + " disk read through the Host (not vCenter)")
                    .isEqualTo(expected.get(name)).isNotEqualTo(viaVcenter.get(name));
            String manifest = Files.readString(vmDir.resolve("virtualmachine.yaml"));
            for (String mac : macs.get(name)) {
                assertThat(manifest).as(name + " MAC").contains(mac);
            }
            String strategy = name.equals(VMS.get(0)) ? "Always" : "Halted";
            assertThat(manifest).as(name + " runStrategy").containsPattern("runStrategy: \"?" + strategy);
        }
        int checked = 0;
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            for (JsonNode step : vm.path("pipeline")) {
                for (JsonNode task : step.path("tasks")) {
                    JsonNode a = task.path("annotations");
                    if (a.has("hoist.io/source-checksum")) {
                        assertThat(a.path("hoist.io/source-checksum").asText()).as(vm.path("id") + " checksums")
                                .startsWith("sha256-4m:").isEqualTo(a.path("hoist.io/target-checksum").asText());
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).as("disk copy tasks with checksums: " + plan.path("status")).isEqualTo(VMS.size());
        // the running VM was powered off by the engine (the plugin refuses to read a running VM's live disk)
        // and, the migration having succeeded, stays off like MTV's; its stored power state was On
        waitForPowerState(api, base, VMS.get(0), "poweredOff");
        Map<String, String> stored = new HashMap<>();
        plan.path("status").path("migration").path("vms")
                .forEach(v -> stored.put(v.path("id").asText(), v.path("restorePowerState").asText()));
        assertThat(stored).as("stored source power states")
                .containsEntry(vms.get(VMS.get(0)).path("id").asText(), "On")
                .containsEntry(vms.get(VMS.get(1)).path("id").asText(), "Off");
    }

    /** The target VM name: MTV's DNS-1123 form of the source name. */
    static String targetName(String source) {
        return source.toLowerCase().replace('_', '-');
    }

    static JsonNode waitTrueOrFailed(ApiClient api, String ns, String plan, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            JsonNode o = api.get(ResourceKind.PLAN, ns, plan);
            if (CrashResumeIT.isTrue(o, "Succeeded")) {
                return o;
            }
            assertThat(CrashResumeIT.isTrue(o, "Failed")).as("plan failed: " + o.path("status")).isFalse();
            assertThat(System.nanoTime()).as("plan did not succeed in time: " + o.path("status")).isLessThan(end);
            Thread.sleep(500);
        }
    }

    static JsonNode waitForVm(ApiClient api, String base, String name) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (true) {
            for (JsonNode vm : collected(api, base + "/vms?detail=1")) {
                if (name.equals(vm.path("name").asText())) {
                    return vm;
                }
            }
            assertThat(System.nanoTime()).as("VM " + name + " in the inventory").isLessThan(end);
            Thread.sleep(300);
        }
    }

    /** An inventory collection, once the provider's first collection has published it. */
    static List<JsonNode> collected(ApiClient api, String path) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                List<JsonNode> out = items(api.getPath(path));
                if (!out.isEmpty()) {
                    return out;
                }
            } catch (RuntimeException notYet) {
                assertThat(System.nanoTime()).as(path + ": " + notYet.getMessage() + "; provider: "
                        + api.getPath(path.substring(0, path.indexOf('/', "/providers/vsphere/".length())) + "?detail=1"))
                        .isLessThan(end);
            }
            assertThat(System.nanoTime()).as(path + " is empty").isLessThan(end);
            Thread.sleep(300);
        }
    }

    static void waitForPowerState(ApiClient api, String base, String name, String state) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!state.equals(waitForVm(api, base, name).path("powerState").asText())) {
            assertThat(System.nanoTime()).as(name + " " + state).isLessThan(end);
            Thread.sleep(300);
        }
    }

    /** Writes a disk's flat extent ({@code [ds] dir/disk.vmdk} → {@code dir/disk-flat.vmdk}) in a datastore's directory. */
    static void write(Path datastoreDir, String file, byte[] bytes) throws Exception {
        String path = file.substring(file.indexOf(']') + 1).trim().replaceFirst("\\.vmdk$", "-flat.vmdk");
        Path f = datastoreDir.resolve(path);
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
    }

    static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
