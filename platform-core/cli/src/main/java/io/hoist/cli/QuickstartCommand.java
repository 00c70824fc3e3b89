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
            SampleAppliance.build(ova, "quickstart-appliance", (long) diskMib << 20, 42, "00:50:56:8a:01:23");
        }
        out.println("* starting the platform (data: " + data + ")");
        LogOptions log = LogOptions.current();
        // The platform's log goes to DATA/logs/hoist.log; the terminal shows only warnings unless -v.
        io.hoist.core.server.logging.Logging.configureServer(data, log.format(),
                io.hoist.core.server.logging.Logging.cliLevel(log.verbosity()), log.levels());
        try (Platform platform = Platform.create(HoistServer.builder().port(0).admission(new MtvAdmission()), data).start()) {
            String url = platform.server().url();
            out.println("* " + ServeCommand.consoleLine(platform.server().consoleLink()));
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
            // The sample disk holds data but no operating system, so there is no guest for virt-v2v to convert.
            out.println("* the plan sets skipGuestConversion: true: the sample appliance's disk has no operating system to convert"
                    + " (plugins/virt-v2v/README.md converts a real guest)");
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
                      skipGuestConversion: true
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
            out.println("To look at the plan in the web console: ./hoist serve --data-dir " + data
                    + " and open the login link it prints.");
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

}
