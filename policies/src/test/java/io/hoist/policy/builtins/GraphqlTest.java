package io.hoist.policy.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Error texts of the graphql builtins (the conformance runner checks codes only) and the AST round trip. */
class GraphqlTest {
    private static Object call(String name, Object... args) { return Builtins.get(name).fn().apply(args); }

    @Test
    void emptyBracesAreRefusedWithOpasMessageAndLocation() {
        assertThatThrownBy(() -> call("graphql.parse_schema", "type Hello {}"))
                .isInstanceOf(BuiltinError.class)
                .hasMessage("graphql.parse_schema: expected at least one definition, found } in GraphQL string at location 1:13");
        assertThatThrownBy(() -> call("graphql.parse_schema", "type Query { a: Int }\ninterface Hello {\n}"))
                .hasMessage("graphql.parse_schema: expected at least one definition, found } in GraphQL string at location 3:1");
    }

    @Test
    void syntaxErrorsNameTheTokenAndLocation() {
        assertThatThrownBy(() -> call("graphql.parse_query", "{ vm(id: ) }"))
                .isInstanceOf(BuiltinError.class)
                .hasMessage("graphql.parse_query: Invalid syntax with offending token ')' in GraphQL string at location 1:10");
    }

    @Test
    void validationErrorsNameTheRuleAndLocationInTheQuery() {
        String schema = "extend type Query { myAction(myEnum: Locale!): SomeResult! }\ntype SomeResult { id: String }\nenum Locale { EN LT DE }";
        assertThatThrownBy(() -> call("graphql.parse", "query SomeOperation {\n  myAction {\n    id\n  }\n}", schema))
                .isInstanceOf(BuiltinError.class)
                .hasMessage("graphql.parse: Missing field argument 'myEnum' in GraphQL query string at location 2:3");
    }

    @Test
    void aQueryAgainstASchemaWithoutQueryTypeIsRefusedAsGqlparserDoes() {
        String schema = "type Vm { name: String }";
        assertThat(call("graphql.schema_is_valid", schema)).isEqualTo(true);
        assertThat(call("graphql.is_valid", "{ noQueryType }", schema)).isEqualTo(false);
        assertThatThrownBy(() -> call("graphql.parse", "\n  query Q { name }", schema))
                .hasMessage("graphql.parse: Schema does not support operation type \"query\" in GraphQL query string at location 2:3");
    }

    @Test
    void anAstPrintedBackParsesToTheSameAst() {
        String query = "query Q($f: [In!] = [{a: 1.5e3, b: \"x\\ny\", c: \"\"\"\n  block\n    \\\"\"\" indented\n\"\"\"}], $n: Int) @dir(x: null) { first: vms(f: $f, e: ON, t: true) { ...F ... @skip(if: false) { id } } }\n"
                + "fragment F on Vm { name }";
        Object ast = call("graphql.parse_query", query);
        assertThat(call("graphql.parse_query", GraphqlAst.printQuery((Map<?, ?>) ast))).isEqualTo(ast);
        String schema = "\"d\" schema @a { query: Query mutation: M }\nextend schema @b\ndirective @a(x: Int = 1) repeatable on SCHEMA | FIELD\n"
                + "\"\"\"\nblock\n\"\"\"\ntype Query implements N & O @a { f(\"arg\" a: [Int!]! = [1]): String @deprecated(reason: \"old\") }\n"
                + "interface N { f: String } union U = Query | M\nenum E { A \"b\" B @a }\ninput I { x: Int = 2 }\nscalar S\nextend type Query { g: Int }";
        Object sast = call("graphql.parse_schema", schema);
        assertThat(call("graphql.parse_schema", GraphqlAst.printSchema((Map<?, ?>) sast))).isEqualTo(sast);
        assertThat(((List<?>) ((Map<?, ?>) sast).get("Definitions"))).hasSize(6);
    }

    @Test
    void anAstThatIsNotOneIsABuiltinError() {
        assertThatThrownBy(() -> call("graphql.parse", Map.of("Operations", "x"), "type Query { a: Int }"))
                .isInstanceOf(BuiltinError.class)
                .hasMessage("graphql.parse: operand 1 is not a GraphQL AST: expected an array but got string");
    }

    @Test
    void aHostileQueryIsRefusedButALargeSchemaIsRead() {
        assertThatThrownBy(() -> call("graphql.parse_query", "{ " + "a ".repeat(20_000) + "}"))
                .isInstanceOf(BuiltinError.class).hasMessageContaining("More than 15,000 'grammar' tokens");
        assertThatThrownBy(() -> call("graphql.parse_query", "{ " + "a { ".repeat(600) + "b" + " }".repeat(600) + " }"))
                .isInstanceOf(BuiltinError.class).hasMessageContaining("More than 500 deep");
        Object schema = call("graphql.parse_schema", "type Query { " + manyFields(10_000) + "}");
        assertThat((List<?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) schema).get("Definitions")).getFirst()).get("Fields")).hasSize(10_000);
    }

    private static String manyFields(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append('f').append(i).append(": Int ");
        return b.toString();
    }
}
