package io.hoist.plugin.ovirt.disk;

import static org.ovirt.engine.sdk4.builders.Builders.backup;
import static org.ovirt.engine.sdk4.builders.Builders.disk;
import static org.ovirt.engine.sdk4.builders.Builders.imageTransfer;

import io.hoist.api.HoistException;
import io.hoist.plugin.ovirt.client.EngineClient;
import io.hoist.plugin.support.Interruptions;
import java.time.Duration;
import java.util.Set;
import org.ovirt.engine.sdk4.builders.ImageTransferBuilder;
import org.ovirt.engine.sdk4.types.DiskFormat;
import org.ovirt.engine.sdk4.types.ImageTransfer;
import org.ovirt.engine.sdk4.types.ImageTransferDirection;
import org.ovirt.engine.sdk4.types.ImageTransferPhase;

/**
 * The engine side of one disk download: {@code POST /imagetransfers} (direction download, format raw, a
 * backup's disk for warm copies), waiting for {@code transferring}, then exactly one of finalize or cancel.
 * The phases are the API model's {@code ImageTransferPhase}.
 */
public final class ImageTransfers {
    private static final Set<ImageTransferPhase> FAILED = Set.of(ImageTransferPhase.FINISHED_FAILURE,
            ImageTransferPhase.FINALIZING_FAILURE, ImageTransferPhase.CANCELLED, ImageTransferPhase.CANCELLED_SYSTEM,
            ImageTransferPhase.CANCELLED_USER, ImageTransferPhase.FINISHED_CLEANUP, ImageTransferPhase.FINALIZING_CLEANUP,
            ImageTransferPhase.PAUSED_SYSTEM, ImageTransferPhase.PAUSED_USER, ImageTransferPhase.UNKNOWN);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration END_TIMEOUT = Duration.ofMinutes(5);

    private final EngineClient client;

    public ImageTransfers(EngineClient client) {
        this.client = client;
    }

    /** One started transfer: its id, where imageio serves it (host first, engine proxy second) and its phase. */
    public record Started(String id, String diskId, String transferUrl, String proxyUrl) {}

    /**
     * Starts a download of {@code diskId} (of backup {@code backupId} when not null) and waits until imageio serves
     * it. A transfer that fails to start is cancelled before the error is thrown.
     */
    public Started start(String diskId, String backupId) {
        ImageTransferBuilder b = imageTransfer().disk(disk().id(diskId)).direction(ImageTransferDirection.DOWNLOAD)
                .format(DiskFormat.RAW).inactivityTimeout(300);
        if (backupId != null) {
            b.backup(backup().id(backupId));
        }
        ImageTransfer t = client.call("image transfer of disk " + diskId,
                s -> s.imageTransfersService().add().imageTransfer(b).send().imageTransfer());
        String id = t.id();
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (true) {
                ImageTransferPhase phase = t.phasePresent() ? t.phase() : ImageTransferPhase.INITIALIZING;
                if (phase == ImageTransferPhase.TRANSFERRING) {
                    String host = t.transferUrlPresent() ? t.transferUrl() : null;
                    String proxy = t.proxyUrlPresent() ? t.proxyUrl() : null;
                    if (host == null && proxy == null) {
                        throw new HoistException(HoistException.Type.INTERNAL, "ImageTransferNoUrl",
                                "image transfer " + id + " of disk " + diskId + " is transferring but has no URL");
                    }
                    return new Started(id, diskId, host, proxy);
                }
                if (FAILED.contains(phase)) {
                    throw new HoistException(HoistException.Type.UNAVAILABLE, "ImageTransferFailed",
                            "image transfer " + id + " of disk " + diskId + " did not start: the engine set it "
                                    + phase.value());
                }
                if (System.nanoTime() > end) {
                    throw new HoistException(HoistException.Type.UNAVAILABLE, "ImageTransferTimeout",
                            "image transfer " + id + " of disk " + diskId + " still " + phase.value() + " after "
                                    + START_TIMEOUT.toMinutes() + " minutes");
                }
                Interruptions.sleep(250);
                t = get(id);
            }
        } catch (RuntimeException e) {
            cancelQuietly(id);
            throw e;
        }
    }

    public ImageTransfer get(String id) {
        return client.call("image transfer " + id, s -> s.imageTransfersService().imageTransferService(id).get().send().imageTransfer());
    }

    /** The transfer's phase, or null when the engine no longer knows it. */
    public ImageTransferPhase phase(String id) {
        try {
            ImageTransfer t = get(id);
            return t.phasePresent() ? t.phase() : ImageTransferPhase.UNKNOWN;
        } catch (HoistException e) {
            if ("NotFound".equals(e.code())) {
                return null;
            }
            throw e;
        }
    }

    /** Finalizes a completed download and waits for the engine to close it. */
    public void finish(String id) {
        client.call("finalize image transfer " + id, s -> s.imageTransfersService().imageTransferService(id).finalize_().send());
        waitClosed(id);
    }

    /** Cancels (a failed or abandoned copy); never throws, the reason of the caller matters more. */
    public void cancelQuietly(String id) {
        Interruptions.runDespiteInterrupt(() -> { // a cancelled copy still closes its transfer
            try {
                client.call("cancel image transfer " + id, s -> s.imageTransfersService().imageTransferService(id).cancel().send());
                waitClosed(id);
            } catch (RuntimeException ignored) {
                // already gone or the engine is unreachable: its inactivity timeout closes the transfer
            }
        });
    }

    private void waitClosed(String id) {
        long end = System.nanoTime() + END_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            ImageTransferPhase p = phase(id);
            if (p == null || p == ImageTransferPhase.FINISHED_SUCCESS || p == ImageTransferPhase.FINISHED_FAILURE
                    || p == ImageTransferPhase.CANCELLED || p == ImageTransferPhase.CANCELLED_USER
                    || p == ImageTransferPhase.CANCELLED_SYSTEM || p == ImageTransferPhase.FINISHED_CLEANUP) {
                return;
            }
            Interruptions.sleep(200);
        }
    }
}
