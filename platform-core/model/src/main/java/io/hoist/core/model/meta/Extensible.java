package io.hoist.core.model.meta;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of every typed model object. Fields bind directly (like the Go structs of forklift) and any
 * field this model does not know is kept in {@link #unknownFields()} and written back, so a manifest
 * written by a newer MTV round-trips unchanged. Absent fields stay absent (nulls are not written).
 */
@JsonAutoDetect(fieldVisibility = Visibility.PUBLIC_ONLY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE,
        creatorVisibility = Visibility.NONE)
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class Extensible {
    @JsonIgnore
    private final Map<String, JsonNode> unknownFields = new LinkedHashMap<>();

    @JsonAnySetter
    public void putUnknownField(String name, JsonNode value) {
        unknownFields.put(name, value);
    }

    /** Fields present in the source document that this model has no Java field for. */
    @JsonAnyGetter
    public Map<String, JsonNode> unknownFields() {
        return unknownFields;
    }
}
