package io.hoist.policy.builtins;

import graphql.language.*;
import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * graphql-java documents to the values OPA returns (gqlparser's Go structs as JSON, with Position, nulls and empty
 * lists/objects pruned, as OPA prunes them), and such values back to GraphQL text, so an AST a policy holds can be
 * parsed again (OPA reads it back into gqlparser's structs).
 */
final class GraphqlAst {
    private GraphqlAst() {}

    // gqlparser's ValueKind numbers
    private static final int VARIABLE = 0, INT = 1, FLOAT = 2, STRING = 3, BLOCK = 4, BOOLEAN = 5, NULL = 6, ENUM = 7, LIST = 8, OBJECT = 9;

    // ------------------------------------------------------------------ graphql-java to OPA's value
    static Map<Object, Object> query(Document doc, String source) {
        List<Object> ops = new ArrayList<>(), fragments = new ArrayList<>();
        for (Definition<?> d : doc.getDefinitions()) {
            if (d instanceof OperationDefinition op) {
                TreeMap<Object, Object> m = Values.newObject();
                m.put("Operation", op.getOperation().name().toLowerCase(java.util.Locale.ROOT));
                m.put("Name", op.getName() == null ? "" : op.getName());
                List<Object> vars = new ArrayList<>();
                for (VariableDefinition v : op.getVariableDefinitions()) {
                    TreeMap<Object, Object> vm = Values.newObject();
                    vm.put("Variable", v.getName());
                    vm.put("Type", type(v.getType()));
                    put(vm, "DefaultValue", v.getDefaultValue() == null ? null : value(v.getDefaultValue(), source));
                    put(vm, "Directives", directives(v.getDirectives(), source));
                    vm.put("Used", false);
                    vars.add(vm);
                }
                put(m, "VariableDefinitions", vars);
                put(m, "Directives", directives(op.getDirectives(), source));
                put(m, "SelectionSet", selections(op.getSelectionSet(), source));
                ops.add(m);
            } else if (d instanceof FragmentDefinition f) {
                TreeMap<Object, Object> m = Values.newObject();
                m.put("Name", f.getName());
                m.put("TypeCondition", f.getTypeCondition().getName());
                put(m, "Directives", directives(f.getDirectives(), source));
                put(m, "SelectionSet", selections(f.getSelectionSet(), source));
                fragments.add(m);
            }
        }
        TreeMap<Object, Object> out = Values.newObject();
        put(out, "Operations", ops);
        put(out, "Fragments", fragments);
        return out;
    }

    private static List<Object> selections(SelectionSet set, String source) {
        List<Object> out = new ArrayList<>();
        if (set == null) return out;
        for (Selection<?> s : set.getSelections()) {
            TreeMap<Object, Object> m = Values.newObject();
            switch (s) {
                case Field f -> {
                    m.put("Alias", f.getAlias() == null ? f.getName() : f.getAlias());
                    m.put("Name", f.getName());
                    put(m, "Arguments", arguments(f.getArguments(), source));
                    put(m, "Directives", directives(f.getDirectives(), source));
                    put(m, "SelectionSet", selections(f.getSelectionSet(), source));
                }
                case FragmentSpread f -> {
                    m.put("Name", f.getName());
                    put(m, "Directives", directives(f.getDirectives(), source));
                }
                case InlineFragment f -> {
                    m.put("TypeCondition", f.getTypeCondition() == null ? "" : f.getTypeCondition().getName());
                    put(m, "Directives", directives(f.getDirectives(), source));
                    put(m, "SelectionSet", selections(f.getSelectionSet(), source));
                }
                default -> throw new IllegalStateException("unknown selection " + s);
            }
            out.add(m);
        }
        return out;
    }

    private static List<Object> arguments(List<Argument> args, String source) {
        List<Object> out = new ArrayList<>();
        for (Argument a : args) {
            TreeMap<Object, Object> m = Values.newObject();
            m.put("Name", a.getName());
            m.put("Value", value(a.getValue(), source));
            out.add(m);
        }
        return out;
    }

    private static List<Object> directives(List<Directive> dirs, String source) {
        List<Object> out = new ArrayList<>();
        for (Directive d : dirs) {
            TreeMap<Object, Object> m = Values.newObject();
            m.put("Name", d.getName());
            put(m, "Arguments", arguments(d.getArguments(), source));
            m.put("Location", ""); // gqlparser fills it only when validating
            out.add(m);
        }
        return out;
    }

    private static Map<Object, Object> type(Type<?> t) {
        TreeMap<Object, Object> m = Values.newObject();
        boolean nonNull = t instanceof NonNullType;
        Type<?> inner = t instanceof NonNullType n ? n.getType() : t;
        if (inner instanceof ListType l) {
            m.put("NamedType", "");
            m.put("Elem", type(l.getType()));
        } else {
            m.put("NamedType", ((TypeName) inner).getName());
        }
        m.put("NonNull", nonNull);
        return m;
    }

    private static Map<Object, Object> value(Value<?> v, String source) {
        TreeMap<Object, Object> m = Values.newObject();
        int kind;
        String raw;
        List<Object> children = new ArrayList<>();
        switch (v) {
            case VariableReference r -> { kind = VARIABLE; raw = r.getName(); }
            case IntValue i -> { kind = INT; raw = number(i.getSourceLocation(), source, i.getValue().toString()); }
            case FloatValue f -> { kind = FLOAT; raw = number(f.getSourceLocation(), source, f.getValue().toString()); }
            case StringValue s -> { kind = isBlock(s.getSourceLocation(), source) ? BLOCK : STRING; raw = s.getValue(); }
            case BooleanValue b -> { kind = BOOLEAN; raw = String.valueOf(b.isValue()); }
            case NullValue n -> { kind = NULL; raw = "null"; }
            case EnumValue e -> { kind = ENUM; raw = e.getName(); }
            case ArrayValue a -> {
                kind = LIST; raw = "";
                for (Value<?> x : a.getValues()) children.add(child("", value(x, source)));
            }
            case ObjectValue o -> {
                kind = OBJECT; raw = "";
                for (ObjectField f : o.getObjectFields()) children.add(child(f.getName(), value(f.getValue(), source)));
            }
            default -> throw new IllegalStateException("unknown value " + v);
        }
        m.put("Kind", (double) kind);
        m.put("Raw", raw);
        put(m, "Children", children);
        m.put("ExpectedTypeHasDefault", false);
        return m;
    }

    private static Map<Object, Object> child(String name, Map<Object, Object> value) {
        TreeMap<Object, Object> m = Values.newObject();
        m.put("Name", name);
        m.put("Value", value);
        return m;
    }

    /** gqlparser keeps a number's text as written; BigDecimal would print 1e3 as 1E+3. */
    private static String number(SourceLocation loc, String source, String fallback) {
        int at = offset(loc, source);
        if (at < 0) return fallback;
        int end = at;
        while (end < source.length() && "+-.0123456789eE".indexOf(source.charAt(end)) >= 0) end++;
        // the text found must be the number parsed (a location counted otherwise than here falls back to the value)
        try {
            String written = source.substring(at, end);
            return new java.math.BigDecimal(written).compareTo(new java.math.BigDecimal(fallback)) == 0 ? written : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static boolean isBlock(SourceLocation loc, String source) {
        int at = offset(loc, source);
        return at >= 0 && source.startsWith("\"\"\"", at);
    }

    static int offset(SourceLocation loc, String source) {
        if (loc == null || source == null || loc.getLine() < 1) return -1;
        int at = 0;
        for (int line = 1; line < loc.getLine(); line++) {
            int nl = source.indexOf('\n', at);
            if (nl < 0) return -1;
            at = nl + 1;
        }
        at += loc.getColumn() - 1;
        return at < source.length() ? at : -1;
    }

    static Map<Object, Object> schema(Document doc, String source) {
        List<Object> schema = new ArrayList<>(), schemaExt = new ArrayList<>(), directives = new ArrayList<>(),
                definitions = new ArrayList<>(), extensions = new ArrayList<>();
        for (Definition<?> d : doc.getDefinitions()) {
            switch (d) {
                case SchemaExtensionDefinition s -> schemaExt.add(schemaDefinition(s, source));
                case SchemaDefinition s -> schema.add(schemaDefinition(s, source));
                case DirectiveDefinition dd -> {
                    TreeMap<Object, Object> m = Values.newObject();
                    m.put("Description", description(dd.getDescription()));
                    m.put("Name", dd.getName());
                    put(m, "Arguments", inputValues(dd.getInputValueDefinitions(), source));
                    List<Object> locations = new ArrayList<>();
                    for (DirectiveLocation l : dd.getDirectiveLocations()) locations.add(l.getName());
                    put(m, "Locations", locations);
                    m.put("IsRepeatable", dd.isRepeatable());
                    directives.add(m);
                }
                case TypeDefinition<?> t -> {
                    (isExtension(t) ? extensions : definitions).add(typeDefinition(t, source));
                }
                default -> { }
            }
        }
        TreeMap<Object, Object> out = Values.newObject();
        put(out, "Schema", schema);
        put(out, "SchemaExtension", schemaExt);
        put(out, "Directives", directives);
        put(out, "Definitions", definitions);
        put(out, "Extensions", extensions);
        return out;
    }

    static boolean isExtension(TypeDefinition<?> t) {
        return t instanceof ObjectTypeExtensionDefinition || t instanceof InterfaceTypeExtensionDefinition
                || t instanceof UnionTypeExtensionDefinition || t instanceof EnumTypeExtensionDefinition
                || t instanceof InputObjectTypeExtensionDefinition || t instanceof ScalarTypeExtensionDefinition;
    }

    private static Map<Object, Object> schemaDefinition(SchemaDefinition s, String source) {
        TreeMap<Object, Object> m = Values.newObject();
        m.put("Description", description(s.getDescription()));
        put(m, "Directives", directives(s.getDirectives(), source));
        List<Object> ops = new ArrayList<>();
        for (OperationTypeDefinition o : s.getOperationTypeDefinitions()) {
            TreeMap<Object, Object> om = Values.newObject();
            om.put("Operation", o.getName());
            om.put("Type", o.getTypeName().getName());
            ops.add(om);
        }
        put(m, "OperationTypes", ops);
        return m;
    }

    private static Map<Object, Object> typeDefinition(TypeDefinition<?> t, String source) {
        TreeMap<Object, Object> m = Values.newObject();
        m.put("Name", t.getName());
        m.put("BuiltIn", false);
        put(m, "Directives", directives(t.getDirectives(), source));
        Description description = null;
        List<Object> interfaces = new ArrayList<>(), fields = new ArrayList<>(), types = new ArrayList<>(), enumValues = new ArrayList<>();
        switch (t) {
            case ObjectTypeDefinition o -> {
                m.put("Kind", "OBJECT"); description = o.getDescription();
                for (Type<?> i : o.getImplements()) interfaces.add(((TypeName) i).getName());
                for (FieldDefinition f : o.getFieldDefinitions()) fields.add(field(f, source));
            }
            case InterfaceTypeDefinition o -> {
                m.put("Kind", "INTERFACE"); description = o.getDescription();
                for (Type<?> i : o.getImplements()) interfaces.add(((TypeName) i).getName());
                for (FieldDefinition f : o.getFieldDefinitions()) fields.add(field(f, source));
            }
            case UnionTypeDefinition u -> {
                m.put("Kind", "UNION"); description = u.getDescription();
                for (Type<?> x : u.getMemberTypes()) types.add(((TypeName) x).getName());
            }
            case EnumTypeDefinition e -> {
                m.put("Kind", "ENUM"); description = e.getDescription();
                for (EnumValueDefinition v : e.getEnumValueDefinitions()) {
                    TreeMap<Object, Object> vm = Values.newObject();
                    vm.put("Description", description(v.getDescription()));
                    vm.put("Name", v.getName());
                    put(vm, "Directives", directives(v.getDirectives(), source));
                    enumValues.add(vm);
                }
            }
            case InputObjectTypeDefinition i -> {
                m.put("Kind", "INPUT_OBJECT"); description = i.getDescription();
                fields.addAll(inputValues(i.getInputValueDefinitions(), source));
            }
            case ScalarTypeDefinition s -> { m.put("Kind", "SCALAR"); description = s.getDescription(); }
            default -> throw new IllegalStateException("unknown type definition " + t);
        }
        m.put("Description", description(description));
        put(m, "Interfaces", interfaces);
        put(m, "Fields", fields);
        put(m, "Types", types);
        put(m, "EnumValues", enumValues);
        return m;
    }

    private static Map<Object, Object> field(FieldDefinition f, String source) {
        TreeMap<Object, Object> m = Values.newObject();
        m.put("Description", description(f.getDescription()));
        m.put("Name", f.getName());
        put(m, "Arguments", inputValues(f.getInputValueDefinitions(), source));
        m.put("Type", type(f.getType()));
        put(m, "Directives", directives(f.getDirectives(), source));
        return m;
    }

    private static List<Object> inputValues(List<InputValueDefinition> values, String source) {
        List<Object> out = new ArrayList<>();
        for (InputValueDefinition v : values) {
            TreeMap<Object, Object> m = Values.newObject();
            m.put("Description", description(v.getDescription()));
            m.put("Name", v.getName());
            put(m, "DefaultValue", v.getDefaultValue() == null ? null : value(v.getDefaultValue(), source));
            m.put("Type", type(v.getType()));
            put(m, "Directives", directives(v.getDirectives(), source));
            out.add(m);
        }
        return out;
    }

    private static String description(Description d) { return d == null ? "" : d.getContent(); }

    /** OPA's pruning: a null, an empty list or an empty object is left out. */
    private static void put(Map<Object, Object> m, String key, Object v) {
        if (v == null || v instanceof List<?> l && l.isEmpty() || v instanceof Map<?, ?> mm && mm.isEmpty()) return;
        m.put(key, v);
    }

    // ------------------------------------------------------------------ OPA's value back to GraphQL text
    static String printQuery(Map<?, ?> doc) {
        StringBuilder b = new StringBuilder();
        for (Object o : list(doc.get("Operations"))) {
            Map<?, ?> op = map(o);
            b.append(str(op.get("Operation"), "query")).append(' ').append(str(op.get("Name"), ""));
            List<Object> vars = list(op.get("VariableDefinitions"));
            if (!vars.isEmpty()) {
                b.append('(');
                for (Object v : vars) {
                    Map<?, ?> vm = map(v);
                    b.append('$').append(str(vm.get("Variable"), "")).append(": ").append(printType(vm.get("Type")));
                    if (vm.get("DefaultValue") != null) b.append(" = ").append(printValue(vm.get("DefaultValue")));
                    printDirectives(b, vm.get("Directives"));
                    b.append(' ');
                }
                b.append(')');
            }
            printDirectives(b, op.get("Directives"));
            printSelections(b, op.get("SelectionSet"));
            b.append('\n');
        }
        for (Object o : list(doc.get("Fragments"))) {
            Map<?, ?> f = map(o);
            b.append("fragment ").append(str(f.get("Name"), "")).append(" on ").append(str(f.get("TypeCondition"), ""));
            printDirectives(b, f.get("Directives"));
            printSelections(b, f.get("SelectionSet"));
            b.append('\n');
        }
        return b.toString();
    }

    private static void printSelections(StringBuilder b, Object set) {
        List<Object> sels = list(set);
        if (sels.isEmpty()) return;
        b.append(" {");
        for (Object o : sels) {
            Map<?, ?> s = map(o);
            b.append(' ');
            if (s.containsKey("Alias")) {
                String alias = str(s.get("Alias"), ""), name = str(s.get("Name"), "");
                if (!alias.isEmpty() && !alias.equals(name)) b.append(alias).append(": ");
                b.append(name);
                printArguments(b, s.get("Arguments"));
                printDirectives(b, s.get("Directives"));
                printSelections(b, s.get("SelectionSet"));
            } else if (s.containsKey("TypeCondition") || !s.containsKey("Name")) {
                b.append("...");
                String tc = str(s.get("TypeCondition"), "");
                if (!tc.isEmpty()) b.append(" on ").append(tc);
                printDirectives(b, s.get("Directives"));
                printSelections(b, s.get("SelectionSet"));
            } else {
                b.append("...").append(str(s.get("Name"), ""));
                printDirectives(b, s.get("Directives"));
            }
        }
        b.append(" }");
    }

    private static void printArguments(StringBuilder b, Object args) {
        List<Object> l = list(args);
        if (l.isEmpty()) return;
        b.append('(');
        for (Object o : l) {
            Map<?, ?> a = map(o);
            b.append(str(a.get("Name"), "")).append(": ").append(printValue(a.get("Value"))).append(' ');
        }
        b.append(')');
    }

    private static void printDirectives(StringBuilder b, Object dirs) {
        for (Object o : list(dirs)) {
            Map<?, ?> d = map(o);
            b.append(" @").append(str(d.get("Name"), ""));
            printArguments(b, d.get("Arguments"));
        }
    }

    private static String printType(Object t) {
        Map<?, ?> m = map(t);
        String s = m.get("Elem") != null ? "[" + printType(m.get("Elem")) + "]" : str(m.get("NamedType"), "");
        return Boolean.TRUE.equals(m.get("NonNull")) ? s + "!" : s;
    }

    private static String printValue(Object v) {
        Map<?, ?> m = map(v);
        int kind = m.get("Kind") instanceof Number n ? n.intValue() : -1;
        String raw = str(m.get("Raw"), "");
        StringBuilder b = new StringBuilder();
        switch (kind) {
            case VARIABLE -> b.append('$').append(raw);
            case INT, FLOAT, BOOLEAN, ENUM -> b.append(raw);
            case NULL -> b.append("null");
            case STRING -> b.append(quote(raw));
            case BLOCK -> b.append(blockString(raw));
            case LIST -> {
                b.append('[');
                for (Object c : list(m.get("Children"))) b.append(printValue(map(c).get("Value"))).append(' ');
                b.append(']');
            }
            case OBJECT -> {
                b.append('{');
                for (Object c : list(m.get("Children"))) b.append(str(map(c).get("Name"), "")).append(": ").append(printValue(map(c).get("Value"))).append(' ');
                b.append('}');
            }
            default -> throw new IllegalArgumentException("value of unknown Kind " + m.get("Kind"));
        }
        return b.toString();
    }

    static String printSchema(Map<?, ?> doc) {
        StringBuilder b = new StringBuilder();
        for (Object o : list(doc.get("Schema"))) printSchemaDefinition(b, map(o), "schema");
        for (Object o : list(doc.get("SchemaExtension"))) printSchemaDefinition(b, map(o), "extend schema");
        for (Object o : list(doc.get("Directives"))) {
            Map<?, ?> d = map(o);
            printDescription(b, d.get("Description"));
            b.append("directive @").append(str(d.get("Name"), ""));
            printArgumentDefinitions(b, d.get("Arguments"));
            if (Boolean.TRUE.equals(d.get("IsRepeatable"))) b.append(" repeatable");
            b.append(" on ");
            List<String> locations = new ArrayList<>();
            for (Object l : list(d.get("Locations"))) locations.add(str(l, ""));
            b.append(String.join(" | ", locations)).append('\n');
        }
        for (Object o : list(doc.get("Definitions"))) printTypeDefinition(b, map(o), "");
        for (Object o : list(doc.get("Extensions"))) printTypeDefinition(b, map(o), "extend ");
        return b.toString();
    }

    private static void printSchemaDefinition(StringBuilder b, Map<?, ?> s, String keyword) {
        printDescription(b, s.get("Description"));
        b.append(keyword);
        printDirectives(b, s.get("Directives"));
        List<Object> ops = list(s.get("OperationTypes"));
        if (!ops.isEmpty()) {
            b.append(" {");
            for (Object o : ops) b.append(' ').append(str(map(o).get("Operation"), "")).append(": ").append(str(map(o).get("Type"), ""));
            b.append(" }");
        }
        b.append('\n');
    }

    private static void printTypeDefinition(StringBuilder b, Map<?, ?> d, String prefix) {
        if (prefix.isEmpty()) printDescription(b, d.get("Description"));
        String kind = str(d.get("Kind"), "");
        String keyword = switch (kind) {
            case "SCALAR" -> "scalar"; case "OBJECT" -> "type"; case "INTERFACE" -> "interface"; case "UNION" -> "union";
            case "ENUM" -> "enum"; case "INPUT_OBJECT" -> "input";
            default -> throw new IllegalArgumentException("definition of unknown Kind \"" + kind + "\"");
        };
        b.append(prefix).append(keyword).append(' ').append(str(d.get("Name"), ""));
        List<Object> interfaces = list(d.get("Interfaces"));
        if (!interfaces.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (Object i : interfaces) names.add(str(i, ""));
            b.append(" implements ").append(String.join(" & ", names));
        }
        printDirectives(b, d.get("Directives"));
        List<Object> types = list(d.get("Types"));
        if (!types.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (Object t : types) names.add(str(t, ""));
            b.append(" = ").append(String.join(" | ", names));
        }
        List<Object> fields = list(d.get("Fields")), values = list(d.get("EnumValues"));
        if (!fields.isEmpty()) {
            b.append(" {\n");
            for (Object o : fields) {
                Map<?, ?> f = map(o);
                printDescription(b, f.get("Description"));
                b.append(str(f.get("Name"), ""));
                printArgumentDefinitions(b, f.get("Arguments"));
                b.append(": ").append(printType(f.get("Type")));
                if (f.get("DefaultValue") != null) b.append(" = ").append(printValue(f.get("DefaultValue")));
                printDirectives(b, f.get("Directives"));
                b.append('\n');
            }
            b.append('}');
        } else if (!values.isEmpty()) {
            b.append(" {\n");
            for (Object o : values) {
                Map<?, ?> v = map(o);
                printDescription(b, v.get("Description"));
                b.append(str(v.get("Name"), ""));
                printDirectives(b, v.get("Directives"));
                b.append('\n');
            }
            b.append('}');
        }
        b.append('\n');
    }

    private static void printArgumentDefinitions(StringBuilder b, Object args) {
        List<Object> l = list(args);
        if (l.isEmpty()) return;
        b.append('(');
        for (Object o : l) {
            Map<?, ?> a = map(o);
            printDescription(b, a.get("Description"));
            b.append(str(a.get("Name"), "")).append(": ").append(printType(a.get("Type")));
            if (a.get("DefaultValue") != null) b.append(" = ").append(printValue(a.get("DefaultValue")));
            printDirectives(b, a.get("Directives"));
            b.append(' ');
        }
        b.append(')');
    }

    private static void printDescription(StringBuilder b, Object description) {
        String d = str(description, "");
        if (!d.isEmpty()) b.append(quote(d)).append(' ');
    }

    private static String quote(String s) { return Values.toJsonText(s); }

    /**
     * A block string whose value is raw, so the value comes back as a block (Kind 4) when parsed again. Block strings
     * are dedented when read: when no literal reads back as raw, the value is kept and the kind given up (a string).
     */
    private static String blockString(String raw) {
        String literal = "\"\"\"\n" + raw.replace("\"\"\"", "\\\"\"\"") + "\n\"\"\"";
        try {
            if (graphql.parser.Parser.parseValue(literal) instanceof StringValue v && raw.equals(v.getValue())) return literal;
        } catch (RuntimeException e) {
            // not a literal graphql-java reads: fall through to a plain string
        }
        return quote(raw);
    }

    private static List<Object> list(Object v) {
        if (v == null) return List.of();
        if (v instanceof List<?> l) return new ArrayList<>(l);
        throw new IllegalArgumentException("expected an array but got " + Values.typeName(v));
    }

    private static Map<?, ?> map(Object v) {
        if (v instanceof Map<?, ?> m) return m;
        throw new IllegalArgumentException("expected an object but got " + Values.typeName(v));
    }

    private static String str(Object v, String dflt) {
        if (v == null) return dflt;
        if (v instanceof String s) return s;
        throw new IllegalArgumentException("expected a string but got " + Values.typeName(v));
    }
}
