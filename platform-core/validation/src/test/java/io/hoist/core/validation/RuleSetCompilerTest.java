package io.hoist.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.validation.rules.DefaultRules;
import io.hoist.core.validation.rules.RuleFile;
import io.hoist.core.validation.rules.RuleSet;
import io.hoist.core.validation.rules.RuleSetCompiler;
import io.hoist.core.validation.rules.RuleSetException;
import io.hoist.policy.engine.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped rule sets on the documents the plugins publish, and MTV's merge rules for custom files. */
class RuleSetCompilerTest {
    private final RuleSetCompiler compiler = new RuleSetCompiler(Limits.defaults());
    private final List<RuleFile> vmware = DefaultRules.load("vmware");

    private static List<String> ids(JsonNode validate) {
        List<String> out = new ArrayList<>();
        validate.get("concerns").forEach(c -> out.add(c.get("id").asText()));
        return out;
    }

    @Test
    void vsphereWorkloadGetsTheConcernsItsFieldsCallFor() {
        RuleSet rules = compiler.compile("vmware", vmware, List.of());
        JsonNode r = rules.validate(Workloads.json(Workloads.load("vsphere-erp-db-01.json")));
        assertThat(r.get("rules_version").asInt()).isEqualTo(2);
        assertThat(r.get("errors")).isEmpty();
        assertThat(ids(r)).containsExactlyInAnyOrder(
                "vmware.changed_block_tracking.disk_disabled", "vmware.snapshot.detected",
                "vmware.cpu_memory.hotplug.enabled", "vmware.disk_mode.independent", "vmware.disk.serial.truncated",
                "vmware.drs.enabled", "vmware.usb_controller.detected", "vmware.guest_disk.free_space.low");
        for (JsonNode c : r.get("concerns")) {
            assertThat(c.get("category").asText()).isIn("Critical", "Warning", "Information");
            assertThat(c.get("label").asText()).isNotBlank();
            assertThat(c.get("assessment").asText()).isNotBlank();
            if (c.get("id").asText().equals("vmware.disk_mode.independent")) {
                assertThat(c.get("category").asText()).isEqualTo("Critical");
                assertThat(c.get("label").asText()).contains("erp-db-01_2.vmdk");
            }
        }
    }

