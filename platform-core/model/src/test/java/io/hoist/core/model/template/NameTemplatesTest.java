package io.hoist.core.model.template;

import io.hoist.core.model.Manifests;
import io.hoist.core.model.Resources;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.Plan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NameTemplatesTest {
    @Test
    void vmOverrideWinsOverPlanTemplate() {
        Plan plan = Resources.plan(Manifests.parseOne("""
                spec:
                  pvcNameTemplate: "{{.VmName}}-disk-{{.DiskIndex}}"
                  vms:
                  - id: a
                  - id: b
                    pvcNameTemplate: "{{.TargetVmName}}-{{.DiskIndex}}"
                """, "p"));
        assertThat(NameTemplates.effective(plan.spec, plan.spec.vms.get(0), NameTemplates.Kind.PVC))
                .contains("{{.VmName}}-disk-{{.DiskIndex}}");
        assertThat(NameTemplates.effective(plan.spec, plan.spec.vms.get(1), NameTemplates.Kind.PVC))
                .contains("{{.TargetVmName}}-{{.DiskIndex}}");
        assertThat(NameTemplates.effective(plan.spec, plan.spec.vms.get(1), NameTemplates.Kind.VOLUME)).isEmpty();
    }

    @Test
    void renderedNameOver63CharactersIsAProblemForThatVm() {
        GoTemplate t = GoTemplate.parse("pvcNameTemplate", "{{.VmName}}-disk-{{.DiskIndex}}");
        NameTemplates.Result ok = NameTemplates.renderName(t, Map.of("VmName", "web", "DiskIndex", 0));
        assertThat(ok.ok()).isTrue();
        assertThat(ok.name()).isEqualTo("web-disk-0");
        NameTemplates.Result longName = NameTemplates.renderName(t, Map.of("VmName", "w".repeat(60), "DiskIndex", 0));
        assertThat(longName.ok()).isFalse();
        assertThat(longName.problem().orElseThrow()).contains("no more than 63");
        NameTemplates.Result upper = NameTemplates.renderName(t, Map.of("VmName", "Web", "DiskIndex", 0));
        assertThat(upper.problem().orElseThrow()).contains("DNS-1123");
        NameTemplates.Result broken = NameTemplates.renderName(t, Map.of("DiskIndex", 0));
        assertThat(broken.problem().orElseThrow()).contains("can't evaluate field VmName");
    }

    @Test
    void conditionListsTheVms() {
        Condition c = NameTemplates.condition(NameTemplates.Kind.PVC, List.of("vm-1: too long"));
        assertThat(c.type).isEqualTo("PVCNameNotValid");
        assertThat(c.category).isEqualTo(Condition.CATEGORY_CRITICAL);
        assertThat(c.items).containsExactly("vm-1: too long");
    }

    @Test
    void checkAcceptsEverySeedTemplateAndRefusesTypos() {
        for (String t : List.of("{{.VmName}}-disk-{{.DiskIndex}}",
                "{{if eq .DiskIndex .RootDiskIndex}}root{{else}}data{{end}}-{{.DiskIndex}}",
                "{{if .Shared}}shared-{{end}}{{.VmName}}-{{.DiskIndex}}",
                "{{.FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" | replace \".\" \"-\" | lower}}-disk-{{.DiskIndex}}",
                "{{trunc 10 .PlanName}}-{{trunc 20 .TargetVmName}}-{{.DiskIndex}}",
                "{{.TargetVmName}}-{{.SourcePVCNamespace}}-{{.SourcePVCName}}")) {
            assertThat(NameTemplates.check(NameTemplates.Kind.PVC, t)).as(t).isEmpty();
        }
        assertThat(NameTemplates.check(NameTemplates.Kind.NETWORK,
                "{{if eq .NetworkType \"pod\"}}pod{{else}}multus-{{.NetworkIndex}}{{end}}")).isEmpty();
        assertThat(NameTemplates.check(NameTemplates.Kind.VOLUME, "pvc-{{.PVCName}}")).isEmpty();
        assertThat(NameTemplates.check(NameTemplates.Kind.PVC, "{{.VMName}}")).get().asString()
                .contains("unknown variable .VMName");
        assertThat(NameTemplates.check(NameTemplates.Kind.PVC, "{{if .Shared}}")).get().asString()
                .contains("does not parse");
    }
}
