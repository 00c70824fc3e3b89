package io.hoist.core.model.template;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Go's fmt.Sprintf for the verbs a name template uses: %s %v %q %d %x %X %o %b %c %f %e %g %t %%. */
final class GoFormat {
    private GoFormat() {
    }

    static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argIndex = 0;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false;
            boolean plus = false;
            boolean zero = false;
            boolean space = false;
            boolean sharp = false;
            while (i < format.length() && "-+0 #".indexOf(format.charAt(i)) >= 0) {
                switch (format.charAt(i)) {
                    case '-' -> minus = true;
                    case '+' -> plus = true;
                    case '0' -> zero = true;
                    case ' ' -> space = true;
                    default -> sharp = true;
                }
                i++;
            }
            int width = -1;
            int start = i;
            while (i < format.length() && Character.isDigit(format.charAt(i))) {
                i++;
            }
            if (i > start) {
                width = i - start > 9 ? Integer.MAX_VALUE : Integer.parseInt(format.substring(start, i));
            }
            int precision = -1;
            if (i < format.length() && format.charAt(i) == '.') {
                i++;
                start = i;
                while (i < format.length() && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                precision = i - start > 9 ? Integer.MAX_VALUE : i > start ? Integer.parseInt(format.substring(start, i)) : 0;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            if (width > GoTemplate.MAX_TEXT || precision > GoTemplate.MAX_TEXT) {
                // Go itself gives %!(BADWIDTH) past 1e6; anything wider than a whole render is refused
                throw Functions.tooLong("printf", "a width or precision of " + Math.max(width, precision));
            }
            char verb = format.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argIndex >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = Values.normalize(args.get(argIndex++));
            String body = formatOne(verb, arg, precision, plus, space, sharp);
            boolean numeric = arg instanceof Long || arg instanceof Double;
            out.append(pad(body, width, minus, zero && !minus && numeric));
            if (out.length() > GoTemplate.MAX_TEXT) {
                throw Functions.tooLong("printf", "the result");
            }
        }
        if (argIndex < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = argIndex; k < args.size(); k++) {
                if (k > argIndex) {
                    out.append(", ");
                }
                Object a = Values.normalize(args.get(k));
                out.append(Values.kind(a)).append('=').append(Values.print(a));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String formatOne(char verb, Object arg, int precision, boolean plus, boolean space, boolean sharp) {
        switch (verb) {
            case 'v' -> {
                return arg instanceof Long l && plus && l >= 0 ? "+" + l : Values.print(arg);
            }
            case 's' -> {
                if (arg instanceof String str) {
                    return precision >= 0 && str.length() > precision ? str.substring(0, precision) : str;
                }
                if (arg == null) {
                    return "%!s(<nil>)";
                }
                return arg instanceof Long || arg instanceof Double || arg instanceof Boolean
                        ? bad(verb, arg) : Values.print(arg);
            }
            case 'q' -> {
                if (arg instanceof String s) {
                    return quote(s);
                }
                if (arg instanceof Long l) {
                    return "'" + new String(Character.toChars(l.intValue())) + "'";
                }
                return bad(verb, arg);
            }
            case 'd' -> {
                if (arg instanceof Long l) {
                    String s = Long.toString(l);
                    return l >= 0 && plus ? "+" + s : l >= 0 && space ? " " + s : s;
                }
                return bad(verb, arg);
            }
            case 'x', 'X', 'o', 'b' -> {
                String s;
                if (arg instanceof Long l) {
                    int radix = verb == 'o' ? 8 : verb == 'b' ? 2 : 16;
                    s = (l < 0 ? "-" : "") + Long.toString(Math.abs(l), radix);
                    if (sharp && verb == 'x') {
                        s = s.startsWith("-") ? "-0x" + s.substring(1) : "0x" + s;
                    } else if (sharp && verb == 'o') {
                        s = "0" + s;
                    }
                } else if (arg instanceof String str && (verb == 'x' || verb == 'X')) {
                    StringBuilder sb = new StringBuilder();
                    for (byte b : str.getBytes(StandardCharsets.UTF_8)) {
                        sb.append(String.format("%02x", b & 0xff));
                    }
                    s = sb.toString();
                } else {
                    return bad(verb, arg);
                }
                return verb == 'X' ? s.toUpperCase(Locale.ROOT) : s;
            }
            case 'c' -> {
                return arg instanceof Long l ? new String(Character.toChars(l.intValue())) : bad(verb, arg);
            }
            case 't' -> {
                return arg instanceof Boolean b ? b.toString() : bad(verb, arg);
            }
            case 'f', 'F', 'e', 'E', 'g', 'G' -> {
                if (!(arg instanceof Double d)) {
                    return bad(verb, arg);
                }
                String s;
                if ((verb == 'g' || verb == 'G') && precision < 0) {
                    s = Values.formatFloat(d);
                } else {
                    char jv = verb == 'F' ? 'f' : verb;
                    s = String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + jv, d);
                    if (verb == 'e' || verb == 'E') {
                        s = s.replaceAll("([eE][+-])(\\d)$", "$10$2");
                    }
                }
                return d >= 0 && plus ? "+" + s : s;
            }
            default -> {
                return "%!" + verb + "(" + Values.kind(arg) + "=" + Values.print(arg) + ")";
            }
        }
    }

    private static String bad(char verb, Object arg) {
        return "%!" + verb + "(" + Values.kind(arg) + "=" + Values.print(arg) + ")";
    }

    private static String pad(String body, int width, boolean left, boolean zeros) {
        int n = body.codePointCount(0, body.length());
        if (width <= n) {
            return body;
        }
        String fill = (zeros ? "0" : " ").repeat(width - n);
        if (left) {
            return body + fill;
        }
        if (zeros && (body.startsWith("-") || body.startsWith("+"))) {
            return body.charAt(0) + fill + body.substring(1);
        }
        return fill + body;
    }

    /** strconv.Quote for printable text. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
