package io.hoist.core.model.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.Names;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.model.meta.KubeObject;
import io.hoist.core.model.schema.CrdSchemas;

import java.util.List;
import java.util.Objects;

/**
 * MTV's admission rules for writes of metadata and spec. A {@code status} in the incoming object is ignored
 * (the returned object carries the existing status, or none on create). Order: explicit nulls are pruned (as the API server does), the object is
 * checked against MTV's CRD schema (type errors, required fields, enums), then the semantic rules of
 * its kind run on the typed view. Every problem becomes one {@link Cause} with a field path; a cause
 * already reported by the schema for a field is not repeated. References to objects that do not exist
 * are accepted: they become status conditions when the engine reconciles.
 */
public final class MtvAdmission implements Admission {
    private final ProviderSpecChecks providerChecks;

    /** MTV's rules without type-specific Provider checks (no plugins: the API server alone). */
    public MtvAdmission() {
        this(ProviderSpecChecks.NONE);
    }

    /** MTV's rules, with the Provider checks of the plugins serving each type. */
    public MtvAdmission(ProviderSpecChecks providerChecks) {
        this.providerChecks = Objects.requireNonNull(providerChecks, "providerChecks");
    }

    /** The same rules with these Provider checks. */
    public MtvAdmission withProviderChecks(ProviderSpecChecks checks) {
        return new MtvAdmission(checks);
    }

    @Override
    public ObjectNode admit(ResourceKind kind, ObjectNode incoming, ObjectNode existing) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(incoming, "incoming");
        ObjectNode object = Manifests.dropNulls(incoming.deepCopy());
        // status belongs to the controllers (a status subresource, as in Kubernetes): a user's write never
        // sets it, so an exported manifest with a stale status applies cleanly
        object.remove("status");
        Problems problems = new Problems();

        checkTypeMeta(kind, object, problems);
        checkMetadata(kind, object, existing, problems);
        List<Cause> schemaCauses = CrdSchemas.validate(kind, object);
        problems.addAll(schemaCauses);

