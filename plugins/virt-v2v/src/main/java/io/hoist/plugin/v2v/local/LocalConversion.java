package io.hoist.plugin.v2v.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.HoistException;
import io.hoist.api.convert.ConversionListener;
import io.hoist.api.convert.ConversionRequest;
import io.hoist.api.convert.ConversionResult;
import io.hoist.api.convert.GuestAddress;
import io.hoist.api.convert.GuestInspection;
import io.hoist.api.source.Firmware;
import io.hoist.plugin.v2v.DomainXml;
import io.hoist.plugin.v2v.LogTail;
import io.hoist.plugin.v2v.Tools;
import io.hoist.plugin.v2v.V2vProgress;
import io.hoist.plugin.v2v.guest.V2vFacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Converts a VM's copied raw images on this machine with virt-v2v-in-place, crash-safely.
 *
 * <p>virt-v2v never writes the copied images themselves: it converts qcow2 overlays backed by them. Only
 * after it succeeded is a marker written (durably, with what it found) and the overlays committed into the
 * images. So after a crash at any point:
 * <ul>
 *   <li>before the marker, the images are still the verified copy: the overlays are thrown away and the
 *       conversion starts again from them;</li>
 *   <li>after the marker, committing the overlays again writes the same blocks again (idempotent).</li>
 * </ul>
 * A virt-v2v left running by a killed platform is killed first (its pid is kept next to the marker).
 */
public final class LocalConversion {
    static final String STATE_DIR = ".virt-v2v";
    static final String MARKER = "converted.json";
    static final String LOG = "virt-v2v.log";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> environment;

