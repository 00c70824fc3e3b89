package io.hoist.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hoist.core.model.resource.Plan;
import org.junit.jupiter.api.Test;

/** Issue 24 item 8: one default for deleteVmOnFailMigration, and type errors that never echo the value. */
class HostileModelInputTest {
    public static class Typed {
        public int port;
        public boolean on;
    }

    @Test
    void aTypeErrorNamesTheFieldAndTypeButNotTheValue() {
        Throwable t = catchThrowable(() -> Resources.toTyped(Manifests.parseOne("port: hunter2-secret\n", "x"), Typed.class));
        assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port").hasMessageContaining("number")
                .hasMessageNotContaining("hunter2");
        Throwable b = catchThrowable(() -> Resources.toTyped(Manifests.parseOne("on: {password: hunter2}\n", "x"), Typed.class));
        assertThat(b).hasMessageContaining("on").hasMessageNotContaining("hunter2");
    }

    @Test
    void manifestsRefuseAliasesAndOversizedDocumentsBeforeParsing() {
        Throwable alias = catchThrowable(() -> Manifests.parse("kind: Secret\nstringData:\n  a: &pw hunter2\n  b: *pw\n", "s.yaml"));
        assertThat(alias).isInstanceOf(ManifestException.class).hasMessageContaining("s.yaml:4")
                .hasMessageContaining("alias *pw").hasMessageNotContaining("hunter2");
        // hoist apply of a 50 MB scalar took minutes in SnakeYAML's quadratic scanner: refused up front now
        String huge = "kind: ConfigMap\nmetadata: {name: a}\n---\nkind: ConfigMap\ndata:\n  k: " + "x".repeat(50_000_000) + "\n";
        long start = System.nanoTime();
        Throwable big = catchThrowable(() -> Manifests.parse(huge, "big.yaml"));
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(10_000);
        assertThat(big).isInstanceOf(ManifestException.class).hasMessageContaining("big.yaml:3")
                .hasMessageContaining("document 2").hasMessageContaining("2097152 bytes");
    }

    @Test
    void deleteVmOnFailMigrationIsFalseUnlessSetAndAPlanLevelTrueWins() {
        Plan p = Resources.plan(Manifests.parseOne("""
                spec:
                  vms:
                  - id: a
                  - id: b
                    deleteVmOnFailMigration: true
                  - id: c
                    deleteVmOnFailMigration: false
                """, "p"));
        assertThat(p.spec.deleteVmOnFailMigrationOrDefault()).isFalse();
        assertThat(Plan.deleteVmOnFailMigration(p.spec, p.spec.vms.get(0))).isFalse();
        assertThat(Plan.deleteVmOnFailMigration(p.spec, p.spec.vms.get(1))).isTrue();
        p.spec.deleteVmOnFailMigration = true;
        assertThat(Plan.deleteVmOnFailMigration(p.spec, p.spec.vms.get(2))).as("plan-level true wins").isTrue();
        assertThat(p.spec.deleteVmOnFailMigrationOrDefault()).isTrue();
    }
}
