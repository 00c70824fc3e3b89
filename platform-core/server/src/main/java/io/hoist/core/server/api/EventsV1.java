package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The events.k8s.io/v1 shape of a stored core/v1 Event, as the API server converts between the two: one stored
 * object, two views ({@code kubectl events} reads this one, {@code kubectl get events} the core one).
 */
final class EventsV1 {
    static final String GROUP_VERSION = "events.k8s.io/v1";
    static final String BASE = "/apis/" + GROUP_VERSION;

    private EventsV1() {}

    static ObjectNode fromCore(ObjectNode core) {
        ObjectNode out = core.objectNode();
        out.put("apiVersion", GROUP_VERSION);
        out.put("kind", "Event");
        copy(core, "metadata", out, "metadata");
        copy(core, "eventTime", out, "eventTime");
        copy(core, "series", out, "series");
        JsonNode controller = core.get("reportingComponent");
        if (controller == null || controller.asText().isEmpty()) {
            controller = core.path("source").get("component");
        }
        if (controller != null) {
            out.set("reportingController", controller.deepCopy());
        }
        copy(core, "reportingInstance", out, "reportingInstance");
        copy(core, "action", out, "action");
        copy(core, "reason", out, "reason");
        copy(core, "involvedObject", out, "regarding");
        copy(core, "related", out, "related");
        copy(core, "message", out, "note");
        copy(core, "type", out, "type");
        copy(core, "source", out, "deprecatedSource");
        copy(core, "firstTimestamp", out, "deprecatedFirstTimestamp");
        copy(core, "lastTimestamp", out, "deprecatedLastTimestamp");
        copy(core, "count", out, "deprecatedCount");
        return out;
    }

    private static void copy(ObjectNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(as, v.deepCopy());
        }
    }
}
