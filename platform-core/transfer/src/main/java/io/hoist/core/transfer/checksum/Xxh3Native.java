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

    private Xxh3Native() {}

    /** Null when the library is there; else why it is not, for the error a copy asking for xxh128-4m reports. */
    static String unavailableReason() {
        return Library.MISSING;
    }

    static MemorySegment createState() {
        MemorySegment state;
        try {
            state = (MemorySegment) Streaming.CREATE_STATE.invokeExact();
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
            int unused = (int) Streaming.FREE_STATE.invokeExact(state);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    /** XXH3-128 of {@code data}, written to {@code out} (16 bytes, canonical); {@code scratch} takes the struct. */
    static void hash(MemorySegment data, MemorySegment scratch, byte[] out) {
        MemorySegment h;
        try {
            h = (MemorySegment) OneShot.HASH.invokeExact(SegmentAllocator.prefixAllocator(scratch), data, data.byteSize());
        } catch (Throwable t) {
            throw failed(t);
        }
        canonical(h, out);
    }

    static void reset(MemorySegment state) {
        int code;
        try {
            code = (int) Streaming.RESET.invokeExact(state);
        } catch (Throwable t) {
            throw failed(t);
        }
        check(code, "XXH3_128bits_reset");
    }

    static void update(MemorySegment state, MemorySegment data) {
        int code;
        try {
            code = (int) Streaming.UPDATE.invokeExact(state, data, data.byteSize());
        } catch (Throwable t) {
            throw failed(t);
        }
        check(code, "XXH3_128bits_update");
    }

    static void digest(MemorySegment state, MemorySegment scratch, byte[] out) {
        MemorySegment h;
        try {
            h = (MemorySegment) Streaming.DIGEST.invokeExact(SegmentAllocator.prefixAllocator(scratch), state);
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

    private static RuntimeException failed(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("libxxhash call failed", t);
    }

    /** The library and its symbols, looked up (not linked) on first use: cheap, no downcall is made. */
    private static final class Library {
        private static final SymbolLookup LIB;
        /** Null when every function below is there; else why not (the error a caller reports). */
        static final String MISSING;

        static {
            SymbolLookup lib = null;
            String missing = null;
            try {
                lib = SymbolLookup.libraryLookup("libxxhash.so.0", Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
                missing = "the xxHash library libxxhash.so.0 (Debian/Ubuntu package libxxhash0), which was not found: " + e.getMessage();
            }
            if (lib != null) {
                for (String name : new String[] {"XXH3_128bits", "XXH3_128bits_update", "XXH3_createState", "XXH3_freeState",
                        "XXH3_128bits_reset", "XXH3_128bits_digest"}) {
                    if (lib.find(name).isEmpty()) {
                        missing = "XXH3-128 from libxxhash.so.0, whose version lacks it (xxHash 0.8 or later is needed)";
                    }
                }
            }
            LIB = lib;
            MISSING = missing;
        }

        /** The {@code _dispatch} variant when exported (it picks AVX2/AVX-512 at run time), else the plain one. */
        static MemorySegment find(String name, boolean dispatch) {
            if (MISSING != null) {
                throw new IllegalStateException("checksum xxh128-4m on libxxhash needs " + MISSING);
            }
            return (dispatch ? LIB.find(name + "_dispatch") : java.util.Optional.<MemorySegment>empty())
                    .or(() -> LIB.find(name)).orElseThrow();
        }

        static MethodHandle link(String name, boolean dispatch, FunctionDescriptor fd, Linker.Option... options) {
            return Linker.nativeLinker().downcallHandle(find(name, dispatch), fd, options);
        }
    }

    // Linking a downcall costs ~0.05-0.1 CPU-s per process (method handles spun at run time, outside the AOT cache),
    // so the two groups link on first use: a block hashed whole needs only the one-shot call; the streaming five
    // serve blocks cut by zero detection. Critical: no thread-state switch per call, and heap arrays may be passed.

    /** {@code XXH3_128bits}: a whole block. */
    private static final class OneShot {
        static final MethodHandle HASH = Library.link("XXH3_128bits", true, FunctionDescriptor.of(HASH128, ADDRESS, JAVA_LONG),
                Linker.Option.critical(true));
    }

    /** The streaming calls: a block fed piece by piece. */
    private static final class Streaming {
        static final MethodHandle CREATE_STATE = Library.link("XXH3_createState", false, FunctionDescriptor.of(ADDRESS));
        static final MethodHandle FREE_STATE = Library.link("XXH3_freeState", false, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle RESET = Library.link("XXH3_128bits_reset", false, FunctionDescriptor.of(JAVA_INT, ADDRESS),
                Linker.Option.critical(true));
        static final MethodHandle UPDATE = Library.link("XXH3_128bits_update", true,
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), Linker.Option.critical(true));
        static final MethodHandle DIGEST = Library.link("XXH3_128bits_digest", false, FunctionDescriptor.of(HASH128, ADDRESS),
                Linker.Option.critical(true));
    }
}
