package io.hoist.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The objects of an OVA-to-folder migration, as the crash and cluster ITs start one. */
final class MigrationSetup {
    private MigrationSetup() {}

    /** OVA appliances of one 48 MiB disk each, by VM name, with the SHA-256 of each disk's raw bytes. */
    record OvaVms(Path dir, List<String> names, List<String> sha256) {
        /** {@code count} appliances {@code prefix-0…} in {@code tmp/ova}, seeded from {@code seed}, MACs 00:50:56:8a:{@code macByte}:nn. */
        static OvaVms build(Path tmp, String prefix, int count, long seed, int macByte) throws Exception {
            return build(tmp, prefix, count, seed, macByte, 48);
        }

        /** As above with disks of {@code mib} MiB (data in the first quarter and every 8th MiB after it). */
        static OvaVms build(Path tmp, String prefix, int count, long seed, int macByte, int mib) throws Exception {
            Path dir = Files.createDirectories(tmp.resolve("ova"));
            List<String> names = new ArrayList<>();
            List<String> sha256 = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = prefix + "-" + i;
                Path ova = Appliances.build(dir, name, mib, seed + i, String.format("00:50:56:8a:%02x:%02x", macByte, i));
                names.add(name);
                sha256.add(Appliances.rawSha256(ova, name, tmp.resolve("work")));
            }
            return new OvaVms(dir, List.copyOf(names), List.copyOf(sha256));
        }

        /** Exactly one target VM per source VM under {@code target/migrated}, each disk equal to its source's bytes. */
        void assertMigratedOnceEach(Path target) throws Exception {
            try (Stream<Path> dirs = Files.list(target.resolve("migrated"))) {
                assertThat(dirs.count()).as("one target VM per source VM").isEqualTo(names.size());
            }
            for (int i = 0; i < names.size(); i++) {
                Path vmDir = target.resolve("migrated").resolve(names.get(i));
                try (Stream<Path> files = Files.list(vmDir)) {
                    assertThat(files.filter(f -> f.getFileName().toString().startsWith("virtualmachine")).count())
                            .as("target VM definitions of " + names.get(i)).isEqualTo(1);
                }
                Path image = Appliances.onlyDiskImage(vmDir);
                assertThat(image).as("the disk image of " + names.get(i)).isNotNull();
                assertThat(Appliances.sha256(image)).as(names.get(i)).isEqualTo(sha256.get(i));
            }
        }
    }

    /** What a Plan asks of the guest. */
    enum GuestConversion {
        /** virt-v2v converts the guest (the Plan's default). */
        CONVERT(""),
        /** no conversion: for simulated disks, which hold data and no operating system to convert. */
        SKIP("skipGuestConversion: true"),
        /** no conversion, and the target VM on virtio devices rather than compatibility ones: the guest as it came. */
        SKIP_ON_VIRTIO("skipGuestConversion: true\nuseCompatibilityMode: false");

        /** The Plan's spec fields that ask for it, one a line. */
        private final String specFields;

        GuestConversion(String specFields) {
            this.specFields = specFields;
        }
    }

    /**
     * In {@code ns}: an OVA provider on {@code ovaDir}, a folder destination on {@code target}, maps, a Plan named
     * {@code plan} of the VMs {@code names} (no guest conversion: the simulated disks hold data only) and once it is
     * Ready its Migration {@code plan-run}; the ForkliftController allows 2 VMs in flight per host.
     */
    static void ovaToFolder(ApiClient api, String ns, Path ovaDir, Path target, String plan, List<String> names)
            throws InterruptedException {
        ovaToFolder(api, ns, ovaDir, target, plan, names, "controller_max_vm_inflight: 2");
    }

    /** As above, with the ForkliftController's spec fields {@code controllerSpec} ({@code k: v, ...}). */
    static void ovaToFolder(ApiClient api, String ns, Path ovaDir, Path target, String plan, List<String> names,
                            String controllerSpec) throws InterruptedException {
        ovaProviderAndMaps(api, ns, ovaDir, target, controllerSpec);
        readyPlan(api, ns, plan, "migrated", GuestConversion.SKIP, names);
        migrate(api, ns, plan);
    }

    /**
     * In {@code ns}: the ForkliftController ({@code controllerSpec}), an OVA provider {@code ova} on {@code ovaDir},
     * a folder destination {@code folder} on {@code target}, once the OVA provider is Ready the NetworkMap
     * {@code net} and StorageMap {@code stor} between them.
     */
    static void ovaProviderAndMaps(ApiClient api, String ns, Path ovaDir, Path target, String controllerSpec)
            throws InterruptedException {
        CrashResumeIT.apply(api, ns, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: ForkliftController
                metadata: {name: forklift-controller, namespace: %1$s}
                spec: {%4$s}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: ova-secret, namespace: %1$s}
                type: Opaque
                stringData: {url: "file://%2$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: ova, namespace: %1$s}
                spec: {type: ova, url: "file://%2$s", secret: {name: ova-secret, namespace: %1$s}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: folder, namespace: %1$s}
                spec: {type: openshift, url: "file://%3$s", secret: {name: ova-secret, namespace: %1$s}}
                """.formatted(ns, ovaDir, target, controllerSpec));
        JsonNode provider = CrashResumeIT.waitTrue(api, ResourceKind.PROVIDER, ns, "ova", "Ready", 120);
        String uid = provider.path("metadata").path("uid").asText();
        String storage = CrashResumeIT.items(api.getPath("/providers/ova/" + uid + "/storages")).get(0).path("id").asText();
        CrashResumeIT.apply(api, ns, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: %1$s}
                spec:
                  provider: {source: {name: ova, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {name: "VM Network"}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: %1$s}
                spec:
                  provider: {source: {name: ova, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "%2$s"}, destination: {storageClass: standard}}]
                """.formatted(ns, storage));
    }

    /**
     * In {@code ns}: the Plan {@code plan} of the VMs {@code names} from {@code ova} to {@code folder} over
     * {@code net} and {@code stor} into {@code targetNamespace}, waited for until it is Ready.
     */
    static void readyPlan(ApiClient api, String ns, String plan, String targetNamespace, GuestConversion conversion,
                          List<String> names) throws InterruptedException {
        StringBuilder vms = new StringBuilder();
        names.forEach(n -> vms.append("    - name: ").append(n).append('\n'));
        CrashResumeIT.apply(api, ns, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: %2$s, namespace: %1$s}
                spec:
                  targetNamespace: %3$s
                  provider: {source: {name: ova, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms:
                """.formatted(ns, plan, targetNamespace) + vms + conversion.specFields.indent(2));
        CrashResumeIT.waitTrue(api, ResourceKind.PLAN, ns, plan, "Ready", 120);
    }

    /** In {@code ns}: the Migration {@code plan-run} of the Plan {@code plan}. */
    static void migrate(ApiClient api, String ns, String plan) {
        CrashResumeIT.apply(api, ns, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: %2$s-run, namespace: %1$s}
                spec: {plan: {name: %2$s, namespace: %1$s}}
                """.formatted(ns, plan));
    }
}
