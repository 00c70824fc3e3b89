package io.hoist.core.transfer.checksum;

import java.nio.ByteBuffer;

/**
 * One block-digest algorithm of a disk checksum ({@link ChecksumMode}), with the state of one copy worker: not
 * thread-safe, one per worker. Digests come back as {@link DiskChecksum#DIGEST_LENGTH}-byte slots (a shorter digest
 * fills the front and is followed by zeros) so block digests and checkpoints keep one layout for every algorithm.
 */
public interface BlockHasher {
    /** The digest of {@code buf}'s bytes from its position to its limit; the position moves to the limit. */
    byte[] digest(ByteBuffer buf);

    /** Starts a digest fed piece by piece ({@link #update}, {@link #updateZeros}, then {@link #finish}). */
    void start();

    /** Feeds {@code buf}'s bytes from its position to its limit; the position moves to the limit. */
    void update(ByteBuffer buf);

    /** Feeds {@code length} zero bytes. */
    void updateZeros(long length);

    /** The digest of what was fed since {@link #start}. */
    byte[] finish();
}
