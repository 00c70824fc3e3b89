package io.hoist.plugin.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.host.HostContext;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.source.WatchesInventory;
import io.hoist.api.transfer.DiskReader;
import io.hoist.plugin.openstack.client.Errors;
import io.hoist.plugin.openstack.client.KeystoneSession;
import io.hoist.plugin.openstack.disk.GlanceImageReader;
import io.hoist.plugin.openstack.disk.TemporaryCopies;
import io.hoist.plugin.openstack.inventory.InventoryCollector;
import io.hoist.plugin.support.Interruptions;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;
import org.openstack4j.model.compute.Action;

/**
 * A connected OpenStack cloud (one Keystone project): inventory, VM description, power, and disks read from
 * Glance after MTV's snapshot → volume → image steps. Calls block; the host runs them on this provider's
 * worker pool.
 */
public final class OpenstackSource implements SourceProvider, WatchesInventory {
    /** Server statuses whose disks can be copied (MTV's rules say the same: ACTIVE or SHUTOFF). */
    private static final Set<String> COPYABLE = Set.of("ACTIVE", "SHUTOFF");
    private static final Set<String> COPYABLE_VOLUME = Set.of("available", "in-use");

    private final ProviderConfig provider;
    private final HostContext context;
    private final System.Logger log;
    private volatile KeystoneSession session;
    private volatile InventoryCollector collector;
    /** Called while a server snapshot image waits for the hypervisor's upload (tests only). */
    private volatile java.util.function.Consumer<String> whileSnapshotQueued = id -> { };

    public OpenstackSource(ProviderConfig provider, HostContext context) {
        this.provider = provider;
        this.context = context;
        this.log = context.logger("openstack." + provider.name());
    }

    /** Lets a test upload a server snapshot's bytes, as a real hypervisor does and Nova's FakeDriver does not. */
    public void onSnapshotQueued(java.util.function.Consumer<String> upload) {
        this.whileSnapshotQueued = upload;
    }

    private OpenstackConfig config() {
        try {
            return OpenstackConfig.of(provider);
        } catch (IllegalArgumentException e) {
            throw new HoistException(HoistException.Type.USER_ERROR, "ProviderNotValid", e.getMessage());
        }
    }

    /** This provider's Keystone session (its TLS context from the host, never the JVM's defaults). */
    public KeystoneSession session() {
        KeystoneSession s = session;
        if (s == null) {
            synchronized (this) {
                if (session == null) {
                    OpenstackConfig c = config();
                    session = new KeystoneSession(c, context.http().sslContext(c.tls()));
                }
                s = session;
            }
        }
        return s;
    }

    private Duration operationTimeout() {
        return Duration.ofSeconds(Long.parseLong(provider.setting("operationTimeoutSeconds", "1800")));
    }

    // ---------------------------------------------------------------- connection

    @Override
    public List<Condition> testConnection() {
        List<Condition> problems = OpenstackConfig.validate(provider);
        if (!problems.isEmpty()) {
            List<Condition> out = new ArrayList<>();
            out.add(new Condition("ConnectionTestSucceeded", "False", problems.get(0).type(),
                    Condition.Category.Critical, problems.get(0).message()));
            out.addAll(problems);
            return out;
        }
        OpenstackConfig c = config();
        try {
            session().login();
            session().invalidateCurrent();
            var token = session().token();
            List<String> missing = new ArrayList<>();
            for (String type : List.of("compute", "volumev3", "image", "network")) {
                try {
                    session().endpoint(type);
                } catch (HoistException e) {
                    missing.add(type);
                }
            }
            if (!missing.isEmpty()) {
                return failed(c.regionName() != null ? "RegionNotValid" : "EndpointNotFound",
                        "the Keystone catalog has no public " + String.join(", ", missing) + " endpoint"
                                + (c.regionName() == null ? "" : " in region " + c.regionName()
                                + " (Secret key regionName)"));
            }
            return List.of(Condition.isTrue("ConnectionTestSucceeded", "Tested", Condition.Category.Required,
                    "Connected to " + c.authUrl().getHost() + " as " + c.principal() + " in project "
                            + token.getProject().getName()));
        } catch (HoistException e) {
            if (Errors.causedBy(e, SSLException.class)) {
                String msg = "TLS verification of " + c.authUrl().getHost() + " failed: "
                        + (c.tls().caCertPem() != null ? "its certificate is not signed by the CA in the Secret (cacert)"
                        : "its certificate is not trusted; set cacert in the Secret or, to skip verification,"
                                + " insecureSkipVerify: \"true\"") + " (" + Errors.rootMessage(e) + ")";
                return failed("TLSVerificationFailed", msg);
            }
            String reason = switch (e.code()) {
                case "ConnectionAuthFailed" -> "ConnectionAuthFailed";
                case "ProjectNotFound" -> "ProjectNotFound";
                default -> "ConnectionTestFailed";
            };
            return failed(reason, e.getMessage());
        } catch (RuntimeException e) {
            return failed("ConnectionTestFailed", "Connection test failed: " + e.getMessage());
        }
    }