    @Test
    void aVmWithMoreThan165DisksIsFlaggedWithinTheDefaultTimeBudgetInAotMode() {
        RuleSet rules = new RuleSetCompiler(Limits.defaults().withMode(Limits.Mode.AOT)).compile("vmware", vmware, List.of());
        Map<String, Object> vm = new java.util.LinkedHashMap<>(Workloads.load("vsphere-erp-db-01.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> disk = ((List<Map<String, Object>>) vm.get("disks")).get(0);
        List<Map<String, Object>> disks = new ArrayList<>();
        for (int i = 0; i < 170; i++) {
            Map<String, Object> d = new java.util.LinkedHashMap<>(disk);
            d.put("file", "[datastore-ssd] erp-db-01/erp-db-01_" + i + ".vmdk");
            disks.add(d);
        }
        vm.put("disks", disks);
        JsonNode r = rules.validate(Workloads.json(vm));
        assertThat(ids(r)).contains("vmware.disk.count_exceeded");
        assertThat(r.toString()).contains("The VM has 170 disks; OpenShift Virtualization supports at most 165.");
    }

    @Test
    void ovaWorkloadFromAVirtualBoxExport() {
        RuleSet rules = compiler.compile("ova", DefaultRules.load("ova"), List.of());
        JsonNode r = rules.validate(Workloads.json(Workloads.load("ova-appliance.json")));
        assertThat(ids(r)).containsExactlyInAnyOrder("ova.source.unsupported", "ova.name.invalid");
    }

    @Test
    void everyDefaultPackageCompilesAndAnswersRulesVersion() {
        for (String pkg : List.of("vmware", "ovirt", "openstack", "ova", "openshift")) {
            RuleSet rules = compiler.compile(pkg, DefaultRules.load(pkg), List.of());
            // a package bumps its version when its rules change (ovirt is at 2), so any positive version answers
            assertThat(rules.rulesVersion()).as(pkg).matches("[1-9][0-9]*");
            assertThat(rules.files()).as(pkg).noneMatch(f -> f.name().endsWith("_test.rego"));
            JsonNode bad = rules.validate("{\"nothing\": true}");
            assertThat(bad.get("errors")).as(pkg).hasSize(1);
        }
    }

    @Test
    void aRuleWithTheSameNameIsOredWithTheDefault() {
        // the seed's example ConfigMap rule, in MTV's pre-1.0 syntax
        RuleFile custom = new RuleFile("configmap forklift-validation-config", "vmware_multiple_disks.rego", """
                package io.konveyor.forklift.vmware

                has_multiple_disks {
                  count(input.disks) > 1
                }

                concerns[flag] {
                  has_multiple_disks
                    flag := {
                      "category": "Information",
                      "label": "Multiple disks detected",
                      "assessment": "Multiple disks detected on this VM."
                    }
                }
                """);
        RuleSet rules = compiler.compile("vmware", vmware, List.of(custom));
        JsonNode r = rules.validate(Workloads.json(Workloads.load("vsphere-erp-db-01.json")));
        List<String> labels = new ArrayList<>();
        r.get("concerns").forEach(c -> labels.add(c.get("label").asText()));
        assertThat(labels).contains("Multiple disks detected", "VM running in a DRS-enabled cluster");
        assertThat(r.get("concerns")).hasSize(9);
    }

    @Test
    void aRuleCallingHttpSendNeverReachesTheNetworkFromTheValidationService() throws Exception {
        java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            RuleFile custom = new RuleFile("DATA/rules/vmware", "calls_out.rego", """
                    package io.konveyor.forklift.vmware
                    import rego.v1

                    concerns contains flag if {
                      http.send({"method": "GET", "url": "%s", "raise_error": false}).status_code == 200
                      flag := {"category": "Information", "label": "reached the network", "assessment": "x"}
                    }
                    """.formatted("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
            RuleSet rules = compiler.compile("vmware", vmware, List.of(custom));
            JsonNode r = rules.validate(Workloads.json(Workloads.load("vsphere-erp-db-01.json")));
            assertThat(r.toString()).doesNotContain("reached the network");
            assertThat(ids(r)).as("the other rules still answer").contains("vmware.snapshot.detected");
            assertThat(hits.get()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aContradictingDefaultIsRefusedNamingBothFilesAndLines() {
        RuleFile custom = new RuleFile("DATA/rules/vmware", "my_rules.rego", """
                package io.konveyor.forklift.vmware

                default valid_input = true
                """);
        assertThatThrownBy(() -> compiler.compile("vmware", vmware, List.of(custom)))
                .isInstanceOf(RuleSetException.class)
                .hasMessageContaining("rule valid_input conflicts")
                .hasMessageContaining("`default valid_input = true` (DATA/rules/vmware/my_rules.rego:3)")
                .hasMessageContaining("`default valid_input := false` (default/validate.rego:6)");
    }

    @Test
    void aDifferentConstantOrKindIsRefused() {
        RuleFile constant = new RuleFile("DATA/rules/vmware", "limits.rego",
                "package io.konveyor.forklift.vmware\nmax_disks := 200\n");
        assertThatThrownBy(() -> compiler.compile("vmware", vmware, List.of(constant)))
                .hasMessageContaining("rule max_disks conflicts (two different values)")
                .hasMessageContaining("DATA/rules/vmware/limits.rego:2").hasMessageContaining("default/disks.rego:");
        RuleFile kind = new RuleFile("DATA/rules/vmware", "k.rego",
                "package io.konveyor.forklift.vmware\nimport rego.v1\nconcerns := []\n");
        assertThatThrownBy(() -> compiler.compile("vmware", vmware, List.of(kind)))
                .hasMessageContaining("rule concerns conflicts (a partial set and a complete rule)").hasMessageContaining("DATA/rules/vmware/k.rego:3");
    }

    @Test
    void aFileNamedLikeADefaultReplacesIt() {
        RuleFile bump = new RuleFile("DATA/rules/vmware", "rules_version.rego", """
                package io.konveyor.forklift.vmware
                RULES_VERSION := 7
                rules_version := {"rules_version": RULES_VERSION}
                """);
        RuleSet rules = compiler.compile("vmware", vmware, List.of(bump));
        assertThat(rules.rulesVersion()).isEqualTo("7");
        assertThat(rules.validate(Workloads.json(Map.of("name", "a", "disks", List.of()))).get("rules_version").asInt()).isEqualTo(7);
    }

    @Test
    void wrongPackageAndSyntaxErrorsNameTheFile() {
        RuleFile other = new RuleFile("DATA/rules/vmware", "x.rego", "package io.konveyor.forklift.ovirt\nx := 1\n");
        assertThatThrownBy(() -> compiler.compile("vmware", vmware, List.of(other)))
                .hasMessage("DATA/rules/vmware/x.rego: package io.konveyor.forklift.ovirt is not the vmware rules package io.konveyor.forklift.vmware");
        RuleFile broken = new RuleFile("DATA/rules/vmware", "y.rego", "package io.konveyor.forklift.vmware\nconcerns[flag] {\n");
        assertThatThrownBy(() -> compiler.compile("vmware", vmware, List.of(broken)))
                .hasMessageStartingWith("DATA/rules/vmware/y.rego:");
    }
}
