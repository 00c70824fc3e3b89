package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import graphql.GraphQLError;
import graphql.language.*;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import graphql.schema.idl.errors.SchemaProblem;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * graphql.parse, parse_and_verify, parse_query, parse_schema, is_valid and schema_is_valid, parsed and validated
 * with graphql-java. ASTs come back in the shape OPA gives (gqlparser's structs, see {@link GraphqlAst}); a query or
 * schema may be given as text or as such an AST. Errors read "... in GraphQL string at location line:col" as in
 * OPA, with graphql-java's wording for what went wrong.
 */
final class Graphql {
    private Graphql() {}

    static void register() {
        define("graphql.parse_query", 1, a -> GraphqlAst.query(parseQuery("graphql.parse_query", str("graphql.parse_query", a, 0)), str("graphql.parse_query", a, 0)));
        define("graphql.parse_schema", 1, a -> GraphqlAst.schema(parseSchema("graphql.parse_schema", str("graphql.parse_schema", a, 0)), str("graphql.parse_schema", a, 0)));
        define("graphql.parse", 2, a -> {
            Parsed p = parse("graphql.parse", a);
            validate("graphql.parse", p);
            return new ArrayList<>(List.of(p.queryAst(), p.schemaAst()));
        });
        define("graphql.parse_and_verify", 2, a -> {
            try {
                Parsed p = parse("graphql.parse_and_verify", a);
                validate("graphql.parse_and_verify", p);
                return new ArrayList<>(List.of(true, p.queryAst(), p.schemaAst()));
            } catch (BuiltinError e) {
                return new ArrayList<>(List.of(false, Values.newObject(), Values.newObject()));
            }
        });
        define("graphql.is_valid", 2, a -> {
            try {
                validate("graphql.is_valid", parse("graphql.is_valid", a));
                return true;
            } catch (BuiltinError e) {
                return false;
            }
        });
        define("graphql.schema_is_valid", 1, a -> {
            try {
                schema("graphql.schema_is_valid", schemaDocument("graphql.schema_is_valid", a[0], 1));
                return true;
            } catch (BuiltinError e) {
                return false;
            }
        });
    }

    private static final String NO_QUERY_ROOT = "HoistNoQueryRoot";

    private record Parsed(Document query, String queryText, Document schema, String schemaText) {
        Map<Object, Object> queryAst() { return GraphqlAst.query(query, queryText); }
        Map<Object, Object> schemaAst() { return GraphqlAst.schema(schema, schemaText); }
    }

    private static Parsed parse(String fn, Object[] a) {
        String q = text(fn, a[0], 1, true), s = text(fn, a[1], 2, false);
        return new Parsed(parseQuery(fn, q), q, parseSchema(fn, s), s);
    }

    private static Document schemaDocument(String fn, Object v, int operand) {
        return parseSchema(fn, text(fn, v, operand, false));
    }

    /** A query or schema as text: given so, or printed from an AST value. */
    private static String text(String fn, Object v, int operand, boolean query) {
        if (v instanceof String s) return s;
        if (v instanceof Map<?, ?> m) {
            try { return query ? GraphqlAst.printQuery(m) : GraphqlAst.printSchema(m); }
            catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": operand " + operand + " is not a GraphQL AST: " + e.getMessage()); }
        }
        throw BuiltinError.type(fn, operand, "one of {object, string}", v);
    }

    private static final Pattern ONLY_IGNORED = Pattern.compile("(?:[\\s,\\ufeff]|#[^\\n\\r]*)*");

    private static Document parseQuery(String fn, String text) {
        // gqlparser reads a document without definitions as an empty one; graphql-java's grammar refuses it
        if (ONLY_IGNORED.matcher(text).matches()) return Document.newDocument().build();
        Document d = parseText(fn, text, ParserOptions.getDefaultParserOptions());
        for (Definition<?> def : d.getDefinitions()) {
            if (!(def instanceof OperationDefinition) && !(def instanceof FragmentDefinition)) {
                throw located(fn, "schema definitions are not allowed in a query", def.getSourceLocation());
            }
        }
        return d;
    }

    private static Document parseSchema(String fn, String text) {
        if (ONLY_IGNORED.matcher(text).matches()) return Document.newDocument().build();
        // graphql-java's SDL limits: no token cap (schemas are large and come from the policy, not from a client)
        Document d = parseText(fn, text, ParserOptions.getDefaultSdlParserOptions());
        for (Definition<?> def : d.getDefinitions()) {
            if (def instanceof OperationDefinition || def instanceof FragmentDefinition) {
                throw located(fn, "executable definitions are not allowed in a schema", def.getSourceLocation());
            }
        }
        refuseEmptyBraces(fn, d, text);
        return d;
    }

    /** graphql-java's query limits (15,000 tokens, 500 levels) refuse a hostile query with a builtin error. */
    private static Document parseText(String fn, String text, ParserOptions options) {
        try {
            return new Parser().parseDocument(ParserEnvironment.newParserEnvironment().document(text).parserOptions(options).build());
        } catch (InvalidSyntaxException e) {
            String msg = e.getMessage().replaceFirst(" at line \\d+ column \\d+$", "");
            throw located(fn, msg, e.getLocation());
        }
    }

    private static final Pattern EMPTY_BRACES = Pattern.compile("\\{[\\s,]*\\}");

    /** gqlparser refuses `type T {}` (fields, enum values, input fields: one at least); graphql-java's grammar takes it. */
    private static void refuseEmptyBraces(String fn, Document d, String text) {
        List<Definition> defs = d.getDefinitions();
        for (int i = 0; i < defs.size(); i++) {
            boolean empty = switch (defs.get(i)) {
                case ObjectTypeDefinition o -> o.getFieldDefinitions().isEmpty();
                case InterfaceTypeDefinition o -> o.getFieldDefinitions().isEmpty();
                case EnumTypeDefinition o -> o.getEnumValueDefinitions().isEmpty();
                case InputObjectTypeDefinition o -> o.getInputValueDefinitions().isEmpty();
                default -> false;
            };
            if (!empty) continue;
            int from = GraphqlAst.offset(defs.get(i).getSourceLocation(), text);
            int to = i + 1 < defs.size() ? GraphqlAst.offset(defs.get(i + 1).getSourceLocation(), text) : text.length();
            if (from < 0) continue;
            Matcher m = EMPTY_BRACES.matcher(text.substring(from, to < from ? text.length() : to).replaceAll("#[^\\n\\r]*", ""));
            if (m.find()) {
                int close = from + m.end() - 1;
                String before = text.substring(0, close);
                int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
                int col = close - (before.lastIndexOf('\n') + 1) + 1;
                throw new BuiltinError("eval_builtin_error", fn + ": expected at least one definition, found } in GraphQL string at location " + line + ":" + col);
            }
        }
    }

    private static BuiltinError located(String fn, String msg, SourceLocation loc) {
        String where = loc == null ? "" : " at location " + loc.getLine() + ":" + loc.getColumn();
        return new BuiltinError("eval_builtin_error", fn + ": " + msg + " in GraphQL string" + where);
    }

    /** The query is checked against the schema with graphql-java's validator (the GraphQL specification's rules). */
    private static void validate(String fn, Parsed p) {
        GraphQLSchema schema = schema(fn, p.schema());
        if (p.query().getDefinitions().isEmpty()) return;
        if (NO_QUERY_ROOT.equals(schema.getQueryType().getName())) {
            for (Definition<?> d : p.query().getDefinitions()) {
                if (d instanceof OperationDefinition op && op.getOperation() == OperationDefinition.Operation.QUERY) {
                    SourceLocation loc = op.getSourceLocation();
                    String where = loc == null ? "" : " at location " + loc.getLine() + ":" + loc.getColumn();
                    throw new BuiltinError("eval_builtin_error", fn + ": Schema does not support operation type \"query\" in GraphQL query string" + where);
                }
            }
        }
        List<ValidationError> errors;
        try {
            errors = new Validator().validateDocument(schema, p.query(), Locale.ENGLISH);
        } catch (RuntimeException e) {
            // is_valid and parse_and_verify answer false for any query the validator cannot take, as OPA does
            throw new BuiltinError("eval_builtin_error", fn + ": GraphQL query could not be validated: " + e.getMessage());
        }
        if (errors.isEmpty()) return;
        ValidationError e = errors.getFirst();
        String msg = e.getDescription() == null ? e.getMessage() : e.getDescription();
        msg = msg.replaceFirst("^Validation error \\([^)]*\\) : ", "");
        SourceLocation loc = e.getLocations() == null || e.getLocations().isEmpty() ? null : e.getLocations().getFirst();
        String where = loc == null ? "" : " at location " + loc.getLine() + ":" + loc.getColumn();
        throw new BuiltinError("eval_builtin_error", fn + ": " + msg + " in GraphQL query string" + where);
    }

    /**
     * The schema as gqlparser's validator accepts it: an extension of a type that is not defined defines it (OPA
     * accepts federation-style schemas that way), and a schema without a query type is valid.
     */
    private static GraphQLSchema schema(String fn, Document sdl) {
        Set<String> defined = new HashSet<>();
        boolean hasSchemaDefinition = false;
        for (Definition<?> d : sdl.getDefinitions()) {
            if (d instanceof TypeDefinition<?> t && !GraphqlAst.isExtension(t)) defined.add(t.getName());
            if (d instanceof SchemaDefinition && !(d instanceof SchemaExtensionDefinition)) hasSchemaDefinition = true;
        }
        TypeDefinitionRegistry registry = new TypeDefinitionRegistry();
        try {
            for (Definition<?> d : sdl.getDefinitions()) {
                SDLDefinition<?> def = (SDLDefinition<?>) d;
                if (d instanceof ObjectTypeExtensionDefinition o && defined.add(o.getName())) {
                    def = ObjectTypeDefinition.newObjectTypeDefinition().name(o.getName()).implementz(o.getImplements())
                            .directives(o.getDirectives()).fieldDefinitions(o.getFieldDefinitions()).sourceLocation(o.getSourceLocation()).build();
                } else if (d instanceof InterfaceTypeExtensionDefinition o && defined.add(o.getName())) {
                    def = InterfaceTypeDefinition.newInterfaceTypeDefinition().name(o.getName()).implementz(o.getImplements())
                            .directives(o.getDirectives()).definitions(o.getFieldDefinitions()).sourceLocation(o.getSourceLocation()).build();
                }
                var problem = registry.add(def);
                if (problem.isPresent()) throw invalidSchema(fn, problem.get());
            }
            if (!hasSchemaDefinition && registry.getType("Query").isEmpty()) {
                // graphql-java needs a query root; gqlparser does not. A type of its own stands in, and validate()
                // refuses query operations against it as gqlparser does.
                registry.merge(new SchemaParser().parse("schema { query: " + NO_QUERY_ROOT + " } type " + NO_QUERY_ROOT + " { noQueryType: Boolean }"));
            }
            return UnExecutableSchemaGenerator.makeUnExecutableSchema(registry);
        } catch (SchemaProblem e) {
            throw invalidSchema(fn, e.getErrors().isEmpty() ? null : e.getErrors().getFirst());
        } catch (RuntimeException e) {
            if (e instanceof BuiltinError b) throw b;
            throw new BuiltinError("eval_builtin_error", fn + ": invalid GraphQL schema: " + e.getMessage());
        }
    }

    private static BuiltinError invalidSchema(String fn, GraphQLError e) {
        String msg = e == null ? "the schema is not valid" : e.getMessage();
        return new BuiltinError("eval_builtin_error", fn + ": invalid GraphQL schema: " + msg);
    }
}
