package io.hoist.api.source;

/** A VM as the plan names it: by id, by name, or both. Only the plugin interprets the id. */
public record VmRef(String id, String name) {
    public String display() {
        return name != null && !name.isEmpty() ? name : id;
    }
}
