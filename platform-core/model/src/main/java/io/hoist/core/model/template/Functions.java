package io.hoist.core.model.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The functions a name template may call: Go's builtins (eq, ne, lt, le, gt, ge, and, or, not, len, index,
 * slice, print, printf, println) and the Sprig functions MTV documents (lower, upper, title, untitle, trim,
 * trimAll, trimPrefix, trimSuffix, replace, contains, hasPrefix, hasSuffix, repeat, substr, nospace, trunc,
 * initials, default, quote, regex replace/match, add, add1, sub, div, mod, mul, max, min, floor, ceil,
 * round). Argument order follows Sprig, so a pipeline's value is the last argument.
 *
 * <p>Functions that can multiply their input ({@code repeat}, {@code replace}, regex replacement, printf widths)
 * check the size of their result before making it: nothing over {@link GoTemplate#MAX_TEXT} characters is
 * ever allocated. Regular expressions are RE2 (Go's own syntax and semantics) on RE2/J, which matches in time
 * linear in the input, so no pattern can pin a thread.
 */
final class Functions {
    @FunctionalInterface
    interface Fn {
        Object apply(List<Object> args);
    }

    private static final Map<String, Fn> FUNCTIONS = new HashMap<>();

    static {
        // and/or are evaluated lazily by the renderer; registered here so the parser knows them
        FUNCTIONS.put("and", args -> {
            throw new IllegalStateException("and is evaluated by the renderer");
        });
        FUNCTIONS.put("or", args -> {
            throw new IllegalStateException("or is evaluated by the renderer");
        });
        FUNCTIONS.put("not", args -> !Values.truth(arity("not", args, 1).get(0)));
        FUNCTIONS.put("eq", Functions::eq);
        FUNCTIONS.put("ne", args -> !(Boolean) eq(arity("ne", args, 2)));
        FUNCTIONS.put("lt", args -> compare("lt", args) < 0);
        FUNCTIONS.put("le", args -> compare("le", args) <= 0);
        FUNCTIONS.put("gt", args -> compare("gt", args) > 0);
        FUNCTIONS.put("ge", args -> compare("ge", args) >= 0);
        FUNCTIONS.put("len", args -> len(arity("len", args, 1).get(0)));
        FUNCTIONS.put("index", Functions::index);
        FUNCTIONS.put("slice", Functions::slice);
        FUNCTIONS.put("print", Functions::sprint);
        FUNCTIONS.put("println", args -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(Values.print(args.get(i)));
            }
            return sb.append('\n').toString();
        });
        FUNCTIONS.put("printf", args -> {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("wrong number of args for printf: want at least 1 got 0");
            }
            return GoFormat.sprintf(str("printf", args.get(0)), args.subList(1, args.size()));
        });

        // Sprig string functions
        FUNCTIONS.put("lower", args -> str("lower", arity("lower", args, 1).get(0)).toLowerCase(Locale.ROOT));
        FUNCTIONS.put("upper", args -> str("upper", arity("upper", args, 1).get(0)).toUpperCase(Locale.ROOT));
        FUNCTIONS.put("title", args -> title(str("title", arity("title", args, 1).get(0))));
        FUNCTIONS.put("untitle", args -> untitle(str("untitle", arity("untitle", args, 1).get(0))));
        FUNCTIONS.put("trim", args -> str("trim", arity("trim", args, 1).get(0)).strip());
        FUNCTIONS.put("trimAll", args -> {
            arity("trimAll", args, 2);
            return trimCutset(str("trimAll", args.get(1)), str("trimAll", args.get(0)));
        });
        FUNCTIONS.put("trimPrefix", args -> {
            arity("trimPrefix", args, 2);
            String prefix = str("trimPrefix", args.get(0));
            String s = str("trimPrefix", args.get(1));
            return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
        });
        FUNCTIONS.put("trimSuffix", args -> {
            arity("trimSuffix", args, 2);
            String suffix = str("trimSuffix", args.get(0));
            String s = str("trimSuffix", args.get(1));
            return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
        });
        FUNCTIONS.put("replace", args -> {
            arity("replace", args, 3);
            String s = str("replace", args.get(2));
            String old = str("replace", args.get(0));
            String with = str("replace", args.get(1));
            long matches = old.isEmpty() ? s.length() + 1L : (s.length() - s.replace(old, "").length()) / old.length();
            long size = s.length() + matches * (with.length() - old.length());
            if (size > GoTemplate.MAX_TEXT) {
                throw tooLong("replace", "a result of " + size + " characters");
            }
            return s.replace(old, with);
        });
        FUNCTIONS.put("contains", args -> {
            arity("contains", args, 2);
            return str("contains", args.get(1)).contains(str("contains", args.get(0)));
        });
        FUNCTIONS.put("hasPrefix", args -> {
            arity("hasPrefix", args, 2);
            return str("hasPrefix", args.get(1)).startsWith(str("hasPrefix", args.get(0)));
        });
        FUNCTIONS.put("hasSuffix", args -> {
            arity("hasSuffix", args, 2);
            return str("hasSuffix", args.get(1)).endsWith(str("hasSuffix", args.get(0)));
        });
        FUNCTIONS.put("repeat", args -> {
            arity("repeat", args, 2);
            long n = toInt(args.get(0));
            String s = str("repeat", args.get(1));
            if (n <= 0 || s.isEmpty()) {
                return "";
            }
            if (n > GoTemplate.MAX_TEXT / s.length()) {
                throw tooLong("repeat", "count " + n + " × " + s.length() + " characters");
            }
            return s.repeat((int) n);
        });
        FUNCTIONS.put("substr", args -> {
            arity("substr", args, 3);
            String s = str("substr", args.get(2));
            int start = (int) toInt(args.get(0));
            int end = (int) toInt(args.get(1));
            if (start < 0) {
                return s.substring(0, Math.min(Math.max(end, 0), s.length()));
            }
            if (end < 0 || end > s.length()) {
                return start > s.length() ? "" : s.substring(start);
            }
            return start > end ? "" : s.substring(start, end);
        });
        FUNCTIONS.put("nospace", args -> str("nospace", arity("nospace", args, 1).get(0)).replaceAll("\\s", ""));
        FUNCTIONS.put("trunc", args -> {
            arity("trunc", args, 2);
            int n = (int) toInt(args.get(0));
            String s = str("trunc", args.get(1));
            if (n < 0 && s.length() + n > 0) {
                return s.substring(s.length() + n);
            }
            return n >= 0 && s.length() > n ? s.substring(0, n) : s;
        });
        FUNCTIONS.put("initials", args -> {
            StringBuilder sb = new StringBuilder();
            for (String word : str("initials", arity("initials", args, 1).get(0)).trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    sb.appendCodePoint(word.codePointAt(0));
                }
            }
            return sb.toString();
        });
        FUNCTIONS.put("quote", args -> {
            StringBuilder sb = new StringBuilder();
            for (Object a : args) {
                if (a != null) {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(GoFormat.quote(Values.print(a)));
                }
            }
            return sb.toString();
        });
        FUNCTIONS.put("toString", args -> {
            Object v = Values.normalize(arity("toString", args, 1).get(0));
            return v instanceof String s ? s : Values.print(v);
        });
        FUNCTIONS.put("default", args -> {
            if (args.size() < 1 || args.size() > 2) {
                throw new IllegalArgumentException("wrong number of args for default: want 1 or 2 got " + args.size());
            }
            Object given = args.size() == 2 ? args.get(1) : null;
            return Values.truth(given) ? given : args.get(0);
        });
        FUNCTIONS.put("regexReplaceAll", args -> regexReplace("regexReplaceAll", args, false));
        FUNCTIONS.put("mustRegexReplaceAll", args -> regexReplace("mustRegexReplaceAll", args, false));
        FUNCTIONS.put("regexReplaceAllLiteral", args -> regexReplace("regexReplaceAllLiteral", args, true));
        FUNCTIONS.put("mustRegexReplaceAllLiteral", args -> regexReplace("mustRegexReplaceAllLiteral", args, true));
        FUNCTIONS.put("regexMatch", args -> regex("regexMatch", arity("regexMatch", args, 2).get(0))
                .matcher(str("regexMatch", args.get(1))).find());
        FUNCTIONS.put("mustRegexMatch", FUNCTIONS.get("regexMatch"));

        // Sprig math: integers as int64; floor/ceil/round on float64
        FUNCTIONS.put("add", args -> args.stream().mapToLong(Functions::toInt).sum());
        FUNCTIONS.put("add1", args -> toInt(arity("add1", args, 1).get(0)) + 1);
        FUNCTIONS.put("sub", args -> toInt(arity("sub", args, 2).get(0)) - toInt(args.get(1)));
        FUNCTIONS.put("div", args -> {
            long d = toInt(arity("div", args, 2).get(1));
            if (d == 0) {
                throw new IllegalArgumentException("error calling div: integer divide by zero");
            }
            return toInt(args.get(0)) / d;
        });
        FUNCTIONS.put("mod", args -> {
            long d = toInt(arity("mod", args, 2).get(1));
            if (d == 0) {
                throw new IllegalArgumentException("error calling mod: integer divide by zero");
            }
            return toInt(args.get(0)) % d;
        });
        FUNCTIONS.put("mul", args -> args.stream().mapToLong(Functions::toInt).reduce(1L, (a, b) -> a * b));
        FUNCTIONS.put("max", args -> args.stream().mapToLong(Functions::toInt).max()
                .orElseThrow(() -> new IllegalArgumentException("wrong number of args for max: want at least 1 got 0")));
        FUNCTIONS.put("min", args -> args.stream().mapToLong(Functions::toInt).min()
                .orElseThrow(() -> new IllegalArgumentException("wrong number of args for min: want at least 1 got 0")));
        FUNCTIONS.put("floor", args -> Math.floor(toFloat(arity("floor", args, 1).get(0))));
        FUNCTIONS.put("ceil", args -> Math.ceil(toFloat(arity("ceil", args, 1).get(0))));
        FUNCTIONS.put("round", args -> {
            if (args.size() < 2 || args.size() > 3) {
                throw new IllegalArgumentException("wrong number of args for round: want 2 or 3 got " + args.size());
            }
            return BigDecimal.valueOf(toFloat(args.get(0)))
                    .setScale((int) toInt(args.get(1)), RoundingMode.HALF_UP).doubleValue();
        });
    }

    private Functions() {
    }

    static boolean exists(String name) {
        return FUNCTIONS.containsKey(name);
    }

    static Object call(String name, List<Object> args) {
        return FUNCTIONS.get(name).apply(args);
    }

    static IllegalArgumentException tooLong(String fn, String what) {
        return new IllegalArgumentException("error calling " + fn + ": " + what + " is more than the template limit of "
                + GoTemplate.MAX_TEXT + " characters");
    }

    private static List<Object> arity(String name, List<Object> args, int n) {
        if (args.size() != n) {
            throw new IllegalArgumentException("wrong number of args for " + name + ": want " + n + " got " + args.size());
        }
        return args;
    }

    private static String str(String fn, Object v) {
        v = Values.normalize(v);
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("wrong type for value in " + fn + "; expected string; got " + Values.kind(v));
    }

    /** Sprig's cast.ToInt64: numbers, numeric strings; anything else is 0. */
    static long toInt(Object v) {
        v = Values.normalize(v);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return d.longValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    static double toFloat(Object v) {
        v = Values.normalize(v);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static Object eq(List<Object> args) {
        if (args.size() < 2) {
            throw new IllegalArgumentException("missing argument for comparison");
        }
        Object a = Values.normalize(args.get(0));
        for (int i = 1; i < args.size(); i++) {
            Object b = Values.normalize(args.get(i));
            if (a == null || b == null) {
                if (a == b) {
                    return true;
                }
                continue;
            }
            if (!isBasic(a) || !isBasic(b)) {
                throw new IllegalArgumentException("non-comparable type " + Values.kind(isBasic(a) ? b : a));
            }
            if (!a.getClass().equals(b.getClass())) {
                throw new IllegalArgumentException("incompatible types for comparison: " + Values.kind(a)
                        + " and " + Values.kind(b));
            }
            if (a.equals(b)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBasic(Object v) {
        return v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(String name, List<Object> args) {
        arity(name, args, 2);
        Object a = Values.normalize(args.get(0));
        Object b = Values.normalize(args.get(1));
        if (a == null || b == null || !a.getClass().equals(b.getClass())) {
            throw new IllegalArgumentException("incompatible types for comparison: " + Values.kind(a) + " and " + Values.kind(b));
        }
        if (!(a instanceof Long || a instanceof Double || a instanceof String)) {
            throw new IllegalArgumentException("invalid type for comparison: " + Values.kind(a));
        }
        return ((Comparable) a).compareTo(b);
    }

    private static long len(Object v) {
        v = Values.normalize(v);
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        throw new IllegalArgumentException("len of type " + Values.kind(v));
    }

    private static Object index(List<Object> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("wrong number of args for index: want at least 1 got 0");
        }
        Object cur = args.get(0);
        for (int i = 1; i < args.size(); i++) {
            Object key = Values.normalize(args.get(i));
            cur = Values.normalize(cur);
            if (cur instanceof List<?> list) {
                long k = indexArg(key);
                if (k < 0 || k >= list.size()) {
                    throw new IllegalArgumentException("error calling index: index out of range: " + k);
                }
                cur = list.get((int) k);
            } else if (cur instanceof String s) {
                long k = indexArg(key);
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                if (k < 0 || k >= bytes.length) {
                    throw new IllegalArgumentException("error calling index: index out of range: " + k);
                }
                cur = (long) (bytes[(int) k] & 0xff);
            } else if (cur instanceof Map<?, ?> map) {
                cur = lookup(map, key);
            } else if (cur == null) {
                throw new IllegalArgumentException("error calling index: index of untyped nil");
            } else {
                throw new IllegalArgumentException("error calling index: can't index item of type " + Values.kind(cur));
            }
        }
        return cur;
    }

    static Object lookup(Map<?, ?> map, Object key) {
        if (map.containsKey(key)) {
            return map.get(key);
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (Objects.equals(Values.normalize(e.getKey()), key)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static long indexArg(Object key) {
        if (key instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("error calling index: cannot index slice/array with type " + Values.kind(key));
    }

    private static Object slice(List<Object> args) {
        if (args.isEmpty() || args.size() > 3) {
            throw new IllegalArgumentException("wrong number of args for slice");
        }
        Object v = Values.normalize(args.get(0));
        int size;
        if (v instanceof String s) {
            size = s.length();
        } else if (v instanceof List<?> l) {
            size = l.size();
        } else {
            throw new IllegalArgumentException("error calling slice: can't slice item of type " + Values.kind(v));
        }
        int from = args.size() > 1 ? (int) indexArg(Values.normalize(args.get(1))) : 0;
        int to = args.size() > 2 ? (int) indexArg(Values.normalize(args.get(2))) : size;
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("error calling slice: index out of range: " + from + ":" + to);
        }
        return v instanceof String s ? s.substring(from, to) : new ArrayList<>(((List<?>) v).subList(from, to));
    }

    /** fmt.Sprint: spaces between operands when neither side is a string. */
    private static Object sprint(List<Object> args) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            Object a = Values.normalize(args.get(i));
            if (i > 0 && !(a instanceof String) && !(Values.normalize(args.get(i - 1)) instanceof String)) {
                sb.append(' ');
            }
            sb.append(Values.print(a));
        }
        return sb.toString();
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(start ? Character.toTitleCase(c) : c);
            start = !Character.isLetterOrDigit(c) && c != '_' && c != '\'';
        }
        return sb.toString();
    }

    private static String untitle(String s) {
        StringBuilder sb = new StringBuilder();
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(start ? Character.toLowerCase(c) : c);
            start = Character.isWhitespace(c);
        }
        return sb.toString();
    }

    private static String trimCutset(String s, String cutset) {
        int start = 0;
        int end = s.length();
        while (start < end && cutset.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && cutset.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    private static Pattern regex(String fn, Object expr) {
        try {
            return Pattern.compile(str(fn, expr));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("error calling " + fn + ": " + e.getDescription()
                    + " in " + io.hoist.core.model.Echo.abbreviate(e.getPattern()));
        }
    }

    /** Go's Regexp.ReplaceAllString: {@code $1}, {@code ${1}}, {@code ${name}}; {@code $$} is a dollar. */
    private static String regexReplace(String fn, List<Object> args, boolean literal) {
        arity(fn, args, 3);
        Pattern p = regex(fn, args.get(0));
        String s = str(fn, args.get(1));
        String repl = str(fn, args.get(2));
        Matcher m = p.matcher(s);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        while (m.find()) {
            sb.append(s, last, m.start());
            sb.append(literal ? repl : expand(repl, m));
            last = m.end();
            if (sb.length() > GoTemplate.MAX_TEXT) {
                throw tooLong(fn, "the result");
            }
        }
        sb.append(s.substring(last));
        return sb.toString();
    }

    private static String expand(String template, Matcher m) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                sb.append(c);
                i++;
                continue;
            }
            char n = template.charAt(i + 1);
            if (n == '$') {
                sb.append('$');
                i += 2;
                continue;
            }
            String name;
            if (n == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                i = close + 1;
            } else {
                int j = i + 1;
                while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1) {
                    sb.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 1, j);
                i = j;
            }
            sb.append(group(m, name));
        }
        return sb.toString();
    }

    /** A group by number or name; Go expands an unknown group to the empty string. */
    private static String group(Matcher m, String name) {
        String value = null;
        try {
            if (name.chars().allMatch(Character::isDigit)) {
                int g = Integer.parseInt(name);
                value = g <= m.groupCount() ? m.group(g) : null;
            } else {
                value = m.group(name);
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            value = null;
        }
        return value == null ? "" : value;
    }
}
