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
    /**
     * Made on the first unknown field: nearly every object has none, and an empty map per object (with the entry set
     * the any-getter's serialization caches in it) was a fifth of the objects a 5,000-VM plan's typed status kept.
     */
    @JsonIgnore
    private Map<String, JsonNode> unknownFields;

    @JsonAnySetter
    public void putUnknownField(String name, JsonNode value) {
        if (unknownFields == null) {
            unknownFields = new LinkedHashMap<>();
        }
        unknownFields.put(name, value);
    }

    /** Fields present in the source document that this model has no Java field for (read-only when there are none). */
    @JsonAnyGetter
    public Map<String, JsonNode> unknownFields() {
        return unknownFields == null ? Map.of() : unknownFields;
    }
}
