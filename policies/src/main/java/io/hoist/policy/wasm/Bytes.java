package io.hoist.policy.wasm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Growable byte buffer with the LEB128 and vector encodings of the Wasm binary format. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes b(int v) { out.write(v); return this; }

    Bytes u(long v) {
        do {
            int x = (int) (v & 0x7F);
            v >>>= 7;
            if (v != 0) x |= 0x80;
            out.write(x);
        } while (v != 0);
        return this;
    }

    Bytes s(long v) {
        boolean more = true;
        while (more) {
            int x = (int) (v & 0x7F);
            v >>= 7;
            if ((v == 0 && (x & 0x40) == 0) || (v == -1 && (x & 0x40) != 0)) more = false;
            else x |= 0x80;
            out.write(x);
        }
        return this;
    }

    Bytes raw(byte[] data) { out.writeBytes(data); return this; }

    Bytes name(String s) {
        byte[] d = s.getBytes(StandardCharsets.UTF_8);
        u(d.length);
        return raw(d);
    }

    /** A length-prefixed section or vector. */
    Bytes sized(Bytes inner) {
        byte[] d = inner.toArray();
        u(d.length);
        return raw(d);
    }

    int size() { return out.size(); }

    byte[] toArray() { return out.toByteArray(); }
}
