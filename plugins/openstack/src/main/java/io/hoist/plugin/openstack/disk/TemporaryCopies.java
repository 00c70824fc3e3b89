package io.hoist.plugin.openstack.disk;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.HoistException;
import io.hoist.plugin.openstack.client.KeystoneSession;
import io.hoist.plugin.support.Interruptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.image.ContainerFormat;
import org.openstack4j.model.image.DiskFormat;
import org.openstack4j.model.storage.block.VolumeSnapshot;
import org.openstack4j.model.storage.block.options.UploadImageData;
import org.openstack4j.openstack.storage.block.domain.CinderVolume;
import org.openstack4j.openstack.storage.block.domain.CinderVolumeSnapshot;

/**
 * The temporary OpenStack objects a disk copy needs, made as MTV makes them and always removed: for a Cinder
 * volume, a snapshot ({@code force}: the volume stays attached), a volume from that snapshot, and an image
 * uploaded from that volume (raw, so Glance serves the volume's bytes); for an image-backed server, a server
 * snapshot image. Every object is named {@code hoist-<source id>}: {@link #removeLeftovers} finds and deletes
 * what a crashed run left before a new copy starts, and {@link Prepared#close()} deletes this run's (after
 * success, failure or cancel).
 */
public final class TemporaryCopies {
    public static final String PREFIX = "hoist-";

    private final KeystoneSession session;
    private final Duration timeout;
    private final System.Logger log;

    public TemporaryCopies(KeystoneSession session, Duration timeout, System.Logger log) {
        this.session = session;
        this.timeout = timeout;
        this.log = log;
    }

    /** What was made for one disk: the Glance image to read and what to delete afterwards. */
    public final class Prepared implements AutoCloseable {
        private final String imageId;
        private final List<Runnable> cleanup = new ArrayList<>();
        private boolean closed;

        private Prepared(String imageId) {
            this.imageId = imageId;
        }

        public String imageId() {
            return imageId;
        }