    private static List<Condition> failed(String reason, String message) {
        return List.of(new Condition("ConnectionTestSucceeded", "False", reason, Condition.Category.Critical, message),
                Condition.isTrue(reason, reason, Condition.Category.Critical, message));
    }

    // ---------------------------------------------------------------- inventory

    private synchronized InventoryCollector collector() {
        if (collector == null) {
            collector = new InventoryCollector(session(), log);
        }
        return collector;
    }

    @Override
    public void collectInventory(InventoryPublisher publisher) {
        collector().collect(publisher);
    }

    /** Refreshes every {@code settings.inventoryRefreshSeconds} (default 10) until {@code stop}. */
    @Override
    public void watch(InventoryPublisher publisher, BooleanSupplier stop) throws Exception {
        long everyMs = 1000L * Long.parseLong(provider.setting("inventoryRefreshSeconds", "10"));
        while (!stop.getAsBoolean()) {
            long until = System.currentTimeMillis() + everyMs;
            while (System.currentTimeMillis() < until) {
                if (stop.getAsBoolean()) {
                    return;
                }
                Thread.sleep(Math.min(250, Math.max(1, until - System.currentTimeMillis())));
            }
            collector().refresh(publisher);
        }
    }

    // ---------------------------------------------------------------- VMs

    @Override
    public Optional<SourceVm> describe(VmRef ref) {
        JsonNode server = null;
        if (ref.id() != null && !ref.id().isBlank()) {
            JsonNode r = session().json("compute", "/servers/" + ref.id());
            server = r == null ? null : r.path("server");
        }
        if (server == null && ref.name() != null && !ref.name().isBlank()) {
            JsonNode r = session().json("compute", "/servers/detail?name="
                    + URLEncoder.encode("^" + regexLiteral(ref.name()) + "$", StandardCharsets.UTF_8));
            for (JsonNode s : r == null ? List.<JsonNode>of() : iterable(r.path("servers"))) {
                if (ref.name().equals(s.path("name").asText())) {
                    server = s;
                    break;
                }
            }
        }
        return server == null ? Optional.empty() : Optional.of(toSourceVm(server));
    }

