package io.hoist.policy.rego.compile;

import io.hoist.policy.runtime.Layout;
import io.hoist.policy.runtime.Runtime;
import io.hoist.policy.runtime.Values;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The module's static data segment: C strings for messages and constant Rego values laid out exactly as the
 * runtime lays out heap values, so a constant term costs one i32.const. Constants are never mutated.
 */
final class StaticArea implements Runtime.StaticData {
    static final int BASE = 8;
    private final Map<String, Integer> cstrings = new HashMap<>();
    private final Map<Object, Integer> constants = new java.util.TreeMap<>(Values.ORDER);

    @Override
    public int cstring(String s) {
        return cstrings.computeIfAbsent(s, k -> {
            byte[] b = (k + "\0").getBytes(StandardCharsets.UTF_8);
            int a = alloc(b.length);
            write(a, b);
            return a;
        });
    }

    /** Address of a constant value (null, Boolean, Double, String, List, Map, Set). */
    @SuppressWarnings("unchecked")
    int constant(Object v) {
        Integer have = constants.get(v);
        if (have != null) return have;
        int tag = Values.tag(v);
        ByteBuffer h = ByteBuffer.allocate(Layout.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, tag);
        switch (tag) {
            case Layout.BOOL -> h.putInt(4, (Boolean) v ? 1 : 0);
            case Layout.NUMBER -> {
                h.putDouble(8, ((Number) v).doubleValue());
                if (v instanceof java.math.BigDecimal big) h.putInt(4, constant(Values.numberText(big)));
            }
            case Layout.STRING -> {
                byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
                int p = alloc(Math.max(1, b.length));
                write(p, b);
                h.putInt(4, b.length);
                h.putInt(8, p);
            }
            case Layout.ARRAY, Layout.SET, Layout.OBJECT -> {
                List<Integer> elems = new ArrayList<>();
                if (tag == Layout.OBJECT) {
                    for (Map.Entry<Object, Object> e : ((Map<Object, Object>) v).entrySet()) {
                        elems.add(constant(e.getKey()));
                        elems.add(constant(e.getValue()));
                    }
                } else {
                    Iterable<Object> it = (Iterable<Object>) v;
                    if (tag == Layout.SET && !(v instanceof java.util.TreeSet)) {
                        java.util.TreeSet<Object> s = Values.newSet();
                        s.addAll((Set<Object>) v);
                        it = s;
                    }
                    for (Object e : it) elems.add(constant(e));
                }
                ByteBuffer body = ByteBuffer.allocate(Math.max(4, elems.size() * 4)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < elems.size(); i++) body.putInt(4 * i, elems.get(i));
                int p = alloc(body.capacity());
                write(p, body.array());
                int n = tag == Layout.OBJECT ? elems.size() / 2 : elems.size();
                h.putInt(4, n);
                h.putInt(8, n);
                h.putInt(12, p);
            }
            default -> { }
        }
        int a = alloc(Layout.HEADER);
        write(a, h.array());
        constants.put(v, a);
        return a;
    }

    private int alloc(int n) {
        size = (size + 7) & ~7;
        int a = BASE + size;
        size += n;
        if (size > data.length) data = java.util.Arrays.copyOf(data, Math.max(size, data.length * 2));
        return a;
    }

    private byte[] data = new byte[1024];
    private int size;

    private void write(int addr, byte[] b) { System.arraycopy(b, 0, data, addr - BASE, b.length); }

    byte[] bytes() { return java.util.Arrays.copyOf(data, size); }

    /** First free address after the static data, 8-byte aligned. */
    int end() { return (BASE + size + 7) & ~7; }
}
