package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * net.cidr_* builtins. Addresses are parsed here (never through InetAddress, which may resolve host names):
 * dotted IPv4 without leading zeros and IPv6 with "::" and a trailing IPv4 part, as Go's net.ParseIP reads them.
 */
final class Net {
    private Net() {}

    /** An address or network: value is the (masked, for networks) address, bits 32 or 128. */
    record Cidr(BigInteger ip, int prefix, int bits) {
        BigInteger last() { return ip.or(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE)); }

        boolean contains(BigInteger addr, int addrBits) { return addrBits == bits && addr.compareTo(ip) >= 0 && addr.compareTo(last()) <= 0; }

        @Override public String toString() { return format(ip, bits) + "/" + prefix; }
    }

    static void register() {
        define("net.cidr_contains", 2, a -> contains("net.cidr_contains", str("net.cidr_contains", a, 0), str("net.cidr_contains", a, 1)));
        define("net.cidr_overlap", 2, a -> contains("net.cidr_overlap", str("net.cidr_overlap", a, 0), str("net.cidr_overlap", a, 1)));
        define("net.cidr_intersects", 2, a -> {
            Cidr x = cidr("net.cidr_intersects", str("net.cidr_intersects", a, 0)), y = cidr("net.cidr_intersects", str("net.cidr_intersects", a, 1));
            return x.contains(y.ip, y.bits) || y.contains(x.ip, x.bits);
        });
        define("net.cidr_is_valid", 1, a -> {
            if (!(a[0] instanceof String s)) return false;
            try { cidr("net.cidr_is_valid", s); return true; } catch (BuiltinError e) { return false; }
        });
        define("net.cidr_expand", 1, a -> {
            Cidr c = cidr("net.cidr_expand", str("net.cidr_expand", a, 0));
            if (c.bits - c.prefix > 20) throw new BuiltinError("eval_builtin_error", "net.cidr_expand: " + c + " has more than 2^20 addresses");
            Set<Object> out = Values.newSet();
            for (BigInteger ip = c.ip; ip.compareTo(c.last()) <= 0; ip = ip.add(BigInteger.ONE)) out.add(format(ip, c.bits));
            return out;
        });
        define("net.cidr_merge", 1, a -> merge(coll("net.cidr_merge", a, 0)));
        define("net.cidr_contains_matches", 2, a -> {
            Set<Object> out = Values.newSet();
            operand(a[0], 1, (cidr, k) -> operand(a[1], 2, (addr, v) -> {
                if (contains("net.cidr_contains_matches", cidr, addr)) out.add(new ArrayList<>(List.of(k, v)));
            }));
            return out;
        });
    }

    /** Go: b is tried as an IP first, then as a CIDR (contained when its first and last address are). */
    private static boolean contains(String fn, String network, String other) {
        Cidr n = cidr(fn, network);
        Cidr ip = ip(other);
        if (ip != null) return n.contains(ip.ip, ip.bits);
        Cidr o = cidr(fn, other);
        return n.contains(o.ip, o.bits) && n.contains(o.last(), o.bits);
    }

    /** Strings are their own key; arrays give their index, sets the element itself, objects the key. */
    @SuppressWarnings("unchecked")
    private static void operand(Object x, int pos, BiConsumer<String, Object> each) {
        String fn = "net.cidr_contains_matches";
        if (x instanceof String s) { each.accept(s, s); return; }
        if (x instanceof List<?> l) { for (int i = 0; i < l.size(); i++) each.accept(element(fn, pos, l.get(i)), (double) i); return; }
        if (x instanceof Set<?> s) { for (Object e : s) each.accept(element(fn, pos, e), e); return; }
        if (x instanceof Map<?, ?> m) { for (Map.Entry<Object, Object> e : ((Map<Object, Object>) m).entrySet()) each.accept(element(fn, pos, e.getValue()), e.getKey()); return; }
        throw BuiltinError.type(fn, pos, "any of {string, array, set, object}", x);
    }

    private static String element(String fn, int pos, Object e) {
        if (e instanceof String s) return s;
        if (e instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String s) return s;
        throw new BuiltinError("eval_builtin_error", fn + ": operand " + pos + ": element must be string or non-empty array");
    }

    /** OPA's cidr_merge: bare IPv4 addresses take their classful mask, bare IPv6 ones are refused. */
    private static Set<Object> merge(Collection<Object> in) {
        List<Cidr> v4 = new ArrayList<>(), v6 = new ArrayList<>();
        for (Object o : in) {
            if (!(o instanceof String s)) throw BuiltinError.type("net.cidr_merge", 1, "set or array of strings", o);
            Cidr c;
            if (s.indexOf('/') >= 0) c = cidr("net.cidr_merge", s);
            else {
                Cidr ip = ip(s);
                if (ip == null) throw new BuiltinError("eval_builtin_error", "net.cidr_merge: IP address invalid: " + s);
                if (ip.bits == 128) throw new BuiltinError("eval_builtin_error", "net.cidr_merge: IPv6 invalid: needs prefix length");
                int first = ip.ip.shiftRight(24).intValue();
                c = masked(ip.ip, first < 0x80 ? 8 : first < 0xC0 ? 16 : 24, 32);
            }
            (c.bits == 32 ? v4 : v6).add(c);
        }
        Set<Object> out = Values.newSet();
        for (List<Cidr> family : List.of(v4, v6)) {
            family.sort((x, y) -> x.ip.compareTo(y.ip));
            BigInteger start = null, end = null;
            int bits = 0;
            for (Cidr c : family) {
                if (start != null && c.ip.compareTo(end.add(BigInteger.ONE)) <= 0) { if (c.last().compareTo(end) > 0) end = c.last(); continue; }
                if (start != null) blocks(start, end, bits, out);
                start = c.ip; end = c.last(); bits = c.bits;
            }
            if (start != null) blocks(start, end, bits, out);
        }
        return out;
    }

    /** The fewest CIDR blocks covering [start, end] exactly. */
    private static void blocks(BigInteger start, BigInteger end, int bits, Set<Object> out) {
        while (start.compareTo(end) <= 0) {
            int size = start.signum() == 0 ? bits : start.getLowestSetBit();
            while (size > 0 && start.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(end) > 0) size--;
            out.add(format(start, bits) + "/" + (bits - size));
            start = start.add(BigInteger.ONE.shiftLeft(size));
        }
    }

    static Cidr cidr(String fn, String s) {
        int slash = s.indexOf('/');
        Cidr ip = slash < 0 ? null : ip(s.substring(0, slash));
        String p = slash < 0 ? "" : s.substring(slash + 1);
        if (ip == null || p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || (p.length() > 1 && p.charAt(0) == '0')
                || Integer.parseInt(p) > ip.bits) {
            throw new BuiltinError("eval_builtin_error", fn + ": invalid CIDR address: " + s);
        }
        return masked(ip.ip, Integer.parseInt(p), ip.bits);
    }

    private static Cidr masked(BigInteger ip, int prefix, int bits) {
        BigInteger host = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        return new Cidr(ip.andNot(host), prefix, bits);
    }

    /** An address as a /32 or /128, or null when s is none. */
    static Cidr ip(String s) {
        BigInteger v4 = ipv4(s);
        if (v4 != null) return new Cidr(v4, 32, 32);
        BigInteger v6 = ipv6(s);
        return v6 == null ? null : new Cidr(v6, 128, 128);
    }

    private static BigInteger ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || (p.length() > 1 && p.charAt(0) == '0')) return null;
            int n = Integer.parseInt(p);
            if (n > 255) return null;
            v = v << 8 | n;
        }
        return BigInteger.valueOf(v);
    }

    private static BigInteger ipv6(String s) {
        if (s.indexOf(':') < 0) return null;
        List<Integer> head = new ArrayList<>(), tail = new ArrayList<>();
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return null;
        String left = dbl >= 0 ? s.substring(0, dbl) : s, right = dbl >= 0 ? s.substring(dbl + 2) : "";
        if (!groups(left, head) || !groups(right, tail)) return null;
        int n = head.size() + tail.size();
        if (dbl < 0 ? n != 8 : n > 7) return null;
        BigInteger v = BigInteger.ZERO;
        for (int g : head) v = v.shiftLeft(16).or(BigInteger.valueOf(g));
        for (int i = n; i < 8; i++) v = v.shiftLeft(16);
        for (int g : tail) v = v.shiftLeft(16).or(BigInteger.valueOf(g));
        return v;
    }

    /** Hex groups separated by ':'; the last may be dotted IPv4 (two groups). */
    private static boolean groups(String s, List<Integer> out) {
        if (s.isEmpty()) return true;
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                BigInteger v4 = ipv4(p);
                if (v4 == null) return false;
                out.add(v4.intValue() >>> 16);
                out.add(v4.intValue() & 0xffff);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) return false;
            int g = 0;
            for (char c : p.toCharArray()) {
                int d = Character.digit(c, 16);
                if (d < 0) return false;
                g = g << 4 | d;
            }
            out.add(g);
        }
        return true;
    }

    /** Go's net.IP.String: dotted IPv4; IPv6 in RFC 5952 form (the first longest run of two or more zero groups as "::"). */
    static String format(BigInteger ip, int bits) {
        if (bits == 32) {
            long v = ip.longValue();
            return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ip.shiftRight(16 * (7 - i)).intValue() & 0xffff;
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) { b.append("::"); i += bestLen - 1; continue; }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') b.append(':');
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }
}
