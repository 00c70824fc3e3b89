package io.hoist.policy.builtins;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * regex.globs_match: do two patterns (literals, '.', character classes, escapes, and the quantifiers * + ?)
 * match at least one common string? Each pattern becomes an automaton over character sets; a breadth-first
 * search of their product looks for a pair of accepting states.
 */
final class GlobsMatch {
    private GlobsMatch() {}

    /** Sorted, non-overlapping inclusive code point ranges. */
    private record CharSet(List<int[]> ranges) {
        static final int MAX = 0x10FFFF;

        static CharSet any() { return new CharSet(List.of(new int[] {0, MAX})); }

        static CharSet of(int c) { return new CharSet(List.of(new int[] {c, c})); }

        boolean intersects(CharSet o) {
            for (int[] a : ranges) for (int[] b : o.ranges) if (a[0] <= b[1] && b[0] <= a[1]) return true;
            return false;
        }

        CharSet complement() {
            List<int[]> sorted = new ArrayList<>(ranges);
            sorted.sort((x, y) -> Integer.compare(x[0], y[0]));
            List<int[]> out = new ArrayList<>();
            int next = 0;
            for (int[] r : sorted) {
                if (r[0] > next) out.add(new int[] {next, r[0] - 1});
                next = Math.max(next, r[1] + 1);
            }
            if (next <= MAX) out.add(new int[] {next, MAX});
            return new CharSet(out);
        }
    }

    private enum Quant { ONE, STAR, OPT }

    private record Tok(CharSet set, Quant q) {}

    static boolean match(String a, String b) {
        List<Tok> x = parse(a, 1), y = parse(b, 2);
        Deque<int[]> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        for (int i : closure(x, 0)) for (int j : closure(y, 0)) push(todo, seen, i, j);
        while (!todo.isEmpty()) {
            int[] s = todo.poll();
            if (s[0] == x.size() && s[1] == y.size()) return true;
            if (s[0] == x.size() || s[1] == y.size()) continue;
            Tok tx = x.get(s[0]), ty = y.get(s[1]);
            if (!tx.set.intersects(ty.set)) continue;
            int nx = tx.q == Quant.STAR ? s[0] : s[0] + 1, ny = ty.q == Quant.STAR ? s[1] : s[1] + 1;
            for (int i : closure(x, nx)) for (int j : closure(y, ny)) push(todo, seen, i, j);
        }
        return false;
    }

    private static void push(Deque<int[]> todo, Set<Long> seen, int i, int j) {
        if (seen.add(((long) i << 32) | j)) todo.add(new int[] {i, j});
    }

    /** States reachable without consuming: optional and starred tokens can be skipped. */
    private static List<Integer> closure(List<Tok> toks, int i) {
        List<Integer> out = new ArrayList<>();
        out.add(i);
        while (i < toks.size() && toks.get(i).q != Quant.ONE) out.add(++i);
        return out;
    }

    private static List<Tok> parse(String p, int operand) {
        List<Tok> out = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            int c = p.codePointAt(i);
            i += Character.charCount(c);
            CharSet set;
            if (c == '\\') {
                if (i >= p.length()) throw error(operand, "trailing backslash");
                int e = p.codePointAt(i);
                i += Character.charCount(e);
                set = CharSet.of(e);
            } else if (c == '.') {
                set = CharSet.any();
            } else if (c == '[') {
                boolean negate = i < p.length() && p.charAt(i) == '^';
                if (negate) i++;
                List<int[]> ranges = new ArrayList<>();
                boolean closed = false;
                while (i < p.length()) {
                    int d = p.codePointAt(i);
                    i += Character.charCount(d);
                    if (d == ']') { closed = true; break; }
                    if (d == '\\' && i < p.length()) { d = p.codePointAt(i); i += Character.charCount(d); }
                    int hi = d;
                    if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
                        hi = p.codePointAt(i + 1);
                        i += 1 + Character.charCount(hi);
                    }
                    ranges.add(new int[] {Math.min(d, hi), Math.max(d, hi)});
                }
                if (!closed) throw error(operand, "unterminated character class");
                set = negate ? new CharSet(ranges).complement() : new CharSet(ranges);
            } else if (c == ']' || c == '(' || c == ')' || c == '|' || c == '{' || c == '}') {
                throw error(operand, "unsupported or unbalanced '" + (char) c + "'");
            } else if (c == '*' || c == '+' || c == '?') {
                throw error(operand, "quantifier '" + (char) c + "' without a preceding token");
            } else {
                set = CharSet.of(c);
            }
            Quant q = Quant.ONE;
            boolean plus = false;
            if (i < p.length()) {
                char n = p.charAt(i);
                if (n == '*') { q = Quant.STAR; i++; }
                else if (n == '?') { q = Quant.OPT; i++; }
                else if (n == '+') { plus = true; i++; }
            }
            if (plus) { out.add(new Tok(set, Quant.ONE)); out.add(new Tok(set, Quant.STAR)); }
            else out.add(new Tok(set, q));
        }
        return out;
    }

    private static BuiltinError error(int operand, String why) {
        return new BuiltinError("eval_builtin_error", "regex.globs_match: operand " + operand + ": " + why);
    }
}
