package io.hoist.core.transfer.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Size of a file or block device; the JDK reports 0 for block devices, so those are asked of sysfs. */
final class BlockDevices {
    private BlockDevices() {}

    static boolean isBlockDevice(Path path) {
        return Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path);
    }

    static long size(Path path, FileChannel channel) throws IOException {
        if (!isBlockDevice(path)) {
            return channel.size();
        }
        Path name = path.toRealPath().getFileName();
        Path sysfs = Path.of("/sys/class/block", name.toString(), "size");
        if (!Files.exists(sysfs)) {
            throw new IOException(path + " is neither a regular file nor a block device with a size in " + sysfs);
        }
        return Long.parseLong(Files.readString(sysfs).trim()) * 512; // sysfs counts 512-byte sectors
    }
}