    /** Nova filters names by regular expression (MySQL's or Python's): every other character escaped. */
    static String regexLiteral(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (!Character.isLetterOrDigit(c) && c != '_' && c != '-' && c != ' ') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private SourceVm toSourceVm(JsonNode s) {
        String id = s.path("id").asText();
        JsonNode flavor = s.path("flavor"); // embedded (2.47+): still there when the flavor was deleted
        int vcpus = flavor.path("vcpus").asInt(0);
        long ramMiB = flavor.path("ram").asLong(0);
        if (vcpus <= 0 || ramMiB <= 0) {
            throw new HoistException(HoistException.Type.USER_ERROR, "FlavorNotFound", "server " + s.path("name").asText()
                    + " reports no flavor sizes (vcpus " + vcpus + ", ram " + ramMiB + " MiB)");
        }
        JsonNode specs = flavor.path("extra_specs");
        List<JsonNode> volumes = new ArrayList<>();
        for (JsonNode a : s.path("os-extended-volumes:volumes_attached")) {
            JsonNode v = session().json("volumev3", "/volumes/" + a.path("id").asText());
            if (v == null) {
                throw new HoistException(HoistException.Type.USER_ERROR, "VolumeNotFound", "server " + s.path("name").asText()
                        + " has volume " + a.path("id").asText() + " attached, which Cinder does not know");
            }
            volumes.add(v.path("volume"));
        }
        Map<String, String> props = imageProperties(s, volumes);
        int sockets = intOr(specs.path("hw:cpu_sockets").asText(props.get("hw_cpu_sockets")), 0);
        int cores = intOr(specs.path("hw:cpu_cores").asText(props.get("hw_cpu_cores")), 0);
        int threads = Math.max(1, intOr(specs.path("hw:cpu_threads").asText(props.get("hw_cpu_threads")), 1));
        if (sockets <= 0 && cores <= 0) {
            sockets = vcpus;
            cores = 1;
        } else if (sockets <= 0) {
            sockets = Math.max(1, vcpus / (cores * threads));
        } else if (cores <= 0) {
            cores = Math.max(1, vcpus / (sockets * threads));
        }
        Firmware firmware = "uefi".equalsIgnoreCase(props.get("hw_firmware_type")) ? Firmware.EFI : Firmware.BIOS;
        boolean secureBoot = "required".equalsIgnoreCase(props.get("os_secure_boot"));
        String bus = props.getOrDefault("hw_disk_bus", "virtio");
        String vif = props.getOrDefault("hw_vif_model", "virtio");

        List<SourceDisk> disks = new ArrayList<>();
        Map<String, String> typeIds = volumeTypeIds();
        boolean imageBacked = s.path("image").isObject() && s.path("image").hasNonNull("id");
        if (imageBacked) {
            long rootGiB = flavor.path("disk").asLong(0);
            long capacity = rootGiB > 0 ? rootGiB << 30 : imageSize(s.path("image").path("id").asText());
            disks.add(new SourceDisk(ROOT_DISK, s.path("name").asText() + " root disk", capacity, "glance", bus, false, 1));
        }
        for (JsonNode v : volumes) {
            boolean boot = !imageBacked && v.path("bootable").asText().equals("true") && rootAttachment(v, id);
            String type = v.path("volume_type").asText("");
            disks.add(new SourceDisk(v.path("id").asText(), v.path("name").asText(v.path("id").asText()),
                    v.path("size").asLong() << 30, typeIds.getOrDefault(type, type), bus,
                    v.path("multiattach").asBoolean(false), boot ? 1 : 0));
        }
        List<SourceNic> nics = new ArrayList<>();
        JsonNode ports = session().json("network", "/v2.0/ports?device_id=" + id);
        Map<String, String> networkNames = new java.util.HashMap<>();
        for (JsonNode p : ports == null ? List.<JsonNode>of() : iterable(ports.path("ports"))) {
            String net = p.path("network_id").asText();
            String netName = networkNames.computeIfAbsent(net, n -> {
                JsonNode r = session().json("network", "/v2.0/networks/" + n);
                return r == null ? n : r.path("network").path("name").asText(n);
            });
            nics.add(new SourceNic(p.path("name").asText("").isEmpty() ? p.path("id").asText() : p.path("name").asText(),
                    p.path("mac_address").asText(), net, netName, vif));
        }
        return new SourceVm(id, s.path("name").asText(), sockets, cores, threads, ramMiB << 20, firmware, secureBoot,
                power(s.path("status").asText()), s.path("OS-EXT-SRV-ATTR:host").asText(null),
                osType(props), disks, nics);
    }

    /**
     * The guest OS id the OS map turns into a preference: from {@code os_distro}/{@code os_version} as MTV does;
     * else the image's bare {@code os_type} ({@code linux}, {@code windows}), which maps to no preference.
     */
    static String osType(Map<String, String> imageProperties) {
        String id = GuestOs.id(imageProperties.get("os_distro"), imageProperties.get("os_version"));
        return id != null ? id : imageProperties.get("os_type");
    }

    /** The disk id of an image-backed server's root disk (read through a server snapshot image). */
    public static final String ROOT_DISK = "root";

    private static boolean rootAttachment(JsonNode volume, String serverId) {
        for (JsonNode a : volume.path("attachments")) {
            if (serverId.equals(a.path("server_id").asText())) {
                String dev = a.path("device").asText("");
                return dev.isEmpty() || dev.endsWith("da") || dev.endsWith("da1");
            }
        }
        return false;
    }

    private Map<String, String> volumeTypeIds() {
        Map<String, String> out = new java.util.HashMap<>();
        JsonNode types = session().json("volumev3", "/types");
        for (JsonNode t : types == null ? List.<JsonNode>of() : iterable(types.path("volume_types"))) {
            out.put(t.path("name").asText(), t.path("id").asText());
        }
        return out;
    }

    private long imageSize(String imageId) {
        JsonNode img = session().json("image", "/v2/images/" + imageId);
        return img == null ? 0 : img.path("size").asLong(0);
    }

    /** Image properties: the Glance image's, or for a volume-backed server its boot volume's image metadata. */
    private Map<String, String> imageProperties(JsonNode server, List<JsonNode> volumes) {
        Map<String, String> props = new java.util.HashMap<>();
        JsonNode image = server.path("image");
        if (image.isObject() && image.hasNonNull("id")) {
            JsonNode img = session().json("image", "/v2/images/" + image.path("id").asText());
            if (img != null) {
                img.fields().forEachRemaining(e -> {
                    if (e.getValue().isValueNode()) {
                        props.put(e.getKey(), e.getValue().asText());
                    }
                });
            }
        } else {
            for (JsonNode v : volumes) {
                if (v.path("bootable").asText().equals("true")) {
                    v.path("volume_image_metadata").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
                }
            }
        }
        return props;
    }

    private static int intOr(String s, int fallback) {
        try {
            return s == null || s.isBlank() ? fallback : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static PowerState power(String status) {
        return switch (status) {
            case "ACTIVE", "PAUSED", "SUSPENDED", "RESCUE", "VERIFY_RESIZE" -> PowerState.ON;
            case "SHUTOFF", "SHELVED", "SHELVED_OFFLOADED", "STOPPED" -> PowerState.OFF;
            default -> PowerState.UNKNOWN;
        };
    }

    private JsonNode server(SourceVm vm) {
        JsonNode r = session().json("compute", "/servers/" + vm.id());
        if (r == null) {
            throw new HoistException(HoistException.Type.USER_ERROR, "VMNotFound", "server " + vm.name() + " (" + vm.id()
                    + ") no longer exists");
        }
        return r.path("server");
    }

    // ---------------------------------------------------------------- disks

    /**
     * A disk's bytes from Glance: a volume is snapshotted, the snapshot made a volume and that volume uploaded as
     * a raw image; an image-backed root disk becomes a server snapshot image. Every temporary object is deleted
     * when the reader closes (after success, failure or cancel), and a crashed run's leftovers before the next copy.
     */
    @Override
    public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) throws IOException {
        if (snapshot != null) {
            throw HoistException.notSupported("warm migration from OpenStack");
        }
        JsonNode s = server(vm);
        String status = s.path("status").asText();
        if (!COPYABLE.contains(status)) {
            throw new HoistException(HoistException.Type.USER_ERROR, "VMStatusUnsupported", "server " + vm.name() + " is "
                    + status + "; only ACTIVE or SHUTOFF servers can be copied"
                    + (status.startsWith("SHELVED") ? " (unshelve it first)" : status.equals("PAUSED") ? " (unpause it first)" : ""));
        }
        TemporaryCopies copies = new TemporaryCopies(session(), operationTimeout(), log);
        String what = "disk " + disk.name() + " of " + vm.name();
        TemporaryCopies.Prepared prepared;
        if (ROOT_DISK.equals(disk.id())) {
            prepared = copies.ofServer(vm.id(), what, () -> whileSnapshotQueued.accept(vm.id()));
        } else {
            JsonNode v = session().json("volumev3", "/volumes/" + disk.id());
            String vs = v == null ? "missing" : v.path("volume").path("status").asText();
            if (!COPYABLE_VOLUME.contains(vs)) {
                throw new HoistException(HoistException.Type.USER_ERROR, "VolumeStatusUnsupported", "volume " + disk.name()
                        + " (" + disk.id() + ") of " + vm.name() + " is " + vs + "; only available or in-use volumes can"
                        + " be copied");
            }
            prepared = copies.ofVolume(disk.id(), what);
        }
        try {
            OpenstackConfig c = config();
            DiskReader r = new GlanceImageReader(context.diskIo(), session().endpoint("image"), prepared.imageId(), c.tls(),
                    session(), what);
            return r.closing(prepared);
        } catch (IOException | RuntimeException e) {
            prepared.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- power

    @Override
    public PowerState powerState(SourceVm vm) {
        return power(server(vm).path("status").asText());
    }

    @Override
    public void powerOff(SourceVm vm) {
        changePower(vm, Action.STOP, "SHUTOFF");
    }

    @Override
    public void powerOn(SourceVm vm) {
        changePower(vm, Action.START, "ACTIVE");
    }

    private void changePower(SourceVm vm, Action action, String wanted) {
        String status = server(vm).path("status").asText();
        if (status.equals(wanted)) {
            return;
        }
        if (!COPYABLE.contains(status)) {
            throw new HoistException(HoistException.Type.USER_ERROR, "VMStatusUnsupported", "server " + vm.name() + " is "
                    + status + "; Nova can " + action.name().toLowerCase(Locale.ROOT) + " only ACTIVE or SHUTOFF servers");
        }
        session().call(action.name().toLowerCase(Locale.ROOT) + " server " + vm.name(),
                os -> os.compute().servers().action(vm.id(), action));
        Instant deadline = Instant.now().plus(operationTimeout());
        while (!server(vm).path("status").asText().equals(wanted)) {
            if (Instant.now().isAfter(deadline)) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "Timeout", "server " + vm.name()
                        + " did not reach " + wanted);
            }
            Interruptions.sleep(500);
        }
    }
}
