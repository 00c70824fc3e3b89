package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.SampleAppliance;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.v2v.testing.QemuBoot;
import io.hoist.plugin.v2v.testing.TestGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real guest through the whole platform: the VMware-like Debian test guest as an OVA, migrated by
 * {@code hoist serve} (a child JVM, killed -9 while virt-v2v converts) to the folder destination, converted
 * in place by the virt-v2v plugin loaded from dist/plugins, then booted under QEMU on virtio. The same
 * guest migrated with skipGuestConversion does not boot: the conversion is what makes it boot.
 */
class GuestConversionIT {
    static final String VM = "debian-guest";
    static final String MAC = "00:50:56:8a:20:01";
    static final Duration BOOT_LIMIT = Duration.ofMinutes(6);

    @Test
    void aVmwareGuestMigratedAsOvaBootsOnVirtioAfterConversion(@TempDir Path tmp) throws Exception {
        Path ovaDir = Files.createDirectories(tmp.resolve("ova"));
        Path target = Files.createDirectories(tmp.resolve("target"));
        SampleAppliance.fromRaw(ovaDir.resolve(VM + ".ova"), VM, TestGuest.image(), MAC, "debian12_64Guest", "bios");
        Path data = tmp.resolve("data");
        int port = CrashResumeIT.freePort();
        CrashResumeIT.Child child = CrashResumeIT.Child.start(data, port, TestGuest.libguestfsEnvironment());
        String ns = "crash"; // the namespace the child's start-up probe lists
        try {
            ApiClient api = child.client();
            MigrationSetup.ovaProviderAndMaps(api, ns, ovaDir, target, "controller_max_vm_inflight: 2");
            MigrationSetup.readyPlan(api, ns, "convert", "converted", MigrationSetup.GuestConversion.CONVERT, List.of(VM));
            MigrationSetup.readyPlan(api, ns, "raw", "raw", MigrationSetup.GuestConversion.SKIP_ON_VIRTIO, List.of(VM));
            MigrationSetup.migrate(api, ns, "convert");
            MigrationSetup.migrate(api, ns, "raw");

            // Kill -9 the platform once virt-v2v is converting (the overlay exists and the step reports a stage).
            Path vmDir = target.resolve("converted").resolve(VM);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            Path image;
            while ((image = Appliances.onlyDiskImage(vmDir)) == null
                    || !(Files.exists(image.resolveSibling(image.getFileName() + ".v2v.qcow2"))
                    && "ConvertGuest".equals(vm(api, ns, "convert").path("phase").asText()))) {
                assertThat(System.nanoTime()).as("conversion did not start: " + vm(api, ns, "convert")).isLessThan(deadline);
                Thread.sleep(500);
            }
            Thread.sleep(10_000);
            child.kill();
            String copiedAtKill = Appliances.sha256(image);
            child = CrashResumeIT.Child.start(data, port, TestGuest.libguestfsEnvironment());
            api = child.client();

            waitFinished(api, ns, "raw", Duration.ofMinutes(10));
            waitFinished(api, ns, "convert", Duration.ofMinutes(25));
            JsonNode vm = vm(api, ns, "convert");
            assertThat(CrashResumeIT.isTrue(api.get(ResourceKind.PLAN, ns, "convert"), "Succeeded")).as("convert plan: " + vm).isTrue();
            assertThat(CrashResumeIT.isTrue(api.get(ResourceKind.PLAN, ns, "raw"), "Succeeded")).isTrue();

            // What virt-v2v found is on the VM's status and in the VM it created.
            assertThat(vm.path("operatingSystem").asText()).isEqualTo("debian12");
            assertThat(vm.path("firmware").asText()).isEqualTo("bios");
            JsonNode conversion = step(vm, "ImageConversion").path("annotations");
            assertThat(conversion.path("hoist.io/converter").asText()).isEqualTo("virt-v2v");
            assertThat(conversion.path("hoist.io/guest-distro").asText()).isEqualTo("debian");
            assertThat(conversion.path("hoist.io/virtio-drivers").asText()).isEqualTo("true");
            String disk = step(vm, "DiskTransfer").path("tasks").path(0).path("name").asText();
            String copied = conversion.path("hoist.io/checksum." + disk + ".copied").asText();
            assertThat(copied).startsWith("sha256-4m:")
                    .isEqualTo(step(vm, "DiskTransfer").path("annotations").path("hoist.io/checksum." + disk + ".target").asText());
            assertThat(conversion.path("hoist.io/checksum." + disk + ".converted").asText()).startsWith("sha256-4m:").isNotEqualTo(copied);
            assertThat(Files.readString(image.resolveSibling("virtualmachine.yaml"))).contains("os.template.kubevirt.io/debian12");
            assertThat(Appliances.sha256(image)).as("the image was converted after the restart").isNotEqualTo(copiedAtKill);
            // virt-v2v's own log (the run after the restart, its last 1 MiB) is the step's log, as `hoist logs` prints it.
            assertThat(conversion.path("hoist.io/log").asText()).isEqualTo("hoist logs convert " + VM + " --step ImageConversion -n " + ns);
            String log = api.getText("/apis/forklift.konveyor.io/v1beta1/namespaces/" + ns + "/plans/convert/log?vm=" + VM
                    + "&step=ImageConversion");
            assertThat(log).contains("Finishing off");
            System.out.println("GuestConversionIT: appliance " + conversion.path("hoist.io/appliance-seconds").asText()
                    + " s, conversion " + conversion.path("hoist.io/conversion-seconds").asText() + " s");

            // The proof: the converted guest boots on virtio; the same guest copied without conversion does not.
            QemuBoot.Outcome converted = QemuBoot.boot(image, MAC, BOOT_LIMIT, tmp);
            assertThat(converted.result()).as("converted console:\n" + tail(converted.console())).isEqualTo(QemuBoot.Result.BOOTED);
            assertThat(converted.markerLine()).contains("root=/dev/vda1");
            Path raw = Appliances.onlyDiskImage(target.resolve("raw").resolve(VM));
            QemuBoot.Outcome unconverted = QemuBoot.boot(raw, MAC, BOOT_LIMIT, tmp);
            assertThat(unconverted.result()).as("unconverted console:\n" + tail(unconverted.console())).isEqualTo(QemuBoot.Result.FAILED);
        } finally {
            child.kill();
        }
    }

    static JsonNode vm(ApiClient api, String ns, String plan) {
        try {
            return api.get(ResourceKind.PLAN, ns, plan).path("status").path("migration").path("vms").path(0);
        } catch (RuntimeException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    static JsonNode step(JsonNode vm, String name) {
        for (JsonNode s : vm.path("pipeline")) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + vm);
    }

    static void waitFinished(ApiClient api, String ns, String plan, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            JsonNode p = api.get(ResourceKind.PLAN, ns, plan);
            if (CrashResumeIT.isTrue(p, "Succeeded") || CrashResumeIT.isTrue(p, "Failed")) {
                return;
            }
            assertThat(System.nanoTime()).as("plan " + plan + " did not finish: " + p.path("status")).isLessThan(end);
            Thread.sleep(1000);
        }
    }

    static String tail(String s) {
        return s.substring(Math.max(0, s.length() - 4000));
    }
}
