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

    @Option(names = "--again", description = "Migrate the sample VM again when an earlier run already did:"
            + " its migrated copy in DIR/target is deleted first.")
    boolean again;

    static final String NAMESPACE = "quickstart";
    static final String PLAN = "quickstart";
    static final String VM = "quickstart-appliance";
    static final String TARGET_NAMESPACE = "migrated";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The command line's output (System.out when run as hoist; captured in tests). */
    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
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
            String ns = NAMESPACE;
            String run = "quickstart-" + System.currentTimeMillis() / 1000;
            Path vmDir = target.resolve(TARGET_NAMESPACE).resolve(VM);
            var earlier = api.find(ResourceKind.PLAN, ns, PLAN);
            if (earlier.isPresent() && StatusCommand.isTrue(earlier.get(), "Succeeded")) {
                // A succeeded plan would run nothing again: say where its result is, or start over with a new plan.
                if (!again && Files.isDirectory(vmDir)) {
                    out.println();
                    out.println("Already migrated: an earlier run migrated " + VM + " (plan " + ns + "/" + PLAN
                            + ", completed " + earlier.get().path("status").path("migration").path("completed").asText("earlier") + ").");
                    out.println("It is in " + vmDir + ". To migrate it again: ./hoist quickstart --again"
                            + (dir.equals(Path.of("hoist-quickstart")) ? "" : " --dir " + dir));
                    printNextSteps(vmDir, data);
                    return 0;
                }
                out.println("* migrating again: removing the earlier plan" + (Files.isDirectory(vmDir) ? " and its migrated copy in " + vmDir : ""));
                forgetEarlierRun(api, ns, vmDir);
            }
            api.ensureNamespace(ns); // objects go only into namespaces that exist, as on a cluster
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
                      targetNamespace: %5$s
                      provider:
                        source: {name: ova-appliances, namespace: %1$s}
                        destination: {name: kubevirt-folder, namespace: %1$s}
                      map:
                        network: {name: quickstart-networks, namespace: %1$s}
                        storage: {name: quickstart-storage, namespace: %1$s}
                      skipGuestConversion: true
                      vms:
                      - name: "%4$s"
                    """.formatted(ns, network, storageId, vmName, TARGET_NAMESPACE));
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
                // This run's Migration decides: the plan may still show an earlier run's outcome for a moment.
                ObjectNode migration = api.get(ResourceKind.MIGRATION, ns, run);
                if (StatusCommand.isTrue(migration, "Succeeded")) {
                    break;
                }
                if (StatusCommand.isTrue(migration, "Failed") || StatusCommand.isTrue(migration, "Canceled")) {
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
            out.println("Migrated. " + vmName + " is in " + vmDir + ":");
            try (Stream<Path> files = Files.walk(vmDir)) {
                files.filter(Files::isRegularFile).sorted().forEach(f -> out.println("  " + vmDir.relativize(f)));
            }
            printNextSteps(vmDir, data);
            return 0;
        }
    }

    /** How to look at the result and where it goes next: the last lines of every run. */
    private void printNextSteps(Path vmDir, Path data) {
        out.println();
        String dataDir = " --data-dir " + shown(data);
        out.println("To look at the result, start the API and web console (it prints a new login link):");
        out.println("  ./hoist serve" + dataDir);
        out.println("then, in another terminal:");
        out.println("  ./hoist get plans -n " + NAMESPACE + dataDir);
        out.println("  ./hoist status " + PLAN + " -n " + NAMESPACE + dataDir);
        out.println("To load the VM into a KubeVirt cluster (current kubectl context; creates namespace " + TARGET_NAMESPACE
                + " when missing):");
        out.println("  " + vmDir.resolve("upload.sh"));
    }

    /** A path as the user would type it: relative to the working directory when it is under it. */
    private static String shown(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    }

    /** Deletes the earlier run's Migrations and plan (the new plan starts with no status) and the migrated copy. */
    private static void forgetEarlierRun(ApiClient api, String ns, Path vmDir) throws IOException {
        for (ObjectNode m : api.list(ResourceKind.MIGRATION, ns)) {
            if (PLAN.equals(m.path("spec").path("plan").path("name").asText())) {
                api.delete(ResourceKind.MIGRATION, ns, m.path("metadata").path("name").asText());
            }
        }
        api.delete(ResourceKind.PLAN, ns, PLAN);
        if (!Files.isDirectory(vmDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(vmDir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
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
