package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.cli.client.Connection;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hoist quickstart}: the product's main job on a fresh machine. Makes a small OVA appliance
 * with qemu-img, starts the platform on its embedded store, applies an OVA provider, a folder
 * destination, maps and a plan the way the MTV CLI procedure does, migrates with live progress and
 * says where the migrated VM's manifests and disks are.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Build a sample OVA, migrate it to a KubeVirt folder on the embedded platform, show where it went.")
public final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "Working directory (default: ${DEFAULT-VALUE}).",
            defaultValue = "hoist-quickstart")
    Path dir;

    @Option(names = "--disk-mib", description = "Size of the sample disk in MiB (default: ${DEFAULT-VALUE}).", defaultValue = "256")
    int diskMib;

    @Option(names = "--timeout", description = "Seconds to wait for the migration (default: ${DEFAULT-VALUE}).", defaultValue = "600")
    int timeoutSeconds;

    private final PrintWriter out = new PrintWriter(System.out, true);

    @Override
    public Integer call() throws Exception {
        Path root = dir.toAbsolutePath();
        Path ovaDir = Files.createDirectories(root.resolve("ova"));
        Path target = Files.createDirectories(root.resolve("target"));
        Path data = root.resolve("data");
        ensureQemuImg();
        Path ova = ovaDir.resolve("quickstart-appliance.ova");
        if (!Files.exists(ova)) {
            out.println("* building a sample OVA appliance with qemu-img: " + ova);
            SampleAppliance.build(ova, (long) diskMib << 20);
        }
        out.println("* starting the platform (data: " + data + ")");
        try (Platform platform = Platform.create(HoistServer.builder().port(0).admission(new MtvAdmission()), data).start()) {
            String url = platform.server().url();
            String token = Files.readString(data.resolve("token")).trim();
            ApiClient api = new ApiClient(new Connection(url, token, null, false));
            String ns = "quickstart";
            String run = "quickstart-" + System.currentTimeMillis() / 1000;
            // As the MTV CLI procedure: the OVA provider's secret carries its url.
            apply(api, ns, """
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: ova-appliances-secret
                      namespace: %1$s
                      labels: {createdForProviderType: ova, createdForResourceType: providers}
                    type: Opaque
                    stringData:
                      url: "file://%2$s"
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Provider
                    metadata: {name: ova-appliances, namespace: %1$s}
                    spec:
                      type: ova
                      url: "file://%2$s"
                      secret: {name: ova-appliances-secret, namespace: %1$s}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Provider
                    metadata: {name: kubevirt-folder, namespace: %1$s}
                    spec:
                      type: openshift
                      url: "file://%3$s"
                      secret: {name: ova-appliances-secret, namespace: %1$s}
                    """.formatted(ns, ovaDir, target));
            out.println("* waiting for the OVA inventory");
            ObjectNode provider = waitFor(api, ResourceKind.PROVIDER, ns, "ova-appliances", "Ready", Duration.ofSeconds(120));
            String uid = provider.path("metadata").path("uid").asText();
            JsonNode storages = api.getPath("/providers/ova/" + uid + "/storages");
            JsonNode networks = api.getPath("/providers/ova/" + uid + "/networks");
            JsonNode vms = api.getPath("/providers/ova/" + uid + "/vms");
            String storageId = first(storages, "storages").path("id").asText();
            String network = first(networks, "networks").path("name").asText();
            String vmName = first(vms, "vms").path("name").asText();
            out.println("* found VM '" + vmName + "' on network '" + network + "'; applying maps and plan");
            apply(api, ns, """
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: NetworkMap
                    metadata: {name: quickstart-networks, namespace: %1$s}
                    spec:
                      provider:
                        source: {name: ova-appliances, namespace: %1$s}
                        destination: {name: kubevirt-folder, namespace: %1$s}
                      map:
                      - source: {name: "%2$s"}
                        destination: {type: pod}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: StorageMap
                    metadata: {name: quickstart-storage, namespace: %1$s}
                    spec:
                      provider:
                        source: {name: ova-appliances, namespace: %1$s}
                        destination: {name: kubevirt-folder, namespace: %1$s}
                      map:
                      - source: {id: "%3$s"}
                        destination: {storageClass: standard, accessMode: ReadWriteOnce, volumeMode: Filesystem}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Plan
                    metadata: {name: quickstart, namespace: %1$s}
                    spec:
                      targetNamespace: migrated
                      provider:
                        source: {name: ova-appliances, namespace: %1$s}
                        destination: {name: kubevirt-folder, namespace: %1$s}
                      map:
                        network: {name: quickstart-networks, namespace: %1$s}
                        storage: {name: quickstart-storage, namespace: %1$s}
                      vms:
                      - name: "%4$s"
                    """.formatted(ns, network, storageId, vmName));
            waitFor(api, ResourceKind.PLAN, ns, "quickstart", "Ready", Duration.ofSeconds(120));
            out.println("* plan Ready; starting migration " + run);
            apply(api, ns, """
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Migration
                    metadata: {name: %2$s, namespace: %1$s}
                    spec:
                      plan: {name: quickstart, namespace: %1$s}
                    """.formatted(ns, run));
            long end = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            String last = "";
            while (true) {
                ObjectNode plan = api.get(ResourceKind.PLAN, ns, "quickstart");
                String text = StatusCommand.render(plan);
                if (!text.equals(last)) {
                    out.print(text);
                    out.flush();
                    last = text;
                }
                if (StatusCommand.isTrue(plan, "Succeeded")) {
                    break;
                }
                if (StatusCommand.isTrue(plan, "Failed") || StatusCommand.isTrue(plan, "Canceled")) {
                    out.println("quickstart: the migration did not succeed (see above)");
                    return 1;
                }
                if (System.nanoTime() > end) {
                    out.println("quickstart: the migration did not finish within " + timeoutSeconds + " s");
                    return 1;
                }
                Thread.sleep(1000);
            }
            out.println();
            out.println("Migrated. The VM's KubeVirt manifests and disks are in " + target.resolve("migrated") + ":");
            try (Stream<Path> files = Files.walk(target.resolve("migrated"))) {
                files.filter(Files::isRegularFile).sorted().forEach(f -> out.println("  " + target.relativize(f)));
            }
            out.println("Apply them with `kubectl apply -f` and upload each disk with `virtctl image-upload`.");
            return 0;
        }
    }

    private static JsonNode first(JsonNode list, String what) {
        JsonNode items = list.isArray() ? list : list.path("items");
        if (!items.isArray() || items.isEmpty()) {
            throw new CliException("quickstart: the OVA inventory has no " + what);
        }
        return items.get(0);
    }

    private static void apply(ApiClient api, String ns, String yaml) {
        for (ObjectNode o : Manifests.parse(yaml)) {
            ResourceKind kind = ResourceKind.byKind(o.path("kind").asText()).orElseThrow();
            String name = o.path("metadata").path("name").asText();
            if (api.find(kind, ns, name).isPresent()) {
                ObjectNode existing = api.get(kind, ns, name);
                o.with("metadata").put("resourceVersion", existing.path("metadata").path("resourceVersion").asText());
                api.replace(kind, ns, name, o);
            } else {
                api.create(kind, ns, o);
            }
        }
    }

    private ObjectNode waitFor(ApiClient api, ResourceKind kind, String ns, String name, String condition, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            ObjectNode o = api.get(kind, ns, name);
            if (StatusCommand.isTrue(o, condition)) {
                return o;
            }
            if (System.nanoTime() > end) {
                List<String> problems = new ArrayList<>();
                o.path("status").path("conditions").forEach(c -> problems.add(c.path("type").asText() + ": " + c.path("message").asText()));
                throw new CliException("quickstart: " + kind.kind() + " " + name + " not " + condition + " after "
                        + timeout.toSeconds() + " s: " + String.join("; ", problems));
            }
            Thread.sleep(500);
        }
    }

    /** qemu-img makes the sample disk; installed from Debian when missing and we are root. */
    private void ensureQemuImg() throws IOException, InterruptedException {
        if (SampleAppliance.onPath("qemu-img")) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !SampleAppliance.onPath("apt-get")) {
            throw new CliException("quickstart needs qemu-img: install it with `sudo apt-get install qemu-utils` and run again");
        }
        out.println("* installing qemu-utils (apt-get)");
        SampleAppliance.run(List.of("apt-get", "update", "-q"));
        SampleAppliance.run(List.of("apt-get", "install", "-y", "-q", "qemu-utils"));
    }

    /** The sample appliance: a raw disk with data and zero runs, as a streamOptimized VMDK in an OVA. */
    static final class SampleAppliance {
        private SampleAppliance() {}

        static void build(Path ova, long diskBytes) throws IOException, InterruptedException {
            Path work = Files.createTempDirectory(ova.getParent(), ".build");
            Path raw = work.resolve("disk.raw");
            try (var ch = java.nio.channels.FileChannel.open(raw, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                Random random = new Random(42);
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
            String vmdk = "quickstart-appliance-disk1.vmdk";
            run(List.of("qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized",
                    raw.toString(), work.resolve(vmdk).toString()));
            Files.delete(raw);
            Files.writeString(work.resolve("quickstart-appliance.ovf"), ovf(vmdk, diskBytes), StandardCharsets.UTF_8);
            // OVA = tar with the descriptor first (tar keeps the order given).
            Path tmp = ova.resolveSibling(ova.getFileName() + ".tmp");
            run(List.of("tar", "-C", work.toString(), "-cf", tmp.toString(), "quickstart-appliance.ovf", vmdk));
            Files.move(tmp, ova, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }

        static String ovf(String vmdk, long capacity) {
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
                      <VirtualSystem ovf:id="quickstart-appliance">
                        <Info>A virtual machine</Info>
                        <Name>quickstart-appliance</Name>
                        <OperatingSystemSection ovf:id="101" vmw:osType="rhel9_64Guest">
                          <Info>The kind of installed guest operating system</Info>
                        </OperatingSystemSection>
                        <VirtualHardwareSection>
                          <Info>Virtual hardware requirements</Info>
                          <System>
                            <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
                            <vssd:InstanceID>0</vssd:InstanceID>
                            <vssd:VirtualSystemIdentifier>quickstart-appliance</vssd:VirtualSystemIdentifier>
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
                            <rasd:Address>00:50:56:8a:01:23</rasd:Address>
                            <rasd:AddressOnParent>7</rasd:AddressOnParent>
                            <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
                            <rasd:Connection>VM Network</rasd:Connection>
                            <rasd:ElementName>Network adapter 1</rasd:ElementName>
                            <rasd:InstanceID>5</rasd:InstanceID>
                            <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
                            <rasd:ResourceType>10</rasd:ResourceType>
                          </Item>
                          <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"/>
                        </VirtualHardwareSection>
                      </VirtualSystem>
                    </Envelope>
                    """.formatted(vmdk, capacity);
        }

        static boolean onPath(String tool) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (Files.isExecutable(Path.of(d, tool))) {
                    return true;
                }
            }
            return false;
        }

        static void run(List<String> cmd) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new CliException(String.join(" ", cmd) + " failed: " + output.trim());
            }
        }
    }
}