        Problems semantic = new Problems();
        KubeObject typed = null;
        try {
            typed = Resources.toTyped(object, Resources.typeOf(kind));
        } catch (IllegalArgumentException e) {
            if (schemaCauses.isEmpty()) {
                // only reachable for kinds without a schema (Secret, ConfigMap, ForkliftController)
                String message = e.getMessage();
                int colon = message.indexOf(": ");
                problems.invalid(colon > 0 ? message.substring(0, colon) : "", colon > 0 ? message.substring(colon + 2) : message);
            }
        }
        if (typed != null) {
            switch (kind) {
                case PLAN -> PlanRules.check(object, existing, semantic);
                case MIGRATION -> MigrationRules.check(Resources.migration(object), semantic);
                case NETWORK_MAP -> MappingRules.checkNetworkMap(Resources.networkMap(object), semantic);
                case STORAGE_MAP -> MappingRules.checkStorageMap(Resources.storageMap(object), semantic);
                case PROVIDER -> ProviderRules.checkProvider(Resources.provider(object), providerChecks, semantic);
                case HOST -> ProviderRules.checkHost(Resources.host(object), semantic);
                case HOOK -> HookRules.check(Resources.hook(object), semantic);
                case SECRET -> CoreRules.checkSecret(object, existing, semantic);
                case CONFIG_MAP -> CoreRules.checkConfigMap(object, existing, semantic);
                case FORKLIFT_CONTROLLER -> CoreRules.checkForkliftController(object, semantic);
                case EVENT -> { } // written by the platform only, never through admission
            }
        }
        for (Cause c : semantic.list()) {
            boolean reported = schemaCauses.stream().anyMatch(s -> s.field().equals(c.field()));
            if (!reported) {
                problems.add(c);
            }
        }
        if (!problems.isEmpty()) {
            throw new AdmissionException(kind.kind(), nameOf(object, existing), problems.list());
        }
        if (kind == ResourceKind.SECRET) {
            CoreRules.foldStringData(object);
        }
        if (existing != null && existing.get("status") != null) {
            object.set("status", existing.get("status").deepCopy());
        }
        if (kind == ResourceKind.HOOK) {
            // a Hook's conditions follow from its spec alone (MTV's hook controller): the API stores them with it
            object.set("status", HookRules.status(Resources.hook(object), object.get("status")));
        }
        return object;
    }

    /**
     * A status written by a client (the engine's own writes check the same schema): it must match MTV's CRD
     * schema, or a controller would find a status it cannot read (conditions that are not a list) and stop
     * reconciling the object.
     */
    @Override
    public ObjectNode admitStatus(ResourceKind kind, ObjectNode object) {
        Objects.requireNonNull(kind, "kind");
        ObjectNode copy = object.deepCopy();
        JsonNode status = copy.get("status");
        if (status != null && !status.isNull()) {
            copy.set("status", Manifests.dropNulls(status.deepCopy()));
        }
        List<Cause> causes = CrdSchemas.validate(kind, copy).stream()
                .filter(c -> c.field().equals("status") || c.field().startsWith("status."))
                .toList();
        if (!causes.isEmpty()) {
            throw new AdmissionException(kind.kind(), nameOf(copy, null), causes);
        }
        return copy;
    }

    @Override
    public void admitDelete(ResourceKind kind, ObjectNode existing) {
        if (existing == null) {
            return;
        }
        if (kind == ResourceKind.PLAN && PlanRules.isRunning(existing)) {
            throw new AdmissionException(kind.kind(), nameOf(existing, null), List.of(Cause.forbidden("metadata.name",
                    "a running plan cannot be deleted; cancel its migration first (Executing=True)")));
        }
    }

    private static void checkTypeMeta(ResourceKind kind, ObjectNode object, Problems problems) {
        JsonNode apiVersion = object.get("apiVersion");
        if (apiVersion == null) {
            object.put("apiVersion", kind.apiVersion());
        } else if (!kind.apiVersion().equals(apiVersion.asText())) {
            problems.invalid("apiVersion", "Invalid value: \"" + apiVersion.asText() + "\": must be " + kind.apiVersion());
        }
        JsonNode k = object.get("kind");
        if (k == null) {
            object.put("kind", kind.kind());
        } else if (!kind.kind().equals(k.asText())) {
            problems.invalid("kind", "Invalid value: \"" + k.asText() + "\": must be " + kind.kind());
        }
    }

    private static void checkMetadata(ResourceKind kind, ObjectNode object, ObjectNode existing, Problems problems) {
        JsonNode metadata = object.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            problems.required("metadata.name", "Required value: name is required");
            return;
        }
        String name = Resources.text(object, "metadata.name");
        String generateName = Resources.text(object, "metadata.generateName");
        // Secrets and ConfigMaps are core objects named as DNS subdomains; MTV's own objects end up in labels
        // and generated names, so they must be DNS labels.
        boolean subdomain = kind == ResourceKind.SECRET || kind == ResourceKind.CONFIG_MAP;
        if (Problems.blank(name)) {
            if (Problems.blank(generateName)) {
                problems.required("metadata.name", "Required value: name or generateName is required");
            }
        } else {
            (subdomain ? Names.checkSubdomain(name) : Names.checkLabel(name))
                    .ifPresent(p -> problems.invalid("metadata.name", "Invalid value: \"" + name + "\": " + p));
        }
        String namespace = Resources.text(object, "metadata.namespace");
        if (namespace != null) {
            Names.checkLabel(namespace).ifPresent(p ->
                    problems.invalid("metadata.namespace", "Invalid value: \"" + namespace + "\": " + p));
        }
        for (String map : List.of("labels", "annotations")) {
            JsonNode m = metadata.get(map);
            if (m != null && !m.isObject()) {
                problems.invalid("metadata." + map, "must be a map of strings");
            } else if (m != null) {
                m.fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        problems.invalid("metadata." + map + "." + e.getKey(),
                                "Invalid value: must be a string (quote numbers and booleans)");
                    }
                });
            }
        }
        if (existing != null) {
            for (String field : List.of("name", "namespace")) {
                String before = Resources.text(existing, "metadata." + field);
                String after = Resources.text(object, "metadata." + field);
                if (before != null && after != null && !before.equals(after)) {
                    problems.forbidden("metadata." + field, "field is immutable (was \"" + before + "\")");
                }
            }
        }
    }

    private static String nameOf(ObjectNode object, ObjectNode existing) {
        String name = Resources.text(object, "metadata.name");
        if (name == null && existing != null) {
            name = Resources.text(existing, "metadata.name");
        }
        return name == null ? "" : name;
    }
}
