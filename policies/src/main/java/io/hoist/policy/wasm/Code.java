package io.hoist.policy.wasm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Instruction emitter for one function body. Structured control flow is tracked with {@link Label}s so that
 * callers branch to a label object and the relative depth is computed here (the classic source of off-by-one
 * bugs when writing Wasm by hand).
 */
public final class Code {
    public static final byte I32 = 0x7F, I64 = 0x7E, F64 = 0x7C;

    /** A structured control frame (block, loop or if). */
    public static final class Label {
        final int depth;
        Label(int depth) { this.depth = depth; }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Byte> localTypes = new ArrayList<>();
    private final int paramCount;
    private final Deque<Label> frames = new ArrayDeque<>();

    public Code(byte... params) {
        this.paramCount = params.length;
        for (byte p : params) localTypes.add(p);
    }

    public int param(int i) { return i; }

    public int local(byte type) {
        localTypes.add(type);
        return localTypes.size() - 1;
    }

    public int i32Local() { return local(I32); }

    // ---- control
    public Label block() { return open(0x02, (byte) 0x40); }
    public Label blockResult(byte type) { return open(0x02, type); }
    public Label loop() { return open(0x03, (byte) 0x40); }
    public Code ifThen() { open(0x04, (byte) 0x40); return this; }
    public Code ifResult(byte type) { open(0x04, type); return this; }
    public Code elseBranch() { out.write(0x05); return this; }

    private Label open(int op, byte type) {
        out.write(op);
        out.write(type);
        Label l = new Label(frames.size());
        frames.push(l);
        return l;
    }

    public Code end() {
        frames.pop();
        out.write(0x0B);
        return this;
    }

    public int openFrames() { return frames.size(); }

    private int rel(Label l) {
        int d = frames.size() - 1 - l.depth;
        if (d < 0) throw new IllegalStateException("branch to a closed label");
        return d;
    }

    public Code br(Label l) { out.write(0x0C); u(rel(l)); return this; }
    public Code brIf(Label l) { out.write(0x0D); u(rel(l)); return this; }
    public Code ret() { out.write(0x0F); return this; }
    public Code unreachable() { out.write(0x00); return this; }
    public Code drop() { out.write(0x1A); return this; }
    public Code select() { out.write(0x1B); return this; }
    public Code call(int fn) { out.write(0x10); u(fn); return this; }

    // ---- variables
    public Code get(int local) { out.write(0x20); u(local); return this; }
    public Code set(int local) { out.write(0x21); u(local); return this; }
    public Code tee(int local) { out.write(0x22); u(local); return this; }
    public Code gget(int g) { out.write(0x23); u(g); return this; }
    public Code gset(int g) { out.write(0x24); u(g); return this; }

    // ---- constants
    public Code i32(int v) { out.write(0x41); s(v); return this; }
    public Code i64(long v) { out.write(0x42); s(v); return this; }
    public Code f64(double v) {
        out.write(0x44);
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) out.write((int) (bits >>> (8 * i)) & 0xFF);
        return this;
    }

    // ---- memory (alignment hint, offset)
    public Code i32Load(int off) { return mem(0x28, 2, off); }
    public Code i64Load(int off) { return mem(0x29, 3, off); }
    public Code f64Load(int off) { return mem(0x2B, 3, off); }
    public Code i32Load8u(int off) { return mem(0x2D, 0, off); }
    public Code i32Store(int off) { return mem(0x36, 2, off); }
    public Code i64Store(int off) { return mem(0x37, 3, off); }
    public Code f64Store(int off) { return mem(0x39, 3, off); }
    public Code i32Store8(int off) { return mem(0x3A, 0, off); }
    public Code memorySize() { out.write(0x3F); out.write(0); return this; }
    public Code memoryGrow() { out.write(0x40); out.write(0); return this; }
    public Code memoryCopy() { out.write(0xFC); u(10); out.write(0); out.write(0); return this; }

    private Code mem(int op, int align, int off) { out.write(op); u(align); u(off); return this; }

    /** Any opcode without immediates (arithmetic, comparison, conversion). */
    public Code op(int opcode) { out.write(opcode); return this; }

    // common opcodes
    public static final int I32_EQZ = 0x45, I32_EQ = 0x46, I32_NE = 0x47, I32_LT_S = 0x48, I32_LT_U = 0x49,
            I32_GT_S = 0x4A, I32_GT_U = 0x4B, I32_LE_S = 0x4C, I32_LE_U = 0x4D, I32_GE_S = 0x4E, I32_GE_U = 0x4F,
            I64_EQZ = 0x50, I64_NE = 0x52, I64_CTZ = 0x7A, I64_XOR = 0x85, I64_SHR_U = 0x88, I64_LT_S = 0x53, I64_GT_S = 0x55, I64_GE_S = 0x59,
            F64_EQ = 0x61, F64_NE = 0x62, F64_LT = 0x63, F64_GT = 0x64, F64_LE = 0x65, F64_GE = 0x66,
            I32_ADD = 0x6A, I32_SUB = 0x6B, I32_MUL = 0x6C, I32_DIV_S = 0x6D, I32_DIV_U = 0x6E, I32_REM_U = 0x70,
            I32_AND = 0x71, I32_OR = 0x72, I32_SHL = 0x74, I32_SHR_U = 0x76,
            I64_ADD = 0x7C, I64_SUB = 0x7D, I64_MUL = 0x7E, I64_DIV_S = 0x7F, I64_REM_S = 0x81, I64_REM_U = 0x82,
            I64_DIV_U = 0x80,
            F64_ABS = 0x99, F64_NEG = 0x9A, F64_CEIL = 0x9B, F64_FLOOR = 0x9C, F64_TRUNC = 0x9D, F64_NEAREST = 0x9E,
            F64_ADD = 0xA0, F64_SUB = 0xA1, F64_MUL = 0xA2, F64_DIV = 0xA3,
            I32_WRAP_I64 = 0xA7, I64_TRUNC_F64_S = 0xB0, I64_EXTEND_I32_U = 0xAD, I64_EXTEND_I32_S = 0xAC,
            F64_CONVERT_I64_S = 0xB9, F64_CONVERT_I32_S = 0xB7, I32_TRUNC_F64_S = 0xAA;

    // ---- LEB128
    private void u(long v) {
        do {
            int b = (int) (v & 0x7F);
            v >>>= 7;
            if (v != 0) b |= 0x80;
            out.write(b);
        } while (v != 0);
    }

    private void s(long v) {
        boolean more = true;
        while (more) {
            int b = (int) (v & 0x7F);
            v >>= 7;
            if ((v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0)) more = false;
            else b |= 0x80;
            out.write(b);
        }
    }

    /** The encoded function body: local declarations followed by the instructions and the final end. */
    byte[] encode() {
        if (!frames.isEmpty()) throw new IllegalStateException("unclosed control frames: " + frames.size());
        Bytes b = new Bytes();
        List<int[]> groups = new ArrayList<>();
        for (int i = paramCount; i < localTypes.size(); i++) {
            byte t = localTypes.get(i);
            if (!groups.isEmpty() && groups.get(groups.size() - 1)[1] == t) groups.get(groups.size() - 1)[0]++;
            else groups.add(new int[] {1, t});
        }
        b.u(groups.size());
        for (int[] g : groups) { b.u(g[0]); b.b(g[1]); }
        b.raw(out.toByteArray());
        b.b(0x0B);
        return b.toArray();
    }
}
