package io.hoist.core.model.template;

import java.util.ArrayList;
import java.util.List;

/** Splits a Go template into text and the tokens of each action, as text/template's lexer does. */
final class Lexer {
    enum Kind { TEXT, LEFT, RIGHT, IDENT, FIELD, VARIABLE, DOT, STRING, NUMBER, PIPE, LPAREN, RPAREN, DECLARE, ASSIGN, COMMA, CHAR, CHAIN }

    record Token(Kind kind, String text, int line) {
        @Override
        public String toString() {
            return kind == Kind.TEXT ? "text" : "\"" + text + "\"";
        }
    }

    private final String name;
    private final String src;
    private int pos;
    private int line = 1;
    private final List<Token> tokens = new ArrayList<>();

    private Lexer(String name, String src) {
        this.name = name;
        this.src = src;
    }

    static List<Token> lex(String name, String src) {
        Lexer l = new Lexer(name, src);
        l.run();
        return l.tokens;
    }

    private TemplateException error(String message) {
        return new TemplateException("template: " + name + ":" + line + ": " + message);
    }

    private void run() {
        while (pos < src.length()) {
            int open = src.indexOf("{{", pos);
            if (open < 0) {
                emitText(src.substring(pos));
                pos = src.length();
                break;
            }
            String text = src.substring(pos, open);
            pos = open + 2;
            boolean trimLeft = pos + 1 < src.length() && src.charAt(pos) == '-' && isSpace(src.charAt(pos + 1));
            int newlines = count(text, '\n');
            if (trimLeft) {
                text = stripTrailingSpace(text);
                pos += 1;
            }
            emitText(text);
            line += newlines - count(text, '\n');
            lexAction();
        }
    }

