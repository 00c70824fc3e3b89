package io.hoist.core.transfer.checksum;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/** {@code sha256-4m} blocks: libcrypto's SHA-256 for whole blocks ({@link BlockSha256}), the JDK's for pieces. */
final class Sha256BlockHasher implements BlockHasher {
    private final MessageDigest md = DiskChecksum.newDigest();

    @Override
    public byte[] digest(ByteBuffer buf) {
        return BlockSha256.digest(buf, md);
    }

    @Override
    public void start() {
        md.reset();
    }

    @Override
    public void update(ByteBuffer buf) {
        md.update(buf);
    }

    @Override
    public void updateZeros(long length) {
        DiskChecksum.updateWithZeros(md, length);
    }

    @Override
    public byte[] finish() {
        return md.digest();
    }
}