        /** Deletes the image, then the volume, then the snapshot, waiting until each is gone. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            // a cancel interrupts the copy: the deletions must still run to their end
            Interruptions.runDespiteInterrupt(this::deleteAll);
        }

        /** Runs every deletion, last made first; throws the first failure once all have been tried. */
        private void deleteAll() {
            RuntimeException first = null;
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                try {
                    cleanup.get(i).run();
                } catch (RuntimeException e) {
                    log.log(System.Logger.Level.WARNING, "cleanup: " + e.getMessage());
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** Snapshot → volume → image of one Cinder volume; on any failure what was made is deleted. */
    public Prepared ofVolume(String volumeId, String what) {
        String name = PREFIX + volumeId;
        removeLeftovers(name);
        Prepared p = new Prepared(null);
        try {
            VolumeSnapshot snap = session.call("snapshot of " + what, os -> os.blockStorage().snapshots().create(
                    // no description: openstack4j would send it also as v1's display_description, which v3 refuses
                    CinderVolumeSnapshot.builder().name(name).volume(volumeId).force(true).build()));
            p.cleanup.add(() -> deleteSnapshot(snap.getId()));
            awaitStatus("snapshot " + snap.getId(), () -> session.json("volumev3", "/snapshots/" + snap.getId()),
                    "snapshot", "available");
            JsonNode source = session.json("volumev3", "/volumes/" + volumeId).path("volume");
            var vol = session.call("volume from the snapshot of " + what, os -> os.blockStorage().volumes().create(
                    CinderVolume.builder().name(name).snapshot(snap.getId()).size(source.path("size").asInt()).build()));
            p.cleanup.add(() -> deleteVolume(vol.getId()));
            awaitStatus("volume " + vol.getId(), () -> session.json("volumev3", "/volumes/" + vol.getId()),
                    "volume", "available");
            var upload = session.call("upload of " + what + " to an image", os -> os.blockStorage().volumes()
                    .uploadToImage(vol.getId(), UploadImageData.create(name).diskFormat(DiskFormat.RAW)
                            .containerFormat(ContainerFormat.BARE).force(true)));
            String imageId = upload.getImageId();
            p.cleanup.add(() -> deleteImage(imageId));
            awaitImage(imageId, () -> {});
            Prepared done = new Prepared(imageId);
            done.cleanup.addAll(p.cleanup);
            return done;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * A server snapshot image of an image-backed server's root disk. {@code whileQueued} runs while Glance
     * waits for the hypervisor's upload (tests play the hypervisor with Nova's FakeDriver).
     */
    public Prepared ofServer(String serverId, String what, Runnable whileQueued) {
        String name = PREFIX + serverId;
        removeLeftovers(name);
        String imageId = session.call("snapshot image of " + what,
                os -> os.compute().servers().createSnapshot(serverId, name));
        if (imageId == null) {
            throw new HoistException(HoistException.Type.INTERNAL, "SnapshotFailed", "Nova returned no image for the snapshot of " + what);
        }
        Prepared p = new Prepared(imageId);
        p.cleanup.add(() -> deleteImage(imageId));
        try {
            awaitImage(imageId, whileQueued);
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** Deletes images, volumes and snapshots of ours with this name (a crashed run's). */
    public void removeLeftovers(String name) {
        JsonNode images = session.json("image", "/v2/images?name=" + name);
        if (images != null) {
            images.path("images").forEach(i -> deleteImage(i.path("id").asText()));
        }
        JsonNode vols = session.json("volumev3", "/volumes?name=" + name);
        if (vols != null) {
            vols.path("volumes").forEach(v -> deleteVolume(v.path("id").asText()));
        }
        JsonNode snaps = session.json("volumev3", "/snapshots?name=" + name);
        if (snaps != null) {
            snaps.path("snapshots").forEach(s -> deleteSnapshot(s.path("id").asText()));
        }
    }

    private void deleteImage(String id) {
        session.call("delete image " + id, os -> {
            ActionResponse r = os.imagesV2().delete(id);
            return r.getCode() == 404 ? ActionResponse.actionSuccess() : r;
        });
        awaitGone("image " + id, () -> session.json("image", "/v2/images/" + id));
    }

    private void deleteVolume(String id) {
        deleteCinderObject("volume", "/volumes/" + id, id, os -> os.blockStorage().volumes().delete(id));
    }

    private void deleteSnapshot(String id) {
        deleteCinderObject("snapshot", "/snapshots/" + id, id, os -> os.blockStorage().snapshots().delete(id));
    }

    /**
     * Deletes the Cinder {@code kind} ({@code volume}, {@code snapshot}) at {@code path} once it has settled, and
     * waits until it is gone; gone already is fine.
     */
    private void deleteCinderObject(String kind, String path, String id, Function<OSClientV3, ActionResponse> delete) {
        String what = kind + " " + id;
        Supplier<JsonNode> get = () -> session.json("volumev3", path);
        awaitSettled(what, get, kind);
        session.call("delete " + what, os -> {
            ActionResponse r = delete.apply(os);
            return r.getCode() == 404 ? ActionResponse.actionSuccess() : r;
        });
        awaitGone(what, get);
    }

    private void awaitStatus(String what, Supplier<JsonNode> get, String key, String wanted) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode n = get.get();
            String status = n == null ? "missing" : n.path(key).path("status").asText();
            if (wanted.equals(status)) {
                return;
            }
            if (status.startsWith("error") || status.equals("missing")) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "TemporaryCopyFailed", what + " went to " + status);
            }
            pause(what, deadline);
        }
    }

    /**
     * Waits until Cinder has finished making or changing the object: a snapshot or volume deleted while still
     * {@code creating} (a cancel right after it was asked for) goes to {@code error_deleting} and stays.
     */
    private void awaitSettled(String what, Supplier<JsonNode> get, String key) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode n = get.get();
            String status = n == null ? "missing" : n.path(key).path("status").asText();
            if (!List.of("creating", "downloading", "uploading", "attaching", "detaching", "backing-up").contains(status)) {
                return;
            }
            pause(what + " still " + status + " before its deletion", deadline);
        }
    }

    private void awaitImage(String imageId, Runnable whileQueued) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode img = session.json("image", "/v2/images/" + imageId);
            String status = img == null ? "missing" : img.path("status").asText();
            switch (status) {
                case "active" -> {
                    return;
                }
                case "killed", "deleted", "missing", "deactivated" -> throw new HoistException(HoistException.Type.UNAVAILABLE,
                        "TemporaryCopyFailed", "image " + imageId + " went to " + status);
                case "queued" -> whileQueued.run();
                default -> { }
            }
            pause("image " + imageId, deadline);
        }
    }

    private void awaitGone(String what, Supplier<JsonNode> get) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode n = get.get();
            if (n == null || "deleted".equals(n.path("status").asText())) {
                return;
            }
            String status = n.path("volume").path("status").asText(n.path("snapshot").path("status").asText(""));
            if (status.equals("error_deleting")) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "CleanupFailed", what + " is error_deleting");
            }
            pause(what + " deletion", deadline);
        }
    }

    private static void pause(String what, Instant deadline) {
        if (Instant.now().isAfter(deadline)) {
            throw new HoistException(HoistException.Type.UNAVAILABLE, "Timeout", what + ": timed out");
        }
        Interruptions.sleep(500);
    }
}