    /** @param environment added to the tools' environment (e.g. LIBGUESTFS_BACKEND_SETTINGS=force_tcg) */
    public LocalConversion(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public ConversionResult convert(ConversionRequest request, List<Path> images, ConversionListener listener) throws Exception {
        Path vmDir = images.get(0).toAbsolutePath().getParent();
        Path state = Files.createDirectories(vmDir.resolve(STATE_DIR));
        Path log = vmDir.resolve(LOG);
        killLeftover(state.resolve("pid"));
        List<Path> overlays = images.stream().map(LocalConversion::overlayOf).toList();

        Optional<ObjectNode> done = readMarker(state.resolve(MARKER), request.runId());
        if (done.isPresent()) {
            listener.stage("Committing the converted overlays (resumed)", 97);
            commit(images, overlays, vmDir);
            return result(done.get(), true, log);
        }

        // A fresh start from the verified copy: whatever a killed run left in overlays is discarded.
        listener.restarted();
        for (Path o : overlays) {
            Files.deleteIfExists(o);
        }
        Files.deleteIfExists(state.resolve(MARKER));
        for (int i = 0; i < images.size(); i++) {
            Tools.run(List.of(Tools.require("qemu-img", "qemu-utils").toString(), "create", "-q", "-f", "qcow2", "-F", "raw",
                    "-b", images.get(i).toAbsolutePath().toString(), overlays.get(i).toAbsolutePath().toString()), vmDir);
        }
        Path domain = state.resolve("domain.xml");
        Files.writeString(domain, DomainXml.of(request.spec(),
                overlays.stream().map(o -> new DomainXml.Disk(o.toAbsolutePath().toString(), "qcow2", false)).toList()));

        List<String> cmd = new ArrayList<>(List.of(Tools.require("virt-v2v-in-place", "virt-v2v").toString(), "-v", "-x",
                "-i", "libvirtxml", domain.toString()));
        LogTail tail = new LogTail(LogTail.DEFAULT_LIMIT);
        V2vFacts facts = new V2vFacts();
        V2vProgress progress = new V2vProgress(listener);
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putIfAbsent("LIBGUESTFS_BACKEND", "direct");
        if (request.options().virtioWin() != null) {
            env.put("VIRTIO_WIN", request.options().virtioWin());
        }
        Tools.Running run = Tools.start(cmd, env, vmDir, line -> {
            tail.add(line);
            listener.output(line);
            facts.accept(line);
            progress.accept(line);
        });
        writePid(state.resolve("pid"), run.process());
        int rc;
        try {
            rc = run.waitFor();
        } catch (InterruptedException e) {
            // canceled: stop virt-v2v and its appliance; the images are still the verified copy
            run.process().descendants().forEach(ProcessHandle::destroyForcibly);
            run.process().destroyForcibly();
            run.process().onExit().get(30, TimeUnit.SECONDS);
            for (Path o : overlays) {
                Files.deleteIfExists(o);
            }
            throw e;
        } finally {
            tail.writeTo(log);
        }
        Files.deleteIfExists(state.resolve("pid"));
        if (rc != 0) {
            for (Path o : overlays) {
                Files.deleteIfExists(o);
            }
            String reason = facts.error() != null ? facts.error() : "virt-v2v-in-place exited with " + rc + " (see " + log + ")";
            if (facts.applianceFailed()) {
                // Not the guest's fault (an overloaded or misconfigured host): the engine tries the step again.
                throw new HoistException(HoistException.Type.UNAVAILABLE, "ConverterApplianceFailed",
                        "the libguestfs appliance virt-v2v runs in failed to start or crashed: " + reason);
            }
            if (facts.noOperatingSystem() || !facts.inspected() && facts.error() != null && facts.error().contains("inspect")) {
                throw new HoistException(HoistException.Type.USER_ERROR, "GuestNotInspectable",
                        "virt-v2v found no operating system to convert: " + reason);
            }
            throw new HoistException(HoistException.Type.INTERNAL, "ConversionFailed", "virt-v2v-in-place failed: " + reason);
        }
        GuestInspection inspection = facts.inspection();
        List<String> warnings = new ArrayList<>();
        if (!request.staticAddresses().isEmpty()) {
            warnings.addAll(keepStaticAddresses(request.staticAddresses(), inspection, overlays, vmDir, env, tail, listener));
            tail.writeTo(log);
        }
        ObjectNode marker = marker(request.runId(), inspection, progress.timings(), warnings);
        writeDurably(state.resolve(MARKER), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(marker));
        listener.stage("Committing the converted overlays", 97);
        commit(images, overlays, vmDir);
        return result(marker, false, log);
    }

    static Path overlayOf(Path image) {
        return image.resolveSibling(image.getFileName() + ".v2v.qcow2");
    }

    /** Writes the overlays' blocks into the images; a commit cut short is simply done again. */
    private static void commit(List<Path> images, List<Path> overlays, Path dir) throws IOException, InterruptedException {
        for (int i = 0; i < images.size(); i++) {
            Path o = overlays.get(i);
            if (!Files.exists(o)) {
                continue; // committed and removed before a crash
            }
            Tools.run(List.of(Tools.require("qemu-img", "qemu-utils").toString(), "commit", "-q", "-f", "qcow2",
                    o.toAbsolutePath().toString()), dir);
            try (FileChannel ch = FileChannel.open(images.get(i), StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.delete(o);
        }
    }

    /**
     * preserveStaticIPs on Linux: virt-v2v's {@code --mac ...:ip:} acts on Windows only, so the interface
     * each address was configured on is pinned to its MAC with a udev rule, inside the converted overlay.
     */
    private List<String> keepStaticAddresses(List<GuestAddress> addresses, GuestInspection inspection, List<Path> overlays, Path dir,
                                             Map<String, String> env, LogTail tail, ConversionListener listener) throws Exception {
        if (!"linux".equals(inspection.osType())) {
            return List.of("preserveStaticIPs: not applied to a " + inspection.osType() + " guest by this converter");
        }
        listener.stage("Keeping static IP addresses on their interfaces", 93);
        Path script = dir.resolve(STATE_DIR).resolve("persistent-net.sh");
        try (InputStream in = LocalConversion.class.getResourceAsStream("/io/hoist/plugin/v2v/persistent-net.sh")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        StringBuilder args = new StringBuilder();
        for (GuestAddress a : addresses) {
            String mac = a.mac().toLowerCase(Locale.ROOT);
            if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}") || !a.ip().matches("[0-9a-fA-F.:]+")) {
                throw new HoistException(HoistException.Type.USER_ERROR, "StaticIpNotValid",
                        "static address " + a.ip() + " on MAC " + a.mac() + " is not a MAC and an IP address");
            }
            args.append(' ').append(mac).append('=').append(a.ip());
        }
        List<String> cmd = new ArrayList<>(List.of(Tools.require("guestfish", "libguestfs-tools").toString(), "--rw"));
        for (Path o : overlays) {
            cmd.addAll(List.of("--format=qcow2", "-a", o.toAbsolutePath().toString()));
        }
        cmd.addAll(List.of("-i",
                "upload", script.toString(), "/tmp/hoist-persistent-net.sh", ":",
                "sh", "/bin/sh /tmp/hoist-persistent-net.sh" + args, ":",
                "rm", "/tmp/hoist-persistent-net.sh"));
        // The script only writes one file, so a run whose appliance failed to start is simply tried again.
        for (int attempt = 1; ; attempt++) {
            List<String> warnings = new ArrayList<>();
            LogTail last = new LogTail(2048);
            boolean[] applianceFailed = {false};
            int rc = Tools.start(cmd, env, dir, line -> {
                tail.add(line);
                listener.output(line);
                last.add(line);
                applianceFailed[0] |= V2vFacts.applianceFailure(line);
                if (line.startsWith("hoist-net: missing ")) {
                    synchronized (warnings) {
                        warnings.add("preserveStaticIPs: no interface in the guest is configured with " + line.substring(19).trim());
                    }
                }
            }).waitFor();
            if (rc == 0) {
                return warnings;
            }
            if (!applianceFailed[0] || attempt == 3) {
                throw new HoistException(applianceFailed[0] ? HoistException.Type.UNAVAILABLE : HoistException.Type.INTERNAL,
                        "ConversionFailed", "keeping static IP addresses failed (guestfish exit " + rc + "): "
                        + last.text().strip().replace('\n', ' ') + " (log: " + dir.resolve(LOG) + ")");
            }
        }
    }

    private static ObjectNode marker(String runId, GuestInspection g, Map<String, Double> seconds, List<String> warnings) {
        ObjectNode n = JSON.createObjectNode();
        n.put("runId", runId);
        ObjectNode i = n.putObject("inspection");
        i.put("osType", g.osType());
        i.put("distro", g.distro());
        i.put("osInfo", g.osInfo());
        i.put("productName", g.productName());
        i.put("version", g.version());
        i.put("arch", g.arch());
        i.put("firmware", g.firmware().name());
        i.put("packageFormat", g.packageFormat());
        i.put("virtioInstalled", g.virtioInstalled());
        i.put("guestAgent", g.guestAgent());
        ObjectNode s = n.putObject("seconds");
        seconds.forEach(s::put);
        warnings.forEach(n.putArray("warnings")::add);
        n.put("convertedAt", Instant.now().toString());
        return n;
    }

    private static ConversionResult result(ObjectNode marker, boolean reused, Path log) {
        var i = marker.path("inspection");
        GuestInspection g = new GuestInspection(text(i, "osType"), text(i, "distro"), text(i, "osInfo"), text(i, "productName"),
                text(i, "version"), text(i, "arch"), "EFI".equals(text(i, "firmware")) ? Firmware.EFI : Firmware.BIOS,
                text(i, "packageFormat"), i.path("virtioInstalled").asBoolean(), i.path("guestAgent").asBoolean());
        Map<String, Double> seconds = new LinkedHashMap<>();
        marker.path("seconds").properties().forEach(e -> seconds.put(e.getKey(), e.getValue().asDouble()));
        List<String> warnings = new ArrayList<>();
        marker.path("warnings").forEach(w -> warnings.add(w.asText()));
        return new ConversionResult(g, reused, log.toString(), seconds, warnings);
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /** The marker of this run, if conversion finished before; a marker of another run is stale. */
    private static Optional<ObjectNode> readMarker(Path marker, String runId) throws IOException {
        if (!Files.exists(marker)) {
            return Optional.empty();
        }
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(marker.toFile());
            return runId.equals(n.path("runId").asText()) ? Optional.of(n) : Optional.empty();
        } catch (IOException | ClassCastException e) {
            return Optional.empty(); // torn write: the marker is written by rename, so this is not ours
        }
    }

    private static void writeDurably(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be synced; the rename is still atomic
        }
    }

    private static void writePid(Path file, Process p) throws IOException {
        String start = p.info().startInstant().map(Instant::toString).orElse("");
        Files.writeString(file, p.pid() + " " + start + "\n");
    }

    /** Kills a virt-v2v a killed platform left running on these images, with its children (the appliance). */
    static void killLeftover(Path pidFile) throws IOException, InterruptedException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String[] f = Files.readString(pidFile).trim().split(" ");
        Files.delete(pidFile);
        Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(f[0]));
        if (h.isEmpty() || !h.get().isAlive()) {
            return;
        }
        String started = h.get().info().startInstant().map(Instant::toString).orElse("");
        String command = h.get().info().command().orElse("");
        if (f.length < 2 || !f[1].equals(started) || !command.contains("virt-v2v")) {
            return; // the pid was reused by something else
        }
        List<ProcessHandle> tree = new ArrayList<>(h.get().descendants().toList());
        tree.add(h.get());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // gone or stuck; the overlays are recreated either way
            }
        }
    }
}
