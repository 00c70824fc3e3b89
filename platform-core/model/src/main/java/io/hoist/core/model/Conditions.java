package io.hoist.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.meta.Condition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Condition lists keyed by {@code type}. Setting a condition replaces the one of the same type; its
 * {@code lastTransitionTime} is kept when the status did not change (the Kubernetes meaning of a
 * transition), and set to {@code now} when it did or the condition is new.
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String EXECUTING = "Executing";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String CANCELED = "Canceled";
    public static final String ARCHIVED = "Archived";

    private Conditions() {
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return Optional.empty();
        }
        return conditions.stream().filter(c -> type.equals(c.type)).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(Condition::isTrue).orElse(false);
    }

    /**
     * Sets {@code condition} in {@code conditions} (which may be null) and returns the list to store.
     * Returns a new list; the input is not modified.
     */
    public static List<Condition> set(List<Condition> conditions, Condition condition, Instant now) {
        Objects.requireNonNull(condition.type, "condition.type");
        List<Condition> out = new ArrayList<>();
        boolean replaced = false;
        for (Condition c : conditions == null ? List.<Condition>of() : conditions) {
            if (condition.type.equals(c.type)) {
                out.add(withTransitionTime(condition, c.status, c.lastTransitionTime, now));
                replaced = true;
            } else {
                out.add(c);
            }
        }
        if (!replaced) {
            out.add(withTransitionTime(condition, null, null, now));
        }
        return out;
    }

    /** Returns the list without conditions of {@code type}. */
    public static List<Condition> remove(List<Condition> conditions, String type) {
        List<Condition> out = new ArrayList<>();
        if (conditions != null) {
            conditions.stream().filter(c -> !type.equals(c.type)).forEach(out::add);
        }
        return out;
    }

    private static Condition withTransitionTime(Condition c, String oldStatus, String oldTime, Instant now) {
        if (oldTime != null && Objects.equals(oldStatus, c.status)) {
            c.lastTransitionTime = oldTime;
        } else {
            c.lastTransitionTime = Timestamps.format(now);
        }
        return c;
    }

    // ---- the same on stored objects (ObjectNode), for code that does not convert to typed views ----

    /** True when {@code status.conditions} of the stored object has {@code type} with status True. */
    public static boolean isTrue(JsonNode resource, String type) {
        return findNode(resource, type).map(c -> Condition.TRUE.equals(c.path("status").asText())).orElse(false);
    }

    public static Optional<ObjectNode> findNode(JsonNode resource, String type) {
        if (resource == null) {
            return Optional.empty();
        }
        JsonNode list = resource.path("status").path("conditions");
        for (JsonNode c : list) {
            if (c instanceof ObjectNode o && type.equals(c.path("type").asText())) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** Sets a condition in {@code status.conditions} of a stored object, creating status as needed. */
    public static void setInStatus(ObjectNode resource, Condition condition, Instant now) {
        ObjectNode status = resource.get("status") instanceof ObjectNode s ? s : resource.putObject("status");
        List<Condition> current = new ArrayList<>();
        if (status.get("conditions") instanceof ArrayNode arr) {
            for (JsonNode n : arr) {
                current.add(Resources.toTyped(n, Condition.class));
            }
        }
        ArrayNode out = status.putArray("conditions");
        for (Condition c : set(current, condition, now)) {
            out.add(Resources.toNode(c));
        }
    }
}
