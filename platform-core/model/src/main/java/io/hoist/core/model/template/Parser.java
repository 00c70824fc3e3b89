package io.hoist.core.model.template;

import io.hoist.core.model.template.Lexer.Kind;
import io.hoist.core.model.template.Lexer.Token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds the parse tree; unknown functions and unbalanced if/else/end fail here, as in Go. */
final class Parser {
    private final String name;
    private final List<Token> tokens;
    private int pos;

    private Parser(String name, List<Token> tokens) {
        this.name = name;
        this.tokens = tokens;
    }

    static List<Node> parse(String name, String text) {
        Parser p = new Parser(name, Lexer.lex(name, text));
        List<Node> list = new ArrayList<>();
        String end = p.parseList(list, 1);
        if (end != null) {
            throw p.error(p.line(), "unexpected {{" + end + "}}");
        }
        return list;
    }

    private TemplateException error(int line, String message) {
        return new TemplateException("template: " + name + ":" + line + ": " + message);
    }

    private int line() {
        return pos < tokens.size() ? tokens.get(pos).line() : (tokens.isEmpty() ? 1 : tokens.get(tokens.size() - 1).line());
    }

    private Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private Token next() {
        if (pos >= tokens.size()) {
            throw error(line(), "unexpected end of template");
        }
        return tokens.get(pos++);
    }

    private Token expect(Kind kind, String context) {
        Token t = next();
        if (t.kind() != kind) {
            throw error(t.line(), "unexpected " + t + " in " + context);
        }
        return t;
    }

    /**
     * Parses nodes until {{end}}, {{else}} or the end of input; returns "end", "else" (with the parser
     * positioned after "else"), or null at the end of input.
     */
    private String parseList(List<Node> out, int depth) {
        while (pos < tokens.size()) {
            Token t = next();
            if (t.kind() == Kind.TEXT) {
                out.add(new Node.Text(t.text()));
                continue;
            }
            // t is LEFT
            Token first = peek();
            if (first == null) {
                throw error(t.line(), "unclosed action");
            }
            if (first.kind() == Kind.RIGHT) {
                throw error(t.line(), "missing value for command");
            }
            if (first.kind() == Kind.IDENT) {
                switch (first.text()) {
                    case "end" -> {
                        next();
                        expect(Kind.RIGHT, "end");
                        return "end";
                    }
                    case "else" -> {
                        next();
                        return "else";
                    }
                    case "if", "with", "range" -> {
                        next();
                        out.add(parseBranch(first.text(), first.line(), depth));
                        continue;
                    }
                    case "define", "template", "block", "break", "continue" -> throw error(first.line(),
                            "{{" + first.text() + "}} is not supported in name templates");
                    default -> { }
                }
            }
            Node.Pipeline p = parsePipeline("command", Kind.RIGHT);
            expect(Kind.RIGHT, "command");
            out.add(new Node.Action(t.line(), p));
        }
        return null;
    }

    private Node parseBranch(String keyword, int line, int depth) {
        Node.Pipeline pipeline = parsePipeline(keyword, Kind.RIGHT);
        if (pipeline.commands().isEmpty()) {
            throw error(line, "missing value for " + keyword);
        }
        expect(Kind.RIGHT, keyword);
        List<Node> list = new ArrayList<>();
        String end = parseList(list, depth + 1);
        List<Node> elseList = new ArrayList<>();
        if (end == null) {
            throw error(line(), "unexpected EOF: {{" + keyword + "}} without {{end}}");
        }
        if (end.equals("else")) {
            Token t = peek();
            if (t != null && t.kind() == Kind.IDENT && (t.text().equals("if") || t.text().equals("with"))
                    && t.text().equals(keyword)) {
                // {{else if ...}} is {{else}}{{if ...}}...{{end}} sharing this {{end}}
                next();
                elseList.add(parseBranch(keyword, t.line(), depth));
                return new Node.Branch(line, keyword, pipeline, list, elseList);
            }
            expect(Kind.RIGHT, "else");
            String end2 = parseList(elseList, depth + 1);
            if (!"end".equals(end2)) {
                throw error(line(), end2 == null ? "unexpected EOF: {{" + keyword + "}} without {{end}}"
                        : "expected {{end}}, found {{else}}");
            }
        }
        return new Node.Branch(line, keyword, pipeline, list, elseList);
    }

