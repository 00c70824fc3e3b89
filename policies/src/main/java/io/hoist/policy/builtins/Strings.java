package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.google.re2j.Matcher;

/** String, regex, glob and semver builtins. */
final class Strings {
    private Strings() {}

    static void register() {
        define("concat", 2, a -> {
            String sep = str("concat", a, 0);
            List<String> parts = new ArrayList<>();
            for (Object x : coll("concat", a, 1)) {
                if (!(x instanceof String s)) throw BuiltinError.type("concat", 2, "any of {array, set} of strings", a[1]);
                parts.add(s);
            }
            return String.join(sep, parts);
        });
        define("contains", 2, a -> str("contains", a, 0).contains(str("contains", a, 1)));
        define("startswith", 2, a -> str("startswith", a, 0).startsWith(str("startswith", a, 1)));
        define("endswith", 2, a -> str("endswith", a, 0).endsWith(str("endswith", a, 1)));
        define("lower", 1, a -> str("lower", a, 0).toLowerCase(java.util.Locale.ROOT));
        define("upper", 1, a -> str("upper", a, 0).toUpperCase(java.util.Locale.ROOT));
        define("indexof", 2, a -> {
            String s = str("indexof", a, 0), t = str("indexof", a, 1);
            int i = s.indexOf(t);
            return (double) (i < 0 ? -1 : s.codePointCount(0, i));
        });
        define("indexof_n", 2, a -> {
            String s = str("indexof_n", a, 0), t = str("indexof_n", a, 1);
            List<Object> out = new ArrayList<>();
            for (int i = s.indexOf(t); i >= 0; i = s.indexOf(t, i + 1)) out.add((double) s.codePointCount(0, i));
            return out;
        });
        define("substring", 3, a -> {
            String s = str("substring", a, 0);
            long start = integer("substring", a, 1), len = integer("substring", a, 2);
            int[] cps = s.codePoints().toArray();
            if (start < 0) throw new BuiltinError("eval_builtin_error", "substring: negative offset");
            if (start >= cps.length) return "";
            long end = len < 0 ? cps.length : Math.min(cps.length, start + len);
            return new String(cps, (int) start, (int) (end - start));
        });
        define("split", 2, a -> split(str("split", a, 0), str("split", a, 1)));
        // strings.split_n: the first n parts of the split (n > 0), the last -n (n < 0), none for 0
        define("strings.split_n", 3, a -> {
            List<Object> parts = split(str("strings.split_n", a, 0), str("strings.split_n", a, 1));
            long n = integer("strings.split_n", a, 2);
            int take = (int) Math.min(Math.abs(n), parts.size());
            return new ArrayList<>(n >= 0 ? parts.subList(0, take) : parts.subList(parts.size() - take, parts.size()));
        });
        define("replace", 3, a -> {
            String s = str("replace", a, 0), old = str("replace", a, 1), nu = str("replace", a, 2);
            return old.isEmpty() ? s : s.replace(old, nu);
        });
        define("strings.replace_n", 2, a -> {
            Map<Object, Object> patterns = obj("strings.replace_n", a, 0);
            String s = str("strings.replace_n", a, 1);
            for (Map.Entry<Object, Object> e : patterns.entrySet()) {
                if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String v))
                    throw BuiltinError.type("strings.replace_n", 1, "object[string: string]", a[0]);
                s = s.replace(k, v);
            }
            return s;
        });
        define("strings.reverse", 1, a -> new StringBuilder(str("strings.reverse", a, 0)).reverse().toString());
        define("strings.count", 2, a -> {
            String s = str("strings.count", a, 0), t = str("strings.count", a, 1);
            // Go's strings.Count: an empty substring occurs before each code point and at the end
            if (t.isEmpty()) return (double) (s.codePointCount(0, s.length()) + 1);
            int n = 0;
            for (int i = s.indexOf(t); i >= 0; i = s.indexOf(t, i + t.length())) n++;
            return (double) n;
        });
        define("trim", 2, a -> trim(str("trim", a, 0), str("trim", a, 1), true, true));
        define("trim_left", 2, a -> trim(str("trim_left", a, 0), str("trim_left", a, 1), true, false));
        define("trim_right", 2, a -> trim(str("trim_right", a, 0), str("trim_right", a, 1), false, true));
        define("trim_prefix", 2, a -> {
            String s = str("trim_prefix", a, 0), p = str("trim_prefix", a, 1);
            return s.startsWith(p) ? s.substring(p.length()) : s;
        });
        define("trim_suffix", 2, a -> {
            String s = str("trim_suffix", a, 0), p = str("trim_suffix", a, 1);
            return s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
        });
        define("trim_space", 1, a -> str("trim_space", a, 0).strip());
        define("sprintf", 2, a -> Sprintf.format(str("sprintf", a, 0), arr("sprintf", a, 1)));
        define("strings.any_prefix_match", 2, a -> anyMatch(a, true));
        define("strings.any_suffix_match", 2, a -> anyMatch(a, false));
        define("regex.match", 2, a -> matcher("regex.match", str("regex.match", a, 0), str("regex.match", a, 1)).find());
        define("re_match", 2, a -> matcher("re_match", str("re_match", a, 0), str("re_match", a, 1)).find());
        define("regex.template_match", 4, a -> templateMatch(str("regex.template_match", a, 0), str("regex.template_match", a, 1),
                str("regex.template_match", a, 2), str("regex.template_match", a, 3)));
        define("regex.is_valid", 1, a -> {
            if (!(a[0] instanceof String s)) return false;
            try { Regex.compile(s); return true; } catch (RuntimeException e) { return false; }
        });
        define("regex.split", 2, a -> {
            String re = str("regex.split", a, 0), s = str("regex.split", a, 1);
            return splitLikeGo(Regex.pattern("regex.split", re), s);
        });
        define("regex.find_n", 3, a -> {
            Matcher mt = matcher("regex.find_n", str("regex.find_n", a, 0), str("regex.find_n", a, 1));
            long n = integer("regex.find_n", a, 2);
            List<Object> out = new ArrayList<>();
            while ((n < 0 || out.size() < n) && mt.find()) out.add(mt.group());
            return out;
        });
        define("regex.find_all_string_submatch_n", 3, a -> {
            Matcher mt = matcher("regex.find_all_string_submatch_n", str("regex.find_all_string_submatch_n", a, 0),
                    str("regex.find_all_string_submatch_n", a, 1));
            long n = integer("regex.find_all_string_submatch_n", a, 2);
            List<Object> out = new ArrayList<>();
            while ((n < 0 || out.size() < n) && mt.find()) {
                List<Object> groups = new ArrayList<>();
                for (int g = 0; g <= mt.groupCount(); g++) groups.add(mt.group(g) == null ? "" : mt.group(g));
                out.add(groups);
            }
            return out;
        });
        define("regex.replace", 3, a -> matcher("regex.replace", str("regex.replace", a, 1), str("regex.replace", a, 0))
                .replaceAll(str("regex.replace", a, 2).replaceAll("\\$\\{?(\\d+)\\}?", "\\$$1")));
        define("regex.globs_match", 2, a -> GlobsMatch.match(str("regex.globs_match", a, 0), str("regex.globs_match", a, 1)));
        define("glob.match", 3, a -> Glob.match(str("glob.match", a, 0), a[1], str("glob.match", a, 2)));
        define("glob.quote_meta", 1, a -> str("glob.quote_meta", a, 0).replaceAll("([*?\\\\\\[\\]{}])", "\\\\$1"));
        define("semver.is_valid", 1, a -> a[0] instanceof String s && Semver.parse(s) != null);
        define("semver.compare", 2, a -> {
            Semver x = Semver.parse(str("semver.compare", a, 0)), y = Semver.parse(str("semver.compare", a, 1));
            if (x == null) throw new BuiltinError("eval_builtin_error", "semver.compare: operand 1: string " + Values.toJsonText(a[0]) + " is not a valid SemVer");
            if (y == null) throw new BuiltinError("eval_builtin_error", "semver.compare: operand 2: string " + Values.toJsonText(a[1]) + " is not a valid SemVer");
            return (double) Integer.signum(x.compareTo(y));
        });
    }

    /** Go's strings.Split: an empty separator splits after each code point. */
    private static List<Object> split(String s, String sep) {
        List<Object> out = new ArrayList<>();
        if (sep.isEmpty()) { s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp)))); return out; }
        int i = 0;
        while (true) {
            int j = s.indexOf(sep, i);
            if (j < 0) { out.add(s.substring(i)); return out; }
            out.add(s.substring(i, j));
            i = j + sep.length();
        }
    }

    private static Object anyMatch(Object[] a, boolean prefix) {
        String fn = prefix ? "strings.any_prefix_match" : "strings.any_suffix_match";
        Collection<Object> ss = stringsOf(fn, a, 0), ps = stringsOf(fn, a, 1);
        for (Object s : ss) for (Object p : ps) {
            if (prefix ? ((String) s).startsWith((String) p) : ((String) s).endsWith((String) p)) return true;
        }
        return false;
    }

    private static Collection<Object> stringsOf(String fn, Object[] a, int i) {
        if (a[i] instanceof String s) return List.of(s);
        if (!(a[i] instanceof List || a[i] instanceof Set)) throw BuiltinError.type(fn, i + 1, "one of {string, set, array}", a[i]);
        Collection<Object> c = coll(fn, a, i);
        for (Object x : c) {
            if (!(x instanceof String)) throw new BuiltinError("eval_type_error", fn + ": operand " + (i + 1) + " must be array of strings but got array containing " + Values.typeName(x));
        }
        return c;
    }

    private static String trim(String s, String cut, boolean left, boolean right) {
        int i = 0, j = s.length();
        if (left) while (i < j && cut.indexOf(s.charAt(i)) >= 0) i++;
        if (right) while (j > i && cut.indexOf(s.charAt(j - 1)) >= 0) j--;
        return s.substring(i, j);
    }

    /** Go's fmt verbs as OPA's sprintf uses them. */
    static final class Sprintf {
        static String format(String f, List<Object> args) {
            StringBuilder out = new StringBuilder();
            int ai = 0;
            for (int i = 0; i < f.length(); i++) {
                char ch = f.charAt(i);
                if (ch != '%') { out.append(ch); continue; }
                int j = i + 1;
                StringBuilder spec = new StringBuilder();
                while (j < f.length() && "+-# 0123456789.".indexOf(f.charAt(j)) >= 0) spec.append(f.charAt(j++));
                if (j >= f.length()) { out.append("%!(NOVERB)"); break; }
                char verb = f.charAt(j);
                i = j;
                if (verb == '%') { out.append('%'); continue; }
                if (ai >= args.size()) { out.append("%!").append(verb).append("(MISSING)"); continue; }
                Object v = args.get(ai++);
                String s;
                switch (verb) {
                    case 'v', 's' -> s = v instanceof String str ? str : v instanceof Number d ? Values.numberText(d) : Values.toRegoText(v);
                    case 'q' -> s = Values.toJsonText(v instanceof String ? v : Values.toRegoText(v));
                    case 'd' -> {
                        if (v instanceof Double d && d == Math.rint(d)) s = Long.toString(d.longValue());
                        else s = "%!d(" + Values.typeName(v) + "=" + Values.toRegoText(v) + ")";
                    }
                    case 'f', 'e', 'g' -> {
                        if (!(v instanceof Double d)) { s = "%!" + verb + "(" + Values.toRegoText(v) + ")"; break; }
                        String sp = spec.toString();
                        if (verb == 'g' && sp.isEmpty()) s = Values.numberText(d);
                        else s = String.format("%" + sp + (verb == 'g' ? 'g' : verb), d);
                        spec.setLength(0);
                    }
                    case 'x', 'X' -> {
                        if (v instanceof Double d) s = Long.toHexString(d.longValue());
                        else if (v instanceof String str) {
                            StringBuilder b = new StringBuilder();
                            for (byte x : str.getBytes(java.nio.charset.StandardCharsets.UTF_8)) b.append(String.format("%02x", x));
                            s = b.toString();
                        } else s = Values.toRegoText(v);
                        if (verb == 'X') s = s.toUpperCase(java.util.Locale.ROOT);
                    }
                    case 't' -> s = String.valueOf(v instanceof Boolean ? v : Values.toRegoText(v));
                    default -> s = "%!" + verb + "(" + Values.toRegoText(v) + ")";
                }
                String sp = spec.toString();
                if (!sp.isEmpty() && sp.matches("-?\\d+")) {
                    int w = Integer.parseInt(sp.replace("-", ""));
                    char padChar = sp.startsWith("0") ? '0' : ' ';
                    StringBuilder pad = new StringBuilder();
                    for (int k = s.length(); k < w; k++) pad.append(padChar);
                    s = sp.startsWith("-") ? s + pad : pad + s;
                }
                out.append(s);
            }
            if (ai < args.size()) {
                out.append("%!(EXTRA ");
                for (int k = ai; k < args.size(); k++) {
                    if (k > ai) out.append(", ");
                    Object v = args.get(k);
                    out.append(Values.typeName(v).equals("number") ? "float64" : Values.typeName(v)).append('=').append(v instanceof String s ? s : Values.toRegoText(v));
                }
                out.append(')');
            }
            return out.toString();
        }
    }

    /** gobwas/glob semantics as used by OPA's glob.match, translated to a linear-time RE2 expression. */
    static final class Glob {
        static Object match(String pattern, Object delims, String s) {
            StringBuilder runes = new StringBuilder();
            if (delims == Values.NULL) { }
            else if (delims instanceof List<?> l) {
                // OPA passes every rune of every delimiter string to the glob compiler
                for (Object o : l) {
                    if (!(o instanceof String d)) throw BuiltinError.type("glob.match", 2, "array of strings", delims);
                    runes.append(d);
                }
                if (l.isEmpty()) runes.append('.');
            }
            else throw BuiltinError.type("glob.match", 2, "array", delims);
            String notSep = runes.isEmpty() ? "(?s:.)" : "[^" + runes.codePoints().mapToObj(Glob::literal).reduce("", String::concat) + "]";
            return Regex.compile("^(?:" + toRegex(pattern, notSep) + ")$").matcher(s).find();
        }

        /** One code point as an RE2 literal (inside or outside a class). */
        static String literal(int cp) {
            return Character.isLetterOrDigit(cp) && cp < 128 ? Character.toString(cp) : String.format("\\x{%x}", cp);
        }

        private static String literals(String s) {
            StringBuilder b = new StringBuilder();
            s.codePoints().forEach(cp -> b.append(literal(cp)));
            return b.toString();
        }

        /** Translates a glob (with nested {a,b} alternatives and [..] classes) to an RE2 expression. */
        private static String toRegex(String pattern, String notSep) {
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                switch (c) {
                    case '*' -> {
                        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') { re.append("(?s:.)*"); i++; }
                        else re.append(notSep).append('*');
                    }
                    case '?' -> re.append(notSep);
                    case '[' -> {
                        int e = pattern.indexOf(']', i);
                        if (e < 0) throw new BuiltinError("eval_builtin_error", "glob.match: unexpected end of input");
                        String body = pattern.substring(i + 1, e);
                        boolean negated = body.startsWith("!");
                        if (negated) body = body.substring(1);
                        StringBuilder cls = new StringBuilder(negated ? "[^" : "[");
                        for (int j = 0; j < body.length(); j++) {
                            char d = body.charAt(j);
                            if (d == '-' && j > 0 && j + 1 < body.length()) cls.append('-');
                            else cls.append(literal(d));
                        }
                        re.append(cls).append(']');
                        i = e;
                    }
                    case '{' -> {
                        int depth = 0, e = -1;
                        List<String> alts = new ArrayList<>();
                        int start = i + 1;
                        for (int j = i; j < pattern.length(); j++) {
                            char d = pattern.charAt(j);
                            if (d == '{') depth++;
                            else if (d == '}' && --depth == 0) { e = j; break; }
                            else if (d == ',' && depth == 1) { alts.add(pattern.substring(start, j)); start = j + 1; }
                        }
                        if (e < 0) throw new BuiltinError("eval_builtin_error", "glob.match: unexpected end of input");
                        alts.add(pattern.substring(start, e));
                        List<String> res = new ArrayList<>();
                        for (String alt : alts) res.add(toRegex(alt, notSep));
                        re.append("(?:").append(String.join("|", res)).append(')');
                        i = e;
                    }
                    case '\\' -> { if (i + 1 < pattern.length()) re.append(literals(String.valueOf(pattern.charAt(++i)))); }
                    default -> re.append(literals(String.valueOf(c)));
                }
            }
            return re.toString();
        }
    }

    /** Go's regexp.Split(s, -1), which OPA's regex.split is. */
    static List<Object> splitLikeGo(com.google.re2j.Pattern p, String s) {
        List<Object> out = new ArrayList<>();
        if (s.isEmpty()) { out.add(""); return out; }
        Matcher m = p.matcher(s);
        int beg = 0, end = 0, lastEnd = -1;
        while (m.find()) {
            // Go ignores an empty match right after the previous match
            if (m.start() == m.end() && m.start() == lastEnd) continue;
            lastEnd = m.end();
            end = m.start();
            if (m.end() != 0) out.add(s.substring(beg, end));
            beg = m.end();
        }
        if (end != s.length()) out.add(s.substring(beg));
        return out;
    }

    record Semver(long major, long minor, long patch, String pre) implements Comparable<Semver> {
        private static final java.util.regex.Pattern P = java.util.regex.Pattern.compile(
                "^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$");

        static Semver parse(String s) {
            java.util.regex.Matcher m = P.matcher(s);
            if (!m.matches() || s.startsWith("v")) return null;
            return new Semver(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), m.group(4));
        }

        @Override public int compareTo(Semver o) {
            int c = Long.compare(major, o.major);
            if (c == 0) c = Long.compare(minor, o.minor);
            if (c == 0) c = Long.compare(patch, o.patch);
            if (c != 0) return c;
            if (pre == null || o.pre == null) return pre == null ? (o.pre == null ? 0 : 1) : -1;
            String[] a = pre.split("\\."), b = o.pre.split("\\.");
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                boolean na = a[i].matches("\\d+"), nb = b[i].matches("\\d+");
                if (na && nb) c = Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i]));
                else if (na) c = -1;
                else if (nb) c = 1;
                else c = a[i].compareTo(b[i]);
                if (c != 0) return c;
            }
            return Integer.compare(a.length, b.length);
        }
    }

    /**
     * regex.template_match: the template is literal text with regular expressions between the delimiters (which
     * must balance); the whole value must match. "urn:foo:{.*}" with "{", "}" matches "urn:foo:bar:baz".
     */
    static boolean templateMatch(String template, String value, String open, String close) {
        String fn = "regex.template_match";
        if (open.isEmpty() || close.isEmpty()) throw new BuiltinError("eval_builtin_error", fn + ": delimiters must not be empty");
        StringBuilder re = new StringBuilder("^");
        int i = 0;
        while (i < template.length()) {
            int s = template.indexOf(open, i);
            if (s < 0) { re.append(com.google.re2j.Pattern.quote(template.substring(i))); break; }
            re.append(com.google.re2j.Pattern.quote(template.substring(i, s)));
            // the expression ends at the close delimiter that balances the open one
            int depth = 1, j = s + open.length();
            while (j < template.length() && depth > 0) {
                if (template.startsWith(close, j)) { if (--depth == 0) break; j += close.length(); }
                else if (template.startsWith(open, j)) { depth++; j += open.length(); }
                else j++;
            }
            if (depth != 0) throw new BuiltinError("eval_builtin_error", fn + ": unbalanced braces in " + Values.toJsonText(template));
            re.append('(').append(template, s + open.length(), j).append(')');
            i = j + close.length();
        }
        if (template.indexOf(close, i) >= 0 && i < template.length()) throw new BuiltinError("eval_builtin_error", fn + ": unbalanced braces in " + Values.toJsonText(template));
        return Regex.pattern(fn, re.append('$').toString()).matcher(value).find();
    }
}
