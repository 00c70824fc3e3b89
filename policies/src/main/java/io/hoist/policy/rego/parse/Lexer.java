package io.hoist.policy.rego.parse;

import io.hoist.policy.rego.ast.Ast.Comment;
import io.hoist.policy.rego.ast.Ast.Pos;
import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.List;

/** Splits Rego text into tokens, remembering whether a line break precedes each one (expression separator). */
final class Lexer {
    enum Kind { IDENT, STRING, NUMBER, PUNCT, EOF }

    record Token(Kind kind, String text, Object value, Pos pos, boolean newlineBefore) {
        boolean is(String s) { return (kind == Kind.PUNCT || kind == Kind.IDENT) && text.equals(s); }
    }

    private static final String[] PUNCT = {":=", "==", "!=", "<=", ">=", "{", "}", "[", "]", "(", ")", ",", ";", ".",
        ":", "=", "<", ">", "+", "-", "*", "/", "%", "|", "&"};

    static List<Token> tokenize(String file, String src) {
        return tokenize(file, src, new ArrayList<>());
    }

    /** Tokens of src; the comments met on the way are added to comments (text after the '#', where it starts). */
    static List<Token> tokenize(String file, String src, List<Comment> comments) {
        List<Token> out = new ArrayList<>();
        int i = 0, line = 1, lineStart = 0;
        boolean nl = false;
        while (true) {
            while (i < src.length()) {
                char c = src.charAt(i);
                if (c == '\n') { nl = true; line++; i++; lineStart = i; }
                else if (c == ' ' || c == '\t' || c == '\r') i++;
                else if (c == '#') {
                    int start = i;
                    while (i < src.length() && src.charAt(i) != '\n') i++;
                    comments.add(new Comment(new Pos(file, line, start - lineStart + 1), src.substring(start + 1, i)));
                }
                else break;
            }
            Pos pos = new Pos(file, line, i - lineStart + 1);
            if (i >= src.length()) { out.add(new Token(Kind.EOF, "<end of file>", null, pos, true)); return out; }
            char c = src.charAt(i);
            if (Character.isLetter(c) || c == '_') {
                int s = i;
                while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
                out.add(new Token(Kind.IDENT, src.substring(s, i), null, pos, nl));
            } else if (Character.isDigit(c)) {
                int s = i;
                while (i < src.length() && Character.isDigit(src.charAt(i))) i++;
                if (i + 1 < src.length() && src.charAt(i) == '.' && Character.isDigit(src.charAt(i + 1))) {
                    i++;
                    while (i < src.length() && Character.isDigit(src.charAt(i))) i++;
                }
                if (i < src.length() && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
                    int save = i;
                    i++;
                    if (i < src.length() && (src.charAt(i) == '+' || src.charAt(i) == '-')) i++;
                    if (i < src.length() && Character.isDigit(src.charAt(i))) {
                        while (i < src.length() && Character.isDigit(src.charAt(i))) i++;
                    } else i = save;
                }
                String t = src.substring(s, i);
                // beyond float64: keep the exact literal (OPA numbers are arbitrary precision). Integers from 2^53 and
                // decimals float64 does not read back (1e-400, 0.1234567890123456789) carry their exact text.
                // The literal keeps its form (2e308 prints as 2e308, as OPA keeps the number's text).
                java.math.BigDecimal exact = new java.math.BigDecimal(t);
                Object num = Values.exactNumber(exact) instanceof Double d ? (Object) d : exact;
                out.add(new Token(Kind.NUMBER, t, num, pos, nl));
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (true) {
                    if (i >= src.length() || src.charAt(i) == '\n') throw new RegoSyntaxException(pos, "unterminated string");
                    char d = src.charAt(i++);
                    if (d == '"') break;
                    if (d != '\\') { b.append(d); continue; }
                    char e = src.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> { b.append((char) Integer.parseInt(src.substring(i, i + 4), 16)); i += 4; }
                        case '"', '\\', '/' -> b.append(e);
                        default -> throw new RegoSyntaxException(pos, "invalid escape \\" + e);
                    }
                }
                out.add(new Token(Kind.STRING, b.toString(), b.toString(), pos, nl));
            } else if (c == '`') {
                int e = src.indexOf('`', i + 1);
                if (e < 0) throw new RegoSyntaxException(pos, "unterminated raw string");
                String s = src.substring(i + 1, e);
                for (int k = i; k < e; k++) if (src.charAt(k) == '\n') { line++; lineStart = k + 1; }
                i = e + 1;
                out.add(new Token(Kind.STRING, s, s, pos, nl));
            } else {
                String p = null;
                for (String cand : PUNCT) if (src.startsWith(cand, i)) { p = cand; break; }
                if (p == null) throw new RegoSyntaxException(pos, "unexpected character '" + c + "'");
                i += p.length();
                out.add(new Token(Kind.PUNCT, p, null, pos, nl));
            }
            nl = false;
        }
    }
}
