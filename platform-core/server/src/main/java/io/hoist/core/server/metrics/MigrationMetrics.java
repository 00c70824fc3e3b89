package io.hoist.core.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * MTV's migration metrics, with MTV's names, types and labels, derived from the stored Plans, Migrations and
 * Providers the way forklift's collector derives them from its CRs. A counter is bumped once per migration (by UID)
 * and status: a restart recounts what is stored, so nothing is counted twice and nothing finished is lost.
 */
final class MigrationMetrics {
    /** Statuses a Migration is counted under, most final first (the first true condition wins). */
    private static final List<String> MIGRATION_STATUSES = List.of("Succeeded", "Failed", "Canceled", "Executing");
    private static final Set<String> FINAL = Set.of("Succeeded", "Failed", "Canceled");
    /** forklift's buckets for mtv_migrations_duration_seconds: 1, 2, 5, 10, 24 and 48 hours. */
    private static final double[] DURATION_BUCKETS = {3600, 7200, 18000, 36000, 86400, 172800};

    private final MeterRegistry registry;
    private final ResourceStore store;
    private final ToLongFunction<String> liveBytesByMigrationUid;
    private final Set<String> counted = new HashSet<>();
    private final MultiGauge plansStatus;
    private final MultiGauge planDuration;
    private final MultiGauge dataTransferred;
    private final MultiGauge planAlerts;

    MigrationMetrics(MeterRegistry registry, ResourceStore store, ToLongFunction<String> liveBytesByMigrationUid) {
        this.registry = registry;
        this.store = store;
        this.liveBytesByMigrationUid = liveBytesByMigrationUid;
        plansStatus = MultiGauge.builder("mtv_plans_status").description("Plans by status").register(registry);
        planDuration = MultiGauge.builder("mtv_migration_duration_seconds")
                .description("Duration of a plan's last completed migration, in seconds").register(registry);
        dataTransferred = MultiGauge.builder("mtv_migration_data_transferred_bytes")
                .description("Disk data transferred by a plan's last migration, in bytes").register(registry);
        planAlerts = MultiGauge.builder("mtv_plan_alert_status")
                .description("1 for a plan whose migration failed, with the phase it failed in").register(registry);
    }

    /** Re-reads the store and brings every MTV metric up to date. */
    synchronized void refresh() {
        Map<String, JsonNode> providers = byKey(store.list(ResourceKind.PROVIDER, null));
        Map<String, JsonNode> plans = byKey(store.list(ResourceKind.PLAN, null));
        for (JsonNode m : store.list(ResourceKind.MIGRATION, null)) {
            countMigration(m, plans, providers);
        }
        Map<Tags, Integer> byStatus = new HashMap<>();
        List<MultiGauge.Row<?>> durations = new ArrayList<>();
        List<MultiGauge.Row<?>> bytes = new ArrayList<>();
        List<MultiGauge.Row<?>> alerts = new ArrayList<>();
        for (JsonNode plan : plans.values()) {
            MigrationLabels labels = MigrationLabels.of(plan, providers);
            String uid = plan.path("metadata").path("uid").asText();
            String status = planStatus(plan.path("status").path("conditions"));
            byStatus.merge(Tags.of(labels.tags()).and("status", status), 1, Integer::sum);
            JsonNode snapshot = plan.path("status").path("migration");
            Tags perPlan = Tags.of(labels.tags()).and("plan", uid);
            if ("Succeeded".equals(status)) {
                seconds(snapshot.path("started").asText(null), snapshot.path("completed").asText(null))
                        .ifPresent(s -> durations.add(MultiGauge.Row.of(perPlan, s)));
            }
            JsonNode history = snapshot.path("history");
            String lastMigration = history.isArray() && !history.isEmpty()
                    ? history.get(history.size() - 1).path("migration").path("uid").asText("") : "";
            long transferred = Math.max(transferredBytes(snapshot.path("vms")),
                    lastMigration.isEmpty() ? 0 : liveBytesByMigrationUid.applyAsLong(lastMigration));
            if (snapshot.has("vms")) {
                bytes.add(MultiGauge.Row.of(perPlan, transferred));
            }
            if ("Failed".equals(status)) {
                alerts.add(MultiGauge.Row.of(perPlan.and("plan_name", plan.path("metadata").path("name").asText())
                        .and("phase", failedPhase(snapshot.path("vms"))), 1));
            }
        }
        plansStatus.register(byStatus.entrySet().stream().map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList(), true);
        planDuration.register(durations, true);
        dataTransferred.register(bytes, true);
        planAlerts.register(alerts, true);
    }

