package io.hoist.core.engine.testdoubles;

import io.hoist.api.HoistException;
import io.hoist.api.convert.ConversionListener;
import io.hoist.api.convert.ConversionRequest;
import io.hoist.api.convert.ConversionResult;
import io.hoist.api.convert.ConvertibleDisk;
import io.hoist.api.convert.GuestConverter;
import io.hoist.api.convert.GuestInspection;
import io.hoist.api.destination.DiskLocation;
import io.hoist.api.source.Firmware;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A converter that "converts" by writing a mark at the start of each local disk, reports a Debian 12 guest,
 * and can be told to block (to kill the engine mid-conversion) or to find no operating system.
 */
public final class GuestConverterTestDouble implements GuestConverter {
    public static final byte[] MARK = "converted by the test double".getBytes(StandardCharsets.UTF_8);

    public final List<ConversionRequest> requests = new CopyOnWriteArrayList<>();
    /** Completed by the test to let a blocked conversion go on; null: never block. */
    public volatile CompletableFuture<Void> gate;
    /** Completed when a conversion has started. */
    public final CompletableFuture<Void> started = new CompletableFuture<>();
    public volatile boolean noOperatingSystem;

    @Override
    public String name() {
        return "test-double";
    }

    @Override
    public boolean accepts(String sourceProviderType, String osType) {
        return true;
    }

    @Override
    public ConversionResult convert(ConversionRequest request, ConversionListener listener) throws Exception {
        requests.add(request);
        listener.restarted();
        listener.output("[   0.0] Setting up the source: " + request.runId());
        listener.stage("Inspecting the source", 20);
        started.complete(null);
        CompletableFuture<Void> g = gate;
        if (g != null) {
            g.get();
        }
        if (noOperatingSystem) {
            throw new HoistException(HoistException.Type.USER_ERROR, "GuestNotInspectable",
                    "virt-v2v found no operating system to convert: inspection could not detect the source guest");
        }
        for (ConvertibleDisk d : request.disks()) {
            if (d.location() instanceof DiskLocation.LocalFile f) {
                try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(MARK), 0);
                }
            }
        }
        listener.output("[  42.0] Finishing off");
        listener.stage("Finishing off", 99);
        GuestInspection g2 = new GuestInspection("linux", "debian", "debian12", "Debian 12", "12.15", "x86_64", Firmware.BIOS, "deb",
                true, true);
        return new ConversionResult(g2, false, "/var/log/test-double.log", Map.of("appliance", 1.5, "conversion", 2.5),
                List.of("preserveStaticIPs: no interface in the guest is configured with 00:50:56:00:00:01 10.0.0.5"));
    }
}
