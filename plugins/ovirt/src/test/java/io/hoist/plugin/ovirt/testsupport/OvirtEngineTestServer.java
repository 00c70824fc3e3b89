package io.hoist.plugin.ovirt.testsupport;

import static org.ovirt.engine.sdk4.builders.Builders.backup;
import static org.ovirt.engine.sdk4.builders.Builders.checkpoint;
import static org.ovirt.engine.sdk4.builders.Builders.disk;
import static org.ovirt.engine.sdk4.builders.Builders.event;
import static org.ovirt.engine.sdk4.builders.Builders.imageTransfer;
import static org.ovirt.engine.sdk4.builders.Builders.systemOption;
import static org.ovirt.engine.sdk4.builders.Builders.systemOptionValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.hoist.testkit.tls.SelfSignedTestCertificate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.ovirt.api.metamodel.runtime.xml.XmlWriter;
import org.ovirt.engine.sdk4.builders.SystemOptionValueBuilder;
import org.ovirt.engine.sdk4.internal.xml.XmlBackupWriter;
import org.ovirt.engine.sdk4.internal.xml.XmlCheckpointWriter;
import org.ovirt.engine.sdk4.internal.xml.XmlEventWriter;
import org.ovirt.engine.sdk4.internal.xml.XmlImageTransferWriter;
import org.ovirt.engine.sdk4.internal.xml.XmlSystemOptionWriter;
import org.ovirt.engine.sdk4.types.Backup;
import org.ovirt.engine.sdk4.types.BackupPhase;
import org.ovirt.engine.sdk4.types.Checkpoint;
import org.ovirt.engine.sdk4.types.DiskFormat;
import org.ovirt.engine.sdk4.types.Event;
import org.ovirt.engine.sdk4.types.ImageTransfer;
import org.ovirt.engine.sdk4.types.ImageTransferDirection;
import org.ovirt.engine.sdk4.types.ImageTransferPhase;
import org.ovirt.engine.sdk4.types.LogSeverity;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Test double of an oVirt engine: an HTTPS server speaking the SSO token endpoint
 * ({@code /ovirt-engine/sso/oauth/token}) and the REST API ({@code /ovirt-engine/api}), serving the real oVirt 4.2
 * responses of {@code ../shared/fixtures/ovirt/recorded} (by {@code index.json}) as recorded, with state machines
 * written from the API model for what no recording holds: VM power ({@code start}/{@code stop}), image transfers
 * ({@code ImageTransferPhase}), backups ({@code BackupPhase}), checkpoints, and the event log. Objects of the state
 * machines are written with the SDK's own XML writers; recorded objects are served as recorded (status changes
 * edit the recorded element). {@link #open()} lists any image transfer or backup left open.
 */
public final class OvirtEngineTestServer implements AutoCloseable {
    public static final String USER = "admin@internal";
    public static final String PASSWORD = "s3cret-Hoist-engine";
    public static final String API = "/ovirt-engine/api";
    /** The recorded VM that is down, and the one that runs. */
    public static final String VM_OFF = "8070fa6d-5b82-412c-9d41-a00017205c73";
    public static final String VM_ON = "a1293e54-dae8-496f-baa4-27719592113e";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PLURAL = Map.ofEntries(
            Map.entry("nics", "nics"), Map.entry("diskattachments", "disk_attachments"), Map.entry("snapshots", "snapshots"),
            Map.entry("watchdogs", "watchdogs"), Map.entry("hostdevices", "host_devices"), Map.entry("numanodes", "host_numa_nodes"),
            Map.entry("cdroms", "cdroms"), Map.entry("diskprofiles", "disk_profiles"), Map.entry("templates", "templates"),
            Map.entry("vms", "vms"), Map.entry("disks", "disks"), Map.entry("hosts", "hosts"), Map.entry("clusters", "clusters"),
            Map.entry("datacenters", "data_centers"), Map.entry("storagedomains", "storage_domains"),
            Map.entry("networks", "networks"), Map.entry("vnicprofiles", "vnic_profiles"),
            Map.entry("graphicsconsoles", "graphics_consoles"), Map.entry("reporteddevices", "reported_devices"),
            Map.entry("applications", "applications"), Map.entry("permissions", "permissions"));
    private static final List<String> TOP = List.of("vms", "disks", "hosts", "clusters", "datacenters", "storagedomains",
            "networks", "vnicprofiles", "templates", "diskprofiles");

    public final SelfSignedTestCertificate tls;
    public final ImageioTestServer imageio;
    public final String url;
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpsServer server;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Document> docs = new HashMap<>();
    private final List<String> detached = new ArrayList<>();
    /** Reported devices of VMs stopped here, restored when they start. */
    private final Map<String, Document> agentReportsWhileDown = new HashMap<>();
    private final Map<String, Map<String, Element>> entities = new HashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final List<Event> events = new ArrayList<>();
    private final Map<String, Transfer> transfers = new LinkedHashMap<>();
    private final Map<String, BackupState> backups = new LinkedHashMap<>();
    /**
     * The engine's ServerCPUList option by cluster level ({@code GET options/ServerCPUList?version=}), not recorded:
     * the recorded clusters' CPU families in the engine's format ({@code level:name:flags:verb:architecture;}, the
     * verb being the libvirt model with its flags), a few neighbours around them.
     */
    private final Map<String, String> serverCpuLists = new ConcurrentHashMap<>(Map.of(
            "4.2", "6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere:x86_64; "
                    + "11:Intel Broadwell Family:vmx,nx,model_Broadwell:Broadwell:x86_64; "
                    + "13:Intel Skylake Server IBRS SSBD Family:vmx,nx,model_Skylake-Server,spec_ctrl,ssbd:Skylake-Server,+spec-ctrl,+ssbd:x86_64; "
                    + "2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1:x86_64;",
            "4.3", "6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere:x86_64; "
                    + "11:Intel Broadwell Family:vmx,nx,model_Broadwell:Broadwell:x86_64; "
                    + "13:Intel Skylake Server IBRS SSBD Family:vmx,nx,model_Skylake-Server,spec_ctrl,ssbd:Skylake-Server,+spec-ctrl,+ssbd:x86_64; "
                    + "2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1:x86_64;"));
    private final Map<String, List<CheckpointState>> checkpoints = new HashMap<>();
    private final Map<String, Path> images = new ConcurrentHashMap<>();
    private final Map<String, List<long[]>> writes = new HashMap<>();
    private final Path work;
    private long writeSeq;
    private long eventIndex = 5000;
    private volatile long pauseTransferAfterBytes = -1;
    private volatile long transitionMillis = 150;
    private volatile String user = USER;
    private volatile String password = PASSWORD;

    /** One image transfer: its phase follows ImageTransferPhase. */
    private static final class Transfer {
        final String id;
        final String diskId;
        final String backupId;
        final String ticket = UUID.randomUUID().toString();
        volatile ImageTransferPhase phase = ImageTransferPhase.INITIALIZING;
        long pauseAfter = -1;

        Transfer(String id, String diskId, String backupId) {
            this.id = id;
            this.diskId = diskId;
            this.backupId = backupId;
        }
    }

    private static final class BackupState {
        final String id;
        final String vmId;
        final String from;
        final String to = UUID.randomUUID().toString();
        final List<String> disks;
        String description;
        final Map<String, Path> views = new HashMap<>();
        final Map<String, List<long[]>> dirty = new HashMap<>();
        volatile BackupPhase phase = BackupPhase.INITIALIZING;

        BackupState(String id, String vmId, String from, List<String> disks) {
            this.id = id;
            this.vmId = vmId;
            this.from = from;
            this.disks = disks;
        }
    }

    private record CheckpointState(String id, String parentId, long seq, Date created) {}

    public OvirtEngineTestServer() throws Exception {
        this(Path.of(System.getProperty("hoist.shared.dir", "../../../shared"), "fixtures", "ovirt", "recorded"));
    }

    public OvirtEngineTestServer(Path recorded) throws Exception {
        this(recorded, new InetSocketAddress("127.0.0.1", 0));
    }

    /**
     * @param bind where the API listens (an example's engine name resolved by the test to a loopback address, port
     *             443); its certificate also names {@code extraNames}
     */
    public OvirtEngineTestServer(Path recorded, InetSocketAddress bind, String... extraNames) throws Exception {
        tls = SelfSignedTestCertificate.create(extraNames);
        imageio = new ImageioTestServer(tls);
        work = Files.createTempDirectory("hoist-ovirt-engine");
        load(recorded);
        server = HttpsServer.create(bind, 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ovirt-engine/sso/", this::sso);
        server.createContext("/ovirt-engine/services/", ex -> send(ex, 200, "application/json", "{}".getBytes()));
        server.createContext(API, this::api);
        server.start();
        url = "https://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + API;
        timers.scheduleWithFixedDelay(this::watchTransfers, 50, 50, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ data

    private void load(Path recorded) throws Exception {
        JsonNode index = JSON.readTree(recorded.resolve("index.json").toFile());
        for (JsonNode e : index) {
            if (!"GET".equals(e.path("method").asText()) || !"{}".equals(e.path("query").asText()) || e.path("code").asInt() != 200) {
                continue;
            }
            String path = e.path("path").asText().substring(API.length() + 1);
            docs.put(path, parse(Files.readAllBytes(recorded.resolve(e.path("file").asText()))));
        }
        for (String c : TOP) {
            Map<String, Element> byId = new LinkedHashMap<>();
            Document d = docs.get(c);
            if (d != null) {
                for (Element el : children(d.getDocumentElement())) {
                    byId.put(el.getAttribute("id"), el);
                }
            }
            entities.put(c, byId);
        }
    }

    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        NodeList nl = parent.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            if (nl.item(i) instanceof Element el) {
                out.add(el);
            }
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        for (Element c : children(parent)) {
            if (c.getTagName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static void setText(Element parent, String name, String value) {
        Element c = child(parent, name);
        if (c == null) {
            c = parent.getOwnerDocument().createElement(name);
            parent.appendChild(c);
        }
        c.setTextContent(value);
    }

    /**
     * Adds a top-level object as the engine would list and get it ({@code collection}: disks, networks, vnicprofiles,
     * storagedomains, ...), e.g. a filled-in stub of the edge-case fixtures.
     */
    public synchronized void addObject(String collection, String xml) throws Exception {
        Element el = parse(xml.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        Document list = docs.computeIfAbsent(collection, c -> newDoc(PLURAL.getOrDefault(c, c)));
        Element imported = (Element) list.importNode(el, true);
        Element old = entities.get(collection).put(imported.getAttribute("id"), imported);
        if (old != null) {
            list.getDocumentElement().removeChild(old);
        }
        list.getDocumentElement().appendChild(imported);
    }

    /** Adds a VM with its sub-collections ({@code nics}, {@code diskattachments}, {@code watchdogs}, ... → their XML). */
    public synchronized String addVm(String vmXml, Map<String, String> subCollections) throws Exception {
        addObject("vms", vmXml);
        String id = parse(vmXml.getBytes(StandardCharsets.UTF_8)).getDocumentElement().getAttribute("id");
        for (Map.Entry<String, String> e : subCollections.entrySet()) {
            docs.put("vms/" + id + "/" + e.getKey(), parse(e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        addEvent(34, "VM " + id + " was created", id);
        return id;
    }

    /** The engine's credentials (an example's Secret may carry its own placeholder password). */
    public void acceptCredentials(String user, String password) {
        this.user = user;
        this.password = password;
    }

    public synchronized String vmIdByName(String name) {
        return entities.get("vms").values().stream().filter(v -> name.equals(text(v, "name"))).map(v -> v.getAttribute("id"))
                .findFirst().orElseThrow();
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? null : c.getTextContent();
    }

    public synchronized String vmStatus(String vmId) {
        return text(entities.get("vms").get(vmId), "status");
    }

    /** Changes a VM as an administrator would, with the event the engine logs for it. */
    public synchronized void editVm(String vmId, Consumer<Element> change, String description) {
        change.accept(entities.get("vms").get(vmId));
        addEvent(35, description, vmId);
    }

    /** Replaces (or, with null, removes) the engine's ServerCPUList for a cluster level, e.g. "4.3". */
    public void setServerCpuList(String level, String value) {
        if (value == null) {
            serverCpuLists.remove(level);
        } else {
            serverCpuLists.put(level, value);
        }
    }

    /** Sets a disk's field (e.g. backup → incremental, format → cow, status → locked) with an event on its VM. */
    public synchronized void setDisk(String diskId, String field, String value) {
        setText(entities.get("disks").get(diskId), field, value);
    }

    /** The disk's image: what imageio serves for its transfers (a raw file). */
    public void setImage(String diskId, Path raw) {
        images.put(diskId, raw);
    }

    /** A guest write to a running VM's disk: the image changes and the change is tracked for incremental backups. */
    public synchronized void guestWrite(String diskId, long offset, byte[] data) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(images.get(diskId), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(data), offset);
        }
        writes.computeIfAbsent(diskId, k -> new ArrayList<>()).add(new long[] {++writeSeq, offset, offset + data.length});
    }

    /** The next image transfer goes paused_system (its ticket removed) once imageio served this many bytes of it. */
    public void pauseNextTransferAfter(long bytes) {
        pauseTransferAfterBytes = bytes;
    }

    /** Image transfers and backups not closed (phase before finished/cancelled; backups not yet finalized). */
    public synchronized List<String> open() {
        List<String> out = new ArrayList<>();
        for (Transfer t : transfers.values()) {
            if (!ended(t.phase)) {
                out.add("image transfer " + t.id + " of disk " + t.diskId + " is " + t.phase.value());
            }
        }
        for (BackupState b : backups.values()) {
            out.add("backup " + b.id + " of VM " + b.vmId + " is " + b.phase.value());
        }
        return out;
    }

    public synchronized int transfersStarted() {
        return transfers.size();
    }

    public synchronized List<String> checkpointIds(String vmId) {
        return checkpoints.getOrDefault(vmId, List.of()).stream().map(CheckpointState::id).toList();
    }

    private static boolean ended(ImageTransferPhase p) {
        return p == ImageTransferPhase.FINISHED_SUCCESS || p == ImageTransferPhase.FINISHED_FAILURE
                || p == ImageTransferPhase.CANCELLED_USER || p == ImageTransferPhase.CANCELLED_SYSTEM
                || p == ImageTransferPhase.FINISHED_CLEANUP || p == ImageTransferPhase.CANCELLED;
    }

    public synchronized long lastEventIndex() {
        return eventIndex;
    }

    public synchronized void addEvent(int code, String description, String vmId) {
        var b = event().index(++eventIndex).code(code).description(description).severity(LogSeverity.NORMAL).time(new Date())
                .origin("oVirt").id(String.valueOf(eventIndex));
        if (vmId != null) {
            b.vm(org.ovirt.engine.sdk4.builders.Builders.vm().id(vmId));
        }
        events.add(b.build());
    }

    /**
     * Scales the inventory for benchmarks: {@code hosts} hosts cloned from the first recorded host and {@code vms} VMs
     * cloned from {@code template} (with its NICs, disk attachments and disks), spread over the hosts.
     */
    public synchronized List<String> scale(String template, int vms, int hosts) {
        Map<String, Element> hostEls = entities.get("hosts");
        Element firstHost = hostEls.values().iterator().next();
        List<String> hostIds = new ArrayList<>(hostEls.keySet());
        while (hostIds.size() < hosts) {
            String id = UUID.randomUUID().toString();
            Element h = (Element) firstHost.cloneNode(true);
            h.setAttribute("id", id);
            h.setAttribute("href", API + "/hosts/" + id);
            setText(h, "name", "host-" + hostIds.size());
            docs.get("hosts").getDocumentElement().appendChild(h);
            hostEls.put(id, h);
            hostIds.add(id);
        }
        Element tpl = entities.get("vms").get(template);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < vms; i++) {
            String id = UUID.randomUUID().toString();
            Element v = (Element) tpl.cloneNode(true);
            v.setAttribute("id", id);
            v.setAttribute("href", API + "/vms/" + id);
            setText(v, "name", "vm-" + i);
            Element host = child(v, "host");
            if (host == null) {
                host = v.getOwnerDocument().createElement("host");
                v.appendChild(host);
            }
            String hostId = hostIds.get(i % hostIds.size());
            host.setAttribute("id", hostId);
            host.setAttribute("href", API + "/hosts/" + hostId);
            docs.get("vms").getDocumentElement().appendChild(v);
            entities.get("vms").put(id, v);
            for (String sub : List.of("nics", "diskattachments", "snapshots")) {
                Document d = docs.get("vms/" + template + "/" + sub);
                if (d != null) {
                    Document copy = (Document) d.cloneNode(true);
                    if (sub.equals("diskattachments")) {
                        for (Element a : children(copy.getDocumentElement())) {
                            Element dref = child(a, "disk");
                            Element src = entities.get("disks").get(dref.getAttribute("id"));
                            String diskId = UUID.randomUUID().toString();
                            Element disk = (Element) src.cloneNode(true);
                            disk.setAttribute("id", diskId);
                            disk.setAttribute("href", API + "/disks/" + diskId);
                            docs.get("disks").getDocumentElement().appendChild(disk);
                            entities.get("disks").put(diskId, disk);
                            dref.setAttribute("id", diskId);
                            a.setAttribute("id", diskId);
                        }
                    }
                    docs.put("vms/" + id + "/" + sub, copy);
                }
            }
            ids.add(id);
        }
        return ids;
    }

    // ------------------------------------------------------------------ SSO

    private void sso(HttpExchange ex) throws IOException {
        try (ex) {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            if (!ex.getRequestURI().getPath().endsWith("/oauth/token")) {
                send(ex, 404, "application/json", "{}".getBytes());
                return;
            }
            Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (!"password".equals(form.get("grant_type")) || !user.equals(form.get("username"))
                    || !password.equals(form.get("password"))) {
                send(ex, 400, "application/json", JSON.writeValueAsBytes(Map.of("error_code", "access_denied",
                        "error", "Cannot authenticate user '" + form.get("username") + "': The username or password is incorrect.")));
                return;
            }
            String token = UUID.randomUUID().toString();
            tokens.put(token, user);
            send(ex, 200, "application/json", JSON.writeValueAsBytes(Map.of("access_token", token, "scope", "ovirt-app-api",
                    "token_type", "bearer", "exp", String.valueOf(System.currentTimeMillis() + 3_600_000))));
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String kv : body.split("&")) {
            int i = kv.indexOf('=');
            if (i > 0) {
                out.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ API

    private void api(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring(API.length()).replaceAll("^/+|/+$", "");
            String query = ex.getRequestURI().getRawQuery();
            requests.add(ex.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !tokens.containsKey(auth.substring(7))) {
                send(ex, 401, "application/xml", fault("Unauthorized", "").getBytes());
                return;
            }
            Map<String, String> q = form(query == null ? "" : query);
            byte[] body = ex.getRequestBody().readAllBytes();
            Reply r;
            try {
                synchronized (this) {
                    r = switch (ex.getRequestMethod()) {
                        case "GET" -> get(path, q);
                        case "POST" -> post(path, body);
                        case "DELETE" -> delete(path, q);
                        default -> new Reply(405, fault("Method not allowed", ""));
                    };
                }
            } catch (Exception e) {
                r = new Reply(500, fault("Operation Failed", String.valueOf(e)));
            }
            send(ex, r.status, "application/xml", r.xml.getBytes(StandardCharsets.UTF_8));
        }
    }

    private record Reply(int status, String xml) {
        static Reply ok(String xml) {
            return new Reply(200, xml);
        }
    }

    private static String fault(String reason, String detail) {
        return "<fault><reason>" + esc(reason) + "</reason><detail>" + esc(detail) + "</detail></fault>";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Reply notFound(String what) {
        return new Reply(404, fault("Operation Failed", "Entity not found: " + what));
    }

    private static Reply conflict(String detail) {
        return new Reply(409, fault("Operation Failed", "[" + detail + "]"));
    }

    private Reply get(String path, Map<String, String> q) throws Exception {
        String[] p = path.isEmpty() ? new String[0] : path.split("/");
        if (p.length == 0) {
            return Reply.ok("<api><product_info><name>oVirt Engine</name><vendor>ovirt.org</vendor><version>"
                    + "<build>0</build><full_version>4.4.10-test</full_version><major>4</major><minor>4</minor><revision>0</revision>"
                    + "</version></product_info><time>2026-01-01T00:00:00.000Z</time></api>");
        }
        String coll = p[0];
        if (coll.equals("events")) {
            return Reply.ok(eventsXml(q));
        }
        if (coll.equals("imagetransfers")) {
            if (p.length == 1) {
                return Reply.ok(write(w -> XmlImageTransferWriter.writeMany(transfers.values().stream().map(this::transfer).iterator(), w)));
            }
            Transfer t = transfers.get(p[1]);
            return t == null ? notFound("image transfer " + p[1]) : Reply.ok(write(w -> XmlImageTransferWriter.writeOne(transfer(t), w)));
        }
        if (coll.equals("options") && p.length == 2) {
            if (!p[1].equals("ServerCPUList")) {
                return notFound("option " + p[1]);
            }
            String version = q.get("version");
            var values = serverCpuLists.entrySet().stream().filter(v -> version == null || v.getKey().equals(version))
                    .map(v -> systemOptionValue().version(v.getKey()).value(v.getValue())).toArray(SystemOptionValueBuilder[]::new);
            return Reply.ok(write(w -> XmlSystemOptionWriter.writeOne(systemOption().id(p[1]).name(p[1]).values(values).build(), w)));
        }
        if (!entities.containsKey(coll)) {
            return notFound(path);
        }
        if (p.length == 1) {
            Element list = listOf(coll);
            String search = q.get("search");
            List<String> follow = follow(q);
            Document out = newDoc(PLURAL.get(coll));
            for (Element e : entities.get(coll).values()) {
                if (search != null && search.startsWith("name=") && !search.substring(5).equals(text(e, "name"))) {
                    continue;
                }
                out.getDocumentElement().appendChild(out.importNode(coll.equals("vms") ? followed(e, follow) : e, true));
            }
            return list == null ? Reply.ok(serialize(out)) : Reply.ok(serialize(out));
        }
        Element e = entities.get(coll).get(p[1]);
        if (e == null) {
            return notFound(coll + " " + p[1]);
        }
        if (p.length == 2) {
            return Reply.ok(serialize(coll.equals("vms") ? followed(e, follow(q)) : e));
        }
        if (coll.equals("vms") && p[2].equals("backups")) {
            List<Backup> list = backups.values().stream().filter(b -> b.vmId.equals(p[1])).map(this::backupOf).toList();
            if (p.length == 3) {
                return Reply.ok(write(w -> XmlBackupWriter.writeMany(list.iterator(), w)));
            }
            BackupState b = backups.get(p[3]);
            return b == null || !b.vmId.equals(p[1]) ? notFound("backup " + p[3]) : Reply.ok(write(w -> XmlBackupWriter.writeOne(backupOf(b), w)));
        }
        if (coll.equals("vms") && p[2].equals("checkpoints")) {
            List<Checkpoint> list = checkpoints.getOrDefault(p[1], List.of()).stream().map(c -> checkpointOf(p[1], c)).toList();
            return Reply.ok(write(w -> XmlCheckpointWriter.writeMany(list.iterator(), w)));
        }
        return Reply.ok(serialize(sub(coll + "/" + p[1] + "/" + p[2], p[2])));
    }

    private static List<String> follow(Map<String, String> q) {
        String f = q.get("follow");
        return f == null || f.isBlank() ? List.of() : List.of(f.split(","));
    }

    /** The VM with the followed sub-collections embedded, as the engine answers {@code follow=}. */
    private Element followed(Element vm, List<String> follow) {
        if (follow.isEmpty()) {
            return vm;
        }
        Document d = newDoc("x");
        Element copy = (Element) d.importNode(vm, true);
        for (String f : follow) {
            Element list = sub("vms/" + vm.getAttribute("id") + "/" + f, f);
            Element embedded = d.createElement(PLURAL.getOrDefault(f, f));
            for (Element c : children(list)) {
                embedded.appendChild(d.importNode(c, true));
            }
            copy.appendChild(embedded);
        }
        return copy;
    }

    private Element sub(String path, String name) {
        Document d = docs.get(path);
        return d != null ? d.getDocumentElement() : newDoc(PLURAL.getOrDefault(name, name)).getDocumentElement();
    }

    private Element listOf(String coll) {
        Document d = docs.get(coll);
        return d == null ? null : d.getDocumentElement();
    }

    private static Document newDoc(String root) {
        try {
            Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            d.appendChild(d.createElement(root));
            return d;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String serialize(Node n) throws Exception {
        Transformer t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        StringWriter w = new StringWriter();
        t.transform(new DOMSource(n instanceof Document d ? d.getDocumentElement() : n), new StreamResult(w));
        return w.toString();
    }

    private static String write(Consumer<XmlWriter> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        XmlWriter w = new XmlWriter(out, false);
        body.accept(w);
        w.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    private String eventsXml(Map<String, String> q) {
        long from = q.containsKey("from") ? Long.parseLong(q.get("from")) : -1;
        int max = q.containsKey("max") ? Integer.parseInt(q.get("max")) : Integer.MAX_VALUE;
        List<Event> out = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0 && out.size() < max; i--) {
            if (events.get(i).index().longValue() > from) {
                out.add(events.get(i)); // newest first, as the engine lists them
            }
        }
        Iterator<Event> it = out.iterator();
        return write(w -> XmlEventWriter.writeMany(it, w));
    }

    private ImageTransfer transfer(Transfer t) {
        var b = imageTransfer().id(t.id).href(API + "/imagetransfers/" + t.id).phase(t.phase)
                .direction(ImageTransferDirection.DOWNLOAD).format(DiskFormat.RAW).disk(disk().id(t.diskId))
                .active(!ended(t.phase)).inactivityTimeout(300);
        if (t.phase == ImageTransferPhase.TRANSFERRING) {
            b.transferUrl(imageio.imageUrl(t.ticket)).proxyUrl(imageio.imageUrl(t.ticket));
        }
        if (t.backupId != null) {
            b.backup(backup().id(t.backupId));
        }
        return b.build();
    }

    private Backup backupOf(BackupState b) {
        var bb = backup().id(b.id).phase(b.phase).creationDate(new Date()).description(b.description)
                .disks(b.disks.stream().map(d -> disk().id(d)).toArray(org.ovirt.engine.sdk4.builders.DiskBuilder[]::new))
                .vm(org.ovirt.engine.sdk4.builders.Builders.vm().id(b.vmId));
        if (b.from != null) {
            bb.fromCheckpointId(b.from);
        }
        if (b.phase == BackupPhase.READY || b.phase == BackupPhase.FINALIZING) {
            bb.toCheckpointId(b.to);
        }
        return bb.build();
    }

    private static Checkpoint checkpointOf(String vmId, CheckpointState c) {
        var b = checkpoint().id(c.id).creationDate(c.created).vm(org.ovirt.engine.sdk4.builders.Builders.vm().id(vmId));
        if (c.parentId != null) {
            b.parentId(c.parentId);
        }
        return b.build();
    }

    /**
     * The guest agent's reported devices exist while the VM runs (the recorded VM that is down has none): a stop
     * puts them aside, a start brings them back.
     */
    private void guestAgent(String vmId, boolean running) {
        String path = "vms/" + vmId + "/reporteddevices";
        if (running) {
            Document back = agentReportsWhileDown.remove(vmId);
            if (back != null) {
                docs.put(path, back);
            }
        } else {
            Document gone = docs.remove(path);
            if (gone != null) {
                agentReportsWhileDown.put(vmId, gone);
            }
        }
    }

    private Reply post(String path, byte[] body) throws Exception {
        String[] p = path.split("/");
        Document in = body.length == 0 ? null : parse(body);
        if (p[0].equals("vms") && p.length == 3 && (p[2].equals("start") || p[2].equals("stop") || p[2].equals("shutdown"))) {
            Element vm = entities.get("vms").get(p[1]);
            if (vm == null) {
                return notFound("vm " + p[1]);
            }
            boolean start = p[2].equals("start");
            String status = text(vm, "status");
            if (start && !"down".equals(status)) {
                return conflict("Cannot run VM. VM " + text(vm, "name") + " is running.");
            }
            if (!start && "down".equals(status)) {
                return conflict("Cannot stop VM. VM " + text(vm, "name") + " is not running.");
            }
            setText(vm, "status", start ? "powering_up" : "powering_down");
            later(() -> {
                setText(vm, "status", start ? "up" : "down");
                guestAgent(p[1], start);
                addEvent(start ? 32 : 33, "VM " + text(vm, "name") + (start ? " started" : " is down"), p[1]);
            });
            return Reply.ok("<action><status>complete</status></action>");
        }
        if (p[0].equals("imagetransfers") && p.length == 1) {
            Element it = in.getDocumentElement();
            Element d = child(it, "disk");
            Element b = child(it, "backup");
            String diskId = d == null ? null : d.getAttribute("id");
            if (diskId == null || !entities.get("disks").containsKey(diskId)) {
                return notFound("disk " + diskId);
            }
            String backupId = b == null ? null : b.getAttribute("id");
            Path image;
            List<long[]> dirty = null;
            if (backupId != null) {
                BackupState bs = backups.get(backupId);
                if (bs == null || bs.phase != BackupPhase.READY || !bs.disks.contains(diskId)) {
                    return conflict("Cannot transfer Virtual Disk: backup " + backupId + " is not ready for disk " + diskId);
                }
                image = bs.views.get(diskId);
                dirty = bs.from == null ? null : bs.dirty.get(diskId);
            } else {
                String vmId = vmOfDisk(diskId);
                if (vmId != null && !"down".equals(text(entities.get("vms").get(vmId), "status"))) {
                    return conflict("Cannot transfer Virtual Disk: The VM is running.");
                }
                image = images.get(diskId);
            }
            if (image == null) {
                return conflict("Cannot transfer Virtual Disk: no image for disk " + diskId + " in this test engine");
            }
            boolean busy = transfers.values().stream().anyMatch(t -> t.diskId.equals(diskId) && !ended(t.phase));
            if (busy) {
                return conflict("Cannot transfer Virtual Disk: Disk " + diskId + " is locked");
            }
            Transfer t = new Transfer(UUID.randomUUID().toString(), diskId, backupId);
            t.pauseAfter = pauseTransferAfterBytes;
            pauseTransferAfterBytes = -1;
            transfers.put(t.id, t);
            List<long[]> fDirty = dirty;
            Path fImage = image;
            later(() -> {
                if (t.phase == ImageTransferPhase.INITIALIZING) {
                    imageio.addTicket(t.ticket, new ImageioTestServer.Ticket(fImage, fDirty == null ? null : () -> fDirty));
                    t.phase = ImageTransferPhase.TRANSFERRING;
                }
            });
            return Reply.ok(write(w -> XmlImageTransferWriter.writeOne(transfer(t), w)));
        }
        if (p[0].equals("imagetransfers") && p.length == 3) {
            Transfer t = transfers.get(p[1]);
            if (t == null) {
                return notFound("image transfer " + p[1]);
            }
            if (p[2].equals("finalize")) {
                if (t.phase != ImageTransferPhase.TRANSFERRING) {
                    return conflict("Cannot finalize image transfer " + t.id + " in phase " + t.phase.value());
                }
                t.phase = ImageTransferPhase.FINALIZING_SUCCESS;
                imageio.removeTicket(t.ticket);
                later(() -> t.phase = ImageTransferPhase.FINISHED_SUCCESS);
            } else if (p[2].equals("cancel")) {
                imageio.removeTicket(t.ticket);
                t.phase = ImageTransferPhase.CANCELLED_USER;
            } else {
                return notFound(path);
            }
            return Reply.ok("<action><status>complete</status></action>");
        }
        if (p[0].equals("vms") && p.length == 3 && p[2].equals("backups")) {
            return addBackup(p[1], in.getDocumentElement());
        }
        if (p[0].equals("vms") && p.length == 5 && p[2].equals("backups") && p[4].equals("finalize")) {
            BackupState b = backups.get(p[3]);
            if (b == null) {
                return notFound("backup " + p[3]);
            }
            if (transfers.values().stream().anyMatch(t -> b.id.equals(t.backupId) && !ended(t.phase))) {
                return conflict("Cannot finalize backup " + b.id + ": image transfers of it are still open");
            }
            b.phase = BackupPhase.FINALIZING;
            later(() -> {
                backups.remove(b.id);
                b.views.values().forEach(v -> v.toFile().delete());
            });
            return Reply.ok("<action><status>complete</status></action>");
        }
        return notFound(path);
    }

    private Reply addBackup(String vmId, Element in) throws IOException {
        if (!entities.get("vms").containsKey(vmId)) {
            return notFound("vm " + vmId);
        }
        if (backups.values().stream().anyMatch(b -> b.vmId.equals(vmId))) {
            return conflict("Cannot backup VM. A backup is already in progress for the VM.");
        }
        String from = text(in, "from_checkpoint_id");
        List<CheckpointState> cps = checkpoints.computeIfAbsent(vmId, k -> new ArrayList<>());
        CheckpointState fromCp = null;
        if (from != null) {
            fromCp = cps.stream().filter(c -> c.id.equals(from)).findFirst().orElse(null);
            if (fromCp == null) {
                return new Reply(400, fault("Operation Failed", "[Cannot backup VM. Checkpoint " + from + " does not exist.]"));
            }
        }
        List<String> disks = new ArrayList<>();
        Element ds = child(in, "disks");
        for (Element d : ds == null ? List.<Element>of() : children(ds)) {
            String id = d.getAttribute("id");
            Element disk = entities.get("disks").get(id);
            if (disk == null) {
                return notFound("disk " + id);
            }
            if (!"incremental".equals(text(disk, "backup"))) {
                return conflict("Cannot backup VM. The disk " + text(disk, "alias") + " is not enabled for incremental backup.");
            }
            disks.add(id);
        }
        BackupState b = new BackupState(UUID.randomUUID().toString(), vmId, from, disks);
        b.description = text(in, "description");
        long since = fromCp == null ? 0 : fromCp.seq;
        for (String d : disks) {
            Path view = work.resolve(b.id + "-" + d + ".raw");
            copySparse(images.get(d), view); // the backup's point-in-time view; the guest writes on into the disk
            b.views.put(d, view);
            List<long[]> dirty = new ArrayList<>();
            for (long[] w : writes.getOrDefault(d, List.of())) {
                if (w[0] > since) {
                    dirty.add(new long[] {w[1], w[2]});
                }
            }
            b.dirty.put(d, dirty);
        }
        String parent = cps.isEmpty() ? null : cps.get(cps.size() - 1).id;
        cps.add(new CheckpointState(b.to, parent, writeSeq, new Date()));
        backups.put(b.id, b);
        later(() -> b.phase = BackupPhase.STARTING);
        later(() -> {
            if (b.phase == BackupPhase.STARTING) {
                b.phase = BackupPhase.READY;
            }
        });
        addEvent(10790, "Backup " + b.id + " for VM started", vmId);
        return Reply.ok(write(w -> XmlBackupWriter.writeOne(backupOf(b), w)));
    }

    private static void copySparse(Path from, Path to) throws IOException {
        try {
            Process p = new ProcessBuilder("cp", "--sparse=always", from.toString(), to.toString()).start();
            if (p.waitFor() != 0) {
                throw new IOException("cp failed: " + new String(p.getErrorStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Reply delete(String path, Map<String, String> q) {
        String[] p = path.split("/");
        if (p[0].equals("vms") && p.length == 4 && p[2].equals("diskattachments")) {
            return removeAttachment(p[1], p[3], !"false".equals(q.getOrDefault("detach_only", "true")));
        }
        if (p[0].equals("vms") && p.length == 4 && p[2].equals("checkpoints")) {
            List<CheckpointState> cps = checkpoints.getOrDefault(p[1], new ArrayList<>());
            int i = -1;
            for (int k = 0; k < cps.size(); k++) {
                if (cps.get(k).id.equals(p[3])) {
                    i = k;
                }
            }
            if (i < 0) {
                return notFound("checkpoint " + p[3]);
            }
            if (i != 0) {
                return conflict("Cannot remove checkpoint " + p[3] + ": only the root checkpoint can be removed.");
            }
            CheckpointState root = cps.get(0);
            if (backups.values().stream().anyMatch(b -> b.vmId.equals(p[1]) && root.id.equals(b.from))) {
                return conflict("Cannot remove checkpoint " + p[3] + ": a backup of the VM is in progress from it.");
            }
            cps.remove(0);
            if (!cps.isEmpty()) {
                CheckpointState next = cps.get(0);
                cps.set(0, new CheckpointState(next.id, null, next.seq, next.created));
            }
            return Reply.ok("<action><status>complete</status></action>");
        }
        return notFound(path);
    }

    /**
     * As the API model's DiskAttachmentService.remove: the attachment goes; with {@code detach_only} (the default) the
     * disk stays in {@code /disks}, otherwise it is deleted too. The engine logs the detach as an event on the VM.
     */
    private Reply removeAttachment(String vmId, String attachmentId, boolean detachOnly) {
        Document atts = docs.get("vms/" + vmId + "/diskattachments");
        Element found = atts == null ? null : children(atts.getDocumentElement()).stream()
                .filter(a -> attachmentId.equals(a.getAttribute("id"))).findFirst().orElse(null);
        if (found == null) {
            return notFound("disk attachment " + attachmentId + " of VM " + vmId);
        }
        atts.getDocumentElement().removeChild(found);
        Element diskRef = child(found, "disk");
        String diskId = diskRef == null ? null : diskRef.getAttribute("id");
        detached.add(vmId + "/" + diskId + (detachOnly ? "" : " (disk removed)"));
        if (!detachOnly && diskId != null) {
            Element disk = entities.get("disks").remove(diskId);
            if (disk != null) {
                docs.get("disks").getDocumentElement().removeChild(disk);
            }
        }
        addEvent(2018, "Disk " + diskId + " was successfully detached from VM " + vmId, vmId);
        return Reply.ok("<action><status>complete</status></action>");
    }

    /** The detaches asked of this engine, as {@code vmId/diskId}, with " (disk removed)" when not detach_only. */
    public synchronized List<String> detached() {
        return List.copyOf(detached);
    }

    /** Whether the disk still exists in the engine ({@code /disks/{id}}). */
    public synchronized boolean diskExists(String diskId) {
        return entities.get("disks").containsKey(diskId);
    }

    /** The ids of the disks attached to a VM. */
    public synchronized List<String> attachedDisks(String vmId) {
        Document atts = docs.get("vms/" + vmId + "/diskattachments");
        return atts == null ? List.of() : children(atts.getDocumentElement()).stream()
                .map(a -> child(a, "disk")).filter(java.util.Objects::nonNull).map(d -> d.getAttribute("id")).toList();
    }

    private String vmOfDisk(String diskId) {
        for (Map.Entry<String, Document> e : docs.entrySet()) {
            if (e.getKey().startsWith("vms/") && e.getKey().endsWith("/diskattachments")) {
                for (Element a : children(e.getValue().getDocumentElement())) {
                    Element d = child(a, "disk");
                    if (d != null && diskId.equals(d.getAttribute("id"))) {
                        return e.getKey().split("/")[1];
                    }
                }
            }
        }
        return null;
    }

    private void later(Runnable r) {
        timers.schedule(() -> {
            synchronized (this) {
                r.run();
            }
        }, transitionMillis, TimeUnit.MILLISECONDS);
    }

    /** The engine's monitoring: transfers asked to pause are set paused_system once imageio served enough of them. */
    private synchronized void watchTransfers() {
        for (Transfer t : transfers.values()) {
            if (t.phase == ImageTransferPhase.TRANSFERRING && t.pauseAfter >= 0 && imageio.bytesServed(t.ticket) >= t.pauseAfter) {
                t.phase = ImageTransferPhase.PAUSED_SYSTEM;
                imageio.removeTicket(t.ticket);
                addEvent(1037, "Transfer was stopped by system. Reason: failure in transfer image ticket renewal.", null);
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ImageioTestServer.send(ex, status, type, body);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        timers.shutdownNow();
        imageio.close();
        try (var s = Files.walk(work)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp files
        }
    }
}
