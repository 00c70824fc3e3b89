package io.hoist.cli.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.CliException;
import io.hoist.cli.client.ApiClient;
import io.hoist.cli.client.ApiException;
import io.hoist.core.model.ResourceKind;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What the plan actions share: finding a plan's migrations and updating objects safely. */
final class Plans {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";
    private static final int CONFLICT_RETRIES = 5;

    private Plans() {}

    /** The plan's migrations, newest first. */
    static List<ObjectNode> migrations(ApiClient api, String namespace, String plan) {
        return api.list(ResourceKind.MIGRATION, namespace).stream()
                .filter(m -> plan.equals(m.path("spec").path("plan").path("name").asText()))
                .filter(m -> {
                    String ns = m.path("spec").path("plan").path("namespace").asText("");
                    return ns.isEmpty() || ns.equals(namespace);
                })
                .sorted(Comparator.comparing((ObjectNode m) -> m.path("metadata").path("creationTimestamp").asText(""))
                        .reversed())
                .toList();
    }

    /** A migration is finished once it completed or has a Succeeded, Failed or Canceled condition. */
    static boolean finished(JsonNode migration) {
        if (!migration.path("status").path("completed").asText("").isEmpty()) {
            return true;
        }
        for (JsonNode c : migration.path("status").path("conditions")) {
            String type = c.path("type").asText();
            if ("True".equals(c.path("status").asText())
                    && (type.equals("Succeeded") || type.equals("Failed") || type.equals("Canceled"))) {
                return true;
            }
        }
        return false;
    }

    static Optional<ObjectNode> running(ApiClient api, String namespace, String plan) {
        return migrations(api, namespace, plan).stream().filter(m -> !finished(m)).findFirst();
    }

    static ObjectNode requireRunning(ApiClient api, String namespace, String plan) {
        api.get(ResourceKind.PLAN, namespace, plan);
        return running(api, namespace, plan).orElseThrow(() -> new CliException("plan '" + plan
                + "' has no running migration in namespace '" + namespace + "' (start it with 'hoist start " + plan + "')"));
    }

    /** Creates a Migration for the plan, named {@code PLAN-xxxxx}. */
    /** An archived plan can only be viewed, duplicated or deleted (MTV); a Migration of it would never run. */
    static void requireNotArchived(JsonNode plan) {
        if (plan.path("spec").path("archived").asBoolean(false)) {
            throw new CliException("plan '" + plan.path("metadata").path("name").asText() + "' is archived: it cannot"
                    + " run again (use 'hoist duplicate' to make a new plan of the same VMs)");
        }
    }

    /** True when the plan's last migration ran every VM and each succeeded. */
    static boolean nothingToRerun(JsonNode plan) {
        JsonNode vms = plan.path("status").path("migration").path("vms");
        if (!vms.isArray() || vms.isEmpty()) {
            return false;
        }
        for (JsonNode vm : vms) {
            boolean succeeded = false;
            for (JsonNode c : vm.path("conditions")) {
                if ("Succeeded".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                    succeeded = true;
                }
            }
            if (!succeeded) {
                return false;
            }
        }
        return true;
    }

    static ObjectNode createMigration(ApiClient api, String namespace, String plan) {
        ObjectNode m = JSON.createObjectNode();
        m.put("apiVersion", ResourceKind.MIGRATION.apiVersion());
        m.put("kind", ResourceKind.MIGRATION.kind());
        ObjectNode meta = m.putObject("metadata");
        String prefix = plan.length() > 56 ? plan.substring(0, 56) : plan;
        meta.put("name", prefix + "-" + suffix());
        meta.put("namespace", namespace);
        ObjectNode ref = m.putObject("spec").putObject("plan");
        ref.put("name", plan);
        ref.put("namespace", namespace);
        return api.create(ResourceKind.MIGRATION, namespace, m);
    }

    /**
     * Reads, changes and replaces an object, starting over when someone else wrote it in between
     * (409 Conflict on the resourceVersion).
     */
    static ObjectNode update(ApiClient api, ResourceKind kind, String namespace, String name, Consumer<ObjectNode> change) {
        for (int attempt = 1; ; attempt++) {
            ObjectNode obj = api.get(kind, namespace, name);
            change.accept(obj);
            try {
                return api.replace(kind, namespace, name, obj);
            } catch (ApiException e) {
                if (e.status() != 409 || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    private static String suffix() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length())));
        }
        return sb.toString();
    }
}