    private void emitText(String text) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Kind.TEXT, text, line));
            line += count(text, '\n');
        }
    }

    private void lexAction() {
        // comment: {{/* ... */}} with optional trim markers
        int p = skipSpaces(pos);
        if (src.startsWith("/*", p)) {
            int end = src.indexOf("*/", p + 2);
            if (end < 0) {
                throw error("unclosed comment");
            }
            line += count(src.substring(p, end), '\n');
            int q = end + 2;
            boolean trimRight = false;
            if (src.startsWith(" -}}", q)) {
                trimRight = true;
                q += 1;
                q = skipSpaces(q) + 1;
            }
            if (!src.startsWith("}}", q)) {
                throw error("comment ends before closing delimiter");
            }
            pos = q + 2;
            if (trimRight) {
                trimLeadingSpaceOfRest();
            }
            return;
        }
        tokens.add(new Token(Kind.LEFT, "{{", line));
        while (true) {
            if (pos >= src.length()) {
                throw error("unclosed action");
            }
            char c = src.charAt(pos);
            if (isSpace(c)) {
                // a right trim marker is " -}}"
                if (src.startsWith("-}}", pos + 1) && (pos + 1 < src.length())) {
                    pos += 4;
                    tokens.add(new Token(Kind.RIGHT, "}}", line));
                    trimLeadingSpaceOfRest();
                    return;
                }
                if (c == '\n') {
                    line++;
                }
                pos++;
                continue;
            }
            if (src.startsWith("}}", pos)) {
                pos += 2;
                tokens.add(new Token(Kind.RIGHT, "}}", line));
                return;
            }
            switch (c) {
                case '|' -> single(Kind.PIPE);
                case '(' -> single(Kind.LPAREN);
                case ')' -> single(Kind.RPAREN);
                case ',' -> single(Kind.COMMA);
                case '"' -> lexQuote();
                case '`' -> lexRawQuote();
                case '\'' -> lexChar();
                case ':' -> {
                    if (!src.startsWith(":=", pos)) {
                        throw error("expected :=");
                    }
                    tokens.add(new Token(Kind.DECLARE, ":=", line));
                    pos += 2;
                }
                case '=' -> single(Kind.ASSIGN);
                case '$' -> {
                    int start = pos++;
                    while (pos < src.length() && (isAlnum(src.charAt(pos)) || (src.charAt(pos) == '.'
                            && pos + 1 < src.length() && isAlnum(src.charAt(pos + 1))))) {
                        pos++;
                    }
                    tokens.add(new Token(Kind.VARIABLE, src.substring(start, pos), line));
                }
                case '.' -> {
                    if (pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))) {
                        lexNumber();
                    } else if (pos + 1 < src.length() && isAlnum(src.charAt(pos + 1))) {
                        int start = pos++;
                        while (pos < src.length() && (isAlnum(src.charAt(pos)) || (src.charAt(pos) == '.'
                                && pos + 1 < src.length() && isAlnum(src.charAt(pos + 1))))) {
                            pos++;
                        }
                        // .A right after ")" chains onto the parenthesized value: (x).A
                        Kind kind = start > 0 && src.charAt(start - 1) == ')' ? Kind.CHAIN : Kind.FIELD;
                        tokens.add(new Token(kind, src.substring(start, pos), line));
                    } else {
                        single(Kind.DOT);
                    }
                }
                default -> {
                    if (c == '-' || c == '+' || Character.isDigit(c)) {
                        lexNumber();
                    } else if (isAlnum(c)) {
                        int start = pos;
                        while (pos < src.length() && isAlnum(src.charAt(pos))) {
                            pos++;
                        }
                        tokens.add(new Token(Kind.IDENT, src.substring(start, pos), line));
                    } else {
                        throw error("unexpected \"" + c + "\" in command");
                    }
                }
            }
        }
    }

    private void single(Kind kind) {
        tokens.add(new Token(kind, String.valueOf(src.charAt(pos)), line));
        pos++;
    }

    private void lexQuote() {
        int start = pos++;
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw error("unterminated quoted string");
            }
            char c = src.charAt(pos);
            if (c == '\\') {
                pos += 2;
                continue;
            }
            pos++;
            if (c == '"') {
                break;
            }
        }
        tokens.add(new Token(Kind.STRING, src.substring(start, pos), line));
    }

    private void lexRawQuote() {
        int start = pos;
        int end = src.indexOf('`', pos + 1);
        if (end < 0) {
            throw error("unterminated raw quoted string");
        }
        pos = end + 1;
        String raw = src.substring(start, pos);
        tokens.add(new Token(Kind.STRING, raw, line));
        line += count(raw, '\n');
    }

    private void lexChar() {
        int start = pos++;
        while (pos < src.length() && src.charAt(pos) != '\'') {
            if (src.charAt(pos) == '\\') {
                pos++;
            }
            pos++;
        }
        if (pos >= src.length()) {
            throw error("unterminated character constant");
        }
        pos++;
        tokens.add(new Token(Kind.CHAR, src.substring(start, pos), line));
    }

    private void lexNumber() {
        int start = pos;
        if (src.charAt(pos) == '-' || src.charAt(pos) == '+') {
            pos++;
        }
        while (pos < src.length() && (isAlnum(src.charAt(pos)) || src.charAt(pos) == '.'
                || ((src.charAt(pos) == '-' || src.charAt(pos) == '+')
                && (src.charAt(pos - 1) == 'e' || src.charAt(pos - 1) == 'E')))) {
            pos++;
        }
        String text = src.substring(start, pos);
        if (text.equals("-") || text.equals("+")) {
            throw error("bad number syntax: \"" + text + "\"");
        }
        tokens.add(new Token(Kind.NUMBER, text, line));
    }

    private void trimLeadingSpaceOfRest() {
        while (pos < src.length() && isSpace(src.charAt(pos))) {
            if (src.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }
    }

    private int skipSpaces(int p) {
        while (p < src.length() && isSpace(src.charAt(p))) {
            p++;
        }
        return p;
    }

    private static String stripTrailingSpace(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isAlnum(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
