package io.hoist.core.transfer.checksum;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * XXH3-128 from the xxHash library ({@code libxxhash.so.0}, Debian/Ubuntu package {@code libxxhash0}, which apt
 * itself depends on) through FFM downcalls: one-shot and streaming. The library's {@code _dispatch} entry points are
 * used when it exports them (they pick AVX2/AVX-512 at run time; the plain ones are built for the baseline CPU).
 * Digests are in xxHash's canonical form: high 64 bits then low 64 bits, both big-endian (what {@code xxhsum -H2}
 * prints).
 */
final class Xxh3Native {
    /** {@code XXH128_hash_t}: {@code { XXH64_hash_t low64; XXH64_hash_t high64; }}, returned by value. */
    private static final MemoryLayout HASH128 = MemoryLayout.structLayout(JAVA_LONG.withName("low64"), JAVA_LONG.withName("high64"));
    static final int DIGEST_LENGTH = 16;
    private static final Functions FN = Functions.link();

    private Xxh3Native() {}

    /** Null when the library is there; else why it is not, for the error a copy asking for xxh128-4m reports. */
    static String unavailableReason() {
        return FN.missing;
    }

    static MemorySegment createState() {
        MemorySegment state;
        try {
            state = (MemorySegment) fn().createState.invokeExact();
        } catch (Throwable t) {
            throw failed(t);
        }
        if (state.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("XXH3_createState returned NULL");
        }
        // Freed when the hasher holding it is garbage: the state lives as long as its copy worker.
        return state.reinterpret(Arena.ofAuto(), Xxh3Native::freeState);
    }

    private static void freeState(MemorySegment state) {
        try {
            int unused = (int) FN.freeState.invokeExact(state);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    /** XXH3-128 of {@code data}, written to {@code out} (16 bytes, canonical); {@code scratch} takes the struct. */
    static void hash(MemorySegment data, MemorySegment scratch, byte[] out) {
        MemorySegment h;
        try {
            h = (MemorySegment) fn().hash.invokeExact(SegmentAllocator.prefixAllocator(scratch), data, data.byteSize());
        } catch (Throwable t) {
            throw failed(t);
        }
        canonical(h, out);
    }

    static void reset(MemorySegment state) {
        int code;
        try {
            code = (int) fn().reset.invokeExact(state);
        } catch (Throwable t) {
            throw failed(t);
        }
        check(code, "XXH3_128bits_reset");
    }

    static void update(MemorySegment state, MemorySegment data) {
        int code;
        try {
            code = (int) fn().update.invokeExact(state, data, data.byteSize());
        } catch (Throwable t) {
            throw failed(t);
        }
        check(code, "XXH3_128bits_update");
    }

    static void digest(MemorySegment state, MemorySegment scratch, byte[] out) {
        MemorySegment h;
        try {
            h = (MemorySegment) fn().digest.invokeExact(SegmentAllocator.prefixAllocator(scratch), state);
        } catch (Throwable t) {
            throw failed(t);
        }
        canonical(h, out);
    }

    /** A segment the size of {@code XXH128_hash_t}, for the calls above to return into. */
    static MemorySegment newScratch(Arena arena) {
        return arena.allocate(HASH128);
    }

    private static void canonical(MemorySegment h, byte[] out) {
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        b.putLong(0, h.get(ValueLayout.JAVA_LONG, 8)); // high64
        b.putLong(8, h.get(ValueLayout.JAVA_LONG, 0)); // low64
    }

    private static void check(int code, String call) {
        if (code != 0) {
            throw new IllegalStateException(call + " returned XXH_ERROR");
        }
    }

    private static Functions fn() {
        if (FN.missing != null) {
            throw new IllegalStateException("checksum xxh128-4m needs " + FN.missing);
        }
        return FN;
    }

    private static RuntimeException failed(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("libxxhash call failed", t);
    }

    private record Functions(MethodHandle hash, MethodHandle createState, MethodHandle freeState, MethodHandle reset,
                             MethodHandle update, MethodHandle digest, String missing) {
        static Functions link() {
            SymbolLookup lib;
            try {
                lib = SymbolLookup.libraryLookup("libxxhash.so.0", Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
                return new Functions(null, null, null, null, null, null,
                        "the xxHash library libxxhash.so.0 (Debian/Ubuntu package libxxhash0), which was not found: " + e.getMessage());
            }
            Linker linker = Linker.nativeLinker();
            // Critical: no thread-state switch per call, and heap arrays may be passed (the top-level digest).
            Linker.Option critical = Linker.Option.critical(true);
            MemorySegment hash = lib.find("XXH3_128bits_dispatch").or(() -> lib.find("XXH3_128bits")).orElse(null);
            MemorySegment update = lib.find("XXH3_128bits_update_dispatch").or(() -> lib.find("XXH3_128bits_update")).orElse(null);
            MemorySegment create = lib.find("XXH3_createState").orElse(null);
            MemorySegment free = lib.find("XXH3_freeState").orElse(null);
            MemorySegment reset = lib.find("XXH3_128bits_reset").orElse(null);
            MemorySegment digest = lib.find("XXH3_128bits_digest").orElse(null);
            if (hash == null || update == null || create == null || free == null || reset == null || digest == null) {
                return new Functions(null, null, null, null, null, null,
                        "XXH3-128 from libxxhash.so.0, whose version lacks it (xxHash 0.8 or later is needed)");
            }
            return new Functions(
                    linker.downcallHandle(hash, FunctionDescriptor.of(HASH128, ADDRESS, JAVA_LONG), critical),
                    linker.downcallHandle(create, FunctionDescriptor.of(ADDRESS)),
                    linker.downcallHandle(free, FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                    linker.downcallHandle(reset, FunctionDescriptor.of(JAVA_INT, ADDRESS), critical),
                    linker.downcallHandle(update, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), critical),
                    linker.downcallHandle(digest, FunctionDescriptor.of(HASH128, ADDRESS), critical),
                    null);
        }
    }
}
