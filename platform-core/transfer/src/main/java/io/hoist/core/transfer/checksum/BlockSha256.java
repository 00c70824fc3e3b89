package io.hoist.core.transfer.checksum;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * SHA-256 of one block held in a direct buffer, through OpenSSL's {@code SHA256()} (libcrypto, FFM downcall) when
 * the library is there, else the JDK's {@link MessageDigest}.
 *
 * <p>Why: {@code hoist copy} is a fresh JVM per disk, and the JDK's SHA-256 runs in the interpreter and then in
 * C1-compiled Java until C2 has compiled its SHA-NI intrinsic, which on a busy 2-core machine took seconds and most
 * of a small copy's hashing CPU. OpenSSL uses SHA-NI (or AVX2) from the first byte, reads the direct buffer in place
 * (the JDK copies a direct buffer into a heap array 4 KiB at a time) and costs about what the JIT's intrinsic does
 * once warm. Same algorithm, same digests: {@code BlockSha256Test} compares both on every size that matters.
 * {@code -Dhoist.transfer.nativeSha256=false} forces the JDK path.
 */
public final class BlockSha256 {
    private static final MethodHandle SHA256 = link();

    private BlockSha256() {}

    /** True when digests are computed by libcrypto (the JDK otherwise). */
    public static boolean isNative() {
        return SHA256 != null;
    }

    /**
     * The SHA-256 of {@code buf}'s bytes from its position to its limit (position moves to the limit, as
     * {@link MessageDigest#update(ByteBuffer)} does). {@code fallback} is used, and left reset, when the buffer is
     * not direct or libcrypto is not there.
     */
    public static byte[] digest(ByteBuffer buf, MessageDigest fallback) {
        if (SHA256 == null || !buf.isDirect()) {
            fallback.reset();
            fallback.update(buf);
            return fallback.digest();
        }
        MemorySegment data = MemorySegment.ofBuffer(buf);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(DiskChecksum.DIGEST_LENGTH);
            MemorySegment unused = (MemorySegment) SHA256.invokeExact(data, data.byteSize(), out);
            buf.position(buf.limit());
            return out.toArray(JAVA_BYTE);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libcrypto SHA256 failed", t);
        }
    }

    /** {@code unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md)}, or null when absent. */
    private static MethodHandle link() {
        if (!Boolean.parseBoolean(System.getProperty("hoist.transfer.nativeSha256", "true"))) {
            return null;
        }
        for (String name : new String[] {"libcrypto.so.3", "libcrypto.so"}) {
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup(name, Arena.global());
                MemorySegment fn = lib.find("SHA256").orElse(null);
                if (fn != null) {
                    return Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
                }
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
                // not there (or native access denied): try the next name, then the JDK
            }
        }
        return null;
    }
}
