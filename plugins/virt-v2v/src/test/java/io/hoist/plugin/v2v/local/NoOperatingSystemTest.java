package io.hoist.plugin.v2v.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.plugin.v2v.testing.Requests;
import io.hoist.plugin.v2v.testing.TestGuest;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real virt-v2v on a disk of data without an operating system (like the quick start's appliance). */
class NoOperatingSystemTest {
    @Test
    void aDiskWithoutOperatingSystemFailsWithVirtV2vsReasonAndIsLeftAsCopied(@TempDir Path tmp) throws Exception {
        Path vmDir = Files.createDirectories(tmp.resolve("migrated/blank"));
        Path image = vmDir.resolve("blank-disk-0.img");
        byte[] data = new byte[1 << 20];
        new Random(14).nextBytes(data);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(data), 0);
            ch.truncate(64L << 20);
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]), (64L << 20) - 1);
        }
        String before = LocalConversionTest.sha256(image);
        LocalConversion conversion = new LocalConversion(TestGuest.libguestfsEnvironment());
        assertThatThrownBy(() -> conversion.convert(Requests.local("run/blank", "00:50:56:8a:14:02", List.of()), List.of(image), (s, p) -> { }))
                .isInstanceOf(HoistException.class)
                .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("GuestNotInspectable"))
                .hasMessageContaining("inspection could not detect");
        assertThat(LocalConversionTest.sha256(image)).isEqualTo(before);
        assertThat(LocalConversion.overlayOf(image)).doesNotExist();
        assertThat(vmDir.resolve(LocalConversion.LOG)).exists();
    }
}