    private Node.Pipeline parsePipeline(String context, Kind terminator) {
        int line = line();
        List<String> vars = new ArrayList<>();
        boolean declare = false;
        // $x := or $x, $y :=
        int save = pos;
        if (peek() != null && peek().kind() == Kind.VARIABLE && !peek().text().contains(".")) {
            List<String> candidate = new ArrayList<>();
            candidate.add(next().text());
            if (peek() != null && peek().kind() == Kind.COMMA && context.equals("range")) {
                next();
                candidate.add(expect(Kind.VARIABLE, "range").text());
            }
            Token t = peek();
            if (t != null && (t.kind() == Kind.DECLARE || t.kind() == Kind.ASSIGN)) {
                next();
                vars = candidate;
                declare = t.kind() == Kind.DECLARE;
            } else {
                pos = save;
            }
        }
        List<Node.Command> commands = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t == null) {
                throw error(line, "unclosed action");
            }
            if (t.kind() == terminator) {
                break;
            }
            commands.add(parseCommand(context, terminator));
            t = peek();
            if (t != null && t.kind() == Kind.PIPE) {
                next();
                Token after = peek();
                if (after == null || after.kind() == terminator) {
                    throw error(t.line(), "missing command after |");
                }
            }
        }
        if (commands.isEmpty() && !vars.isEmpty()) {
            throw error(line, "missing value for " + context);
        }
        for (int i = 1; i < commands.size(); i++) {
            Node.Operand head = commands.get(i).operands().get(0);
            if (head instanceof Node.Literal) {
                throw error(line, "non executable command in pipeline stage " + (i + 1));
            }
        }
        return new Node.Pipeline(line, vars, declare, commands);
    }

    private Node.Command parseCommand(String context, Kind terminator) {
        List<Node.Operand> operands = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t == null || t.kind() == terminator || t.kind() == Kind.PIPE) {
                break;
            }
            operands.add(parseOperand(context));
        }
        if (operands.isEmpty()) {
            throw error(line(), "empty command");
        }
        return new Node.Command(operands);
    }

    private Node.Operand parseOperand(String context) {
        Token t = next();
        return switch (t.kind()) {
            case DOT -> new Node.Dot();
            case FIELD -> new Node.Field(splitFields(t.text()));
            case VARIABLE -> {
                int dot = t.text().indexOf('.');
                yield dot < 0 ? new Node.Variable(t.text(), List.of())
                        : new Node.Variable(t.text().substring(0, dot), splitFields(t.text().substring(dot)));
            }
            case STRING -> new Node.Literal(unquote(t));
            case CHAR -> new Node.Literal((long) unquote(new Token(Kind.STRING,
                    "\"" + t.text().substring(1, t.text().length() - 1) + "\"", t.line())).codePointAt(0));
            case NUMBER -> new Node.Literal(number(t));
            case IDENT -> switch (t.text()) {
                case "true" -> new Node.Literal(Boolean.TRUE);
                case "false" -> new Node.Literal(Boolean.FALSE);
                case "nil" -> new Node.Literal(null);
                default -> {
                    if (!Functions.exists(t.text())) {
                        throw error(t.line(), "function \"" + t.text() + "\" not defined");
                    }
                    yield new Node.Identifier(t.text());
                }
            };
            case LPAREN -> {
                Node.Pipeline p = parsePipeline("parenthesized pipeline", Kind.RPAREN);
                expect(Kind.RPAREN, "parenthesized pipeline");
                List<String> path = new ArrayList<>();
                while (peek() != null && peek().kind() == Kind.CHAIN) {
                    path.addAll(splitFields(next().text()));
                }
                yield new Node.Sub(p, path);
            }
            default -> throw error(t.line(), "unexpected " + t + " in " + context);
        };
    }

    private static List<String> splitFields(String text) {
        return new ArrayList<>(Arrays.asList(text.substring(1).split("\\.")));
    }

    private Object number(Token t) {
        String s = t.text().replace("_", "");
        try {
            if (s.matches("[+-]?0[xX][0-9a-fA-F]+")) {
                boolean neg = s.startsWith("-");
                long v = Long.parseLong(s.replaceFirst("^[+-]?0[xX]", ""), 16);
                return neg ? -v : v;
            }
            if (s.matches("[+-]?\\d+")) {
                return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
            }
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error(t.line(), "bad number syntax: \"" + t.text() + "\"");
        }
    }

    private String unquote(Token t) {
        String s = t.text();
        if (s.startsWith("`")) {
            return s.substring(1, s.length() - 1);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append('\\');
                case '"' -> sb.append('"');
                case '\'' -> sb.append('\'');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case 'x' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw error(t.line(), "invalid syntax in string " + s);
            }
        }
        return sb.toString();
    }
}
