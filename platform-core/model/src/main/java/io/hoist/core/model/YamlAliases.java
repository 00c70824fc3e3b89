package io.hoist.core.model;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;

/**
 * YAML aliases ({@code *name}) are refused with an error naming the line. Jackson's YAML tree reader does not
 * resolve them: {@code password2: *pw} would silently become the string {@code "pw"}, and an undefined alias
 * would be accepted. Anchors alone ({@code &name}) are harmless and accepted.
 */
public final class YamlAliases {
    private YamlAliases() {
    }

    /** {@code parser} (a YAML parser; anything else is returned as is) failing at the first alias. */
    public static JsonParser refusing(JsonParser parser) {
        if (!(parser instanceof YAMLParser yaml)) {
            return parser;
        }
        return new JsonParserDelegate(parser) {
            @Override
            public JsonToken nextToken() throws IOException {
                JsonToken t = super.nextToken();
                if (yaml.isCurrentAlias()) {
                    throw new JsonParseException(this, "YAML alias *" + Echo.abbreviate(yaml.getText())
                            + " is not supported: write the value out in full (aliases would not be expanded)");
                }
                return t;
            }
        };
    }
}