    private void countMigration(JsonNode m, Map<String, JsonNode> plans, Map<String, JsonNode> providers) {
        String uid = m.path("metadata").path("uid").asText();
        String status = firstTrue(m.path("status").path("conditions"), MIGRATION_STATUSES);
        if (uid.isEmpty() || status == null || !counted.add(uid + "/" + status)) {
            return;
        }
        JsonNode plan = plans.get(MigrationLabels.ref(m.path("spec").path("plan"), m.path("metadata").path("namespace").asText()));
        MigrationLabels labels = plan == null ? new MigrationLabels(MigrationLabels.UNKNOWN, MigrationLabels.UNKNOWN,
                MigrationLabels.UNKNOWN) : MigrationLabels.of(plan, providers);
        String planUid = plan == null ? "" : plan.path("metadata").path("uid").asText();
        Counter.builder("mtv_migrations_status").description("Migrations by status").tags(labels.tags()).tag("status", status)
                .register(registry).increment();
        Counter.builder("mtv_workload_migrations_status").description("Migrations by status and plan")
                .tags(labels.tags()).tag("status", status).tag("plan", planUid).register(registry).increment();
        if (!FINAL.contains(status)) {
            return;
        }
        JsonNode vms = m.path("status").path("vms");
        int planned = vms.isArray() && !vms.isEmpty() ? vms.size() : plan == null ? 0 : plan.path("spec").path("vms").size();
        long migrated = 0;
        for (JsonNode vm : vms) {
            if ("Succeeded".equals(firstTrue(vm.path("conditions"), List.of("Succeeded")))) {
                migrated++;
            }
        }
        Counter.builder("mtv_planned_vms").description("VMs in finished migrations").tags(labels.tags())
                .register(registry).increment(planned);
        Counter.builder("mtv_migrated_vms").description("VMs migrated successfully").tags(labels.tags())
                .register(registry).increment(migrated);
        seconds(m.path("status").path("started").asText(null), m.path("status").path("completed").asText(null))
                .ifPresent(s -> DistributionSummary.builder("mtv_migrations_duration_seconds")
                        .description("Durations of finished migrations, in seconds").tags(labels.tags())
                        .tag("status", status).serviceLevelObjectives(DURATION_BUCKETS).register(registry).record(s));
    }

    /** MTV's plan status: the first true of Succeeded, Failed, Canceled, Executing; else Ready, Blocked or Pending. */
    static String planStatus(JsonNode conditions) {
        String s = firstTrue(conditions, List.of("Archived", "Succeeded", "Failed", "Canceled", "Executing", "Ready"));
        if (s != null) {
            return s;
        }
        for (JsonNode c : conditions) {
            if ("Critical".equals(c.path("category").asText()) || "Error".equals(c.path("category").asText())) {
                return "Blocked";
            }
        }
        return "Pending";
    }

    private static String firstTrue(JsonNode conditions, List<String> types) {
        for (String type : types) {
            for (JsonNode c : conditions) {
                if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                    return type;
                }
            }
        }
        return null;
    }

    /** Bytes the DiskTransfer steps report done (MTV's progress is in MiB). */
    static long transferredBytes(JsonNode vms) {
        long mib = 0;
        for (JsonNode vm : vms) {
            for (JsonNode step : vm.path("pipeline")) {
                if ("DiskTransfer".equals(step.path("name").asText())) {
                    mib += step.path("progress").path("completed").asLong(0);
                }
            }
        }
        return mib << 20;
    }

    private static String failedPhase(JsonNode vms) {
        for (JsonNode vm : vms) {
            String phase = vm.path("error").path("phase").asText("");
            if (!phase.isEmpty()) {
                return phase;
            }
        }
        return MigrationLabels.UNKNOWN;
    }

    private static java.util.Optional<Double> seconds(String started, String completed) {
        if (started == null || completed == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Duration.between(Instant.parse(started), Instant.parse(completed)).toMillis() / 1000.0);
        } catch (DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    private static Map<String, JsonNode> byKey(List<? extends JsonNode> objects) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode o : objects) {
            out.put(o.path("metadata").path("namespace").asText() + "/" + o.path("metadata").path("name").asText(), o);
        }
        return out;
    }

    static Tag tag(String k, String v) {
        return Tag.of(k, v);
    }
}
