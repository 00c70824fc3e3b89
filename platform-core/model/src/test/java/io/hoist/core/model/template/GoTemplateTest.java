package io.hoist.core.model.template;

import io.hoist.core.model.Manifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every template example in the seed docs, rendered as the docs say. */
class GoTemplateTest {
    static String render(String template, Map<String, ?> data) {
        return GoTemplate.parse("t", template).render(data);
    }

    static final Map<String, Object> VM_DISK0 = Map.of("VmName", "myvm", "TargetVmName", "myvm", "PlanName", "plan1",
            "DiskIndex", 0, "RootDiskIndex", 0, "Shared", false, "WinDriveLetter", "c", "FileName", "VM_Disk.1.vmdk");
    static final Map<String, Object> VM_DISK1_SHARED = Map.of("VmName", "myvm", "TargetVmName", "myvm",
            "PlanName", "plan1", "DiskIndex", 1, "RootDiskIndex", 0, "Shared", true, "WinDriveLetter", "",
            "FileName", "data.vmdk");

    // ref_pvc-name-template-variables-vmware.adoc
    @Test
    void pvcTemplatesForVmware() {
        assertThat(render("{{.VmName}}-disk-{{.DiskIndex}}", VM_DISK0)).isEqualTo("myvm-disk-0");
        String rootOrData = "{{if eq .DiskIndex .RootDiskIndex}}root{{else}}data{{end}}-{{.DiskIndex}}";
        assertThat(render(rootOrData, VM_DISK0)).isEqualTo("root-0");
        assertThat(render(rootOrData, VM_DISK1_SHARED)).isEqualTo("data-1");
        String shared = "{{if .Shared}}shared-{{end}}{{.VmName}}-{{.DiskIndex}}";
        assertThat(render(shared, VM_DISK0)).isEqualTo("myvm-0");
        assertThat(render(shared, VM_DISK1_SHARED)).isEqualTo("shared-myvm-1");
        assertThat(render("pvc-{{.VmName}}-drive-{{.WinDriveLetter}}", VM_DISK0)).isEqualTo("pvc-myvm-drive-c");
        assertThat(render("{{.FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" | replace \".\" \"-\" | lower}}"
                + "-disk-{{.DiskIndex}}", VM_DISK0)).isEqualTo("vm-disk-1-disk-0");
        assertThat(render("{{.FileName | trimSuffix \".vmdk\"}}", VM_DISK0)).isEqualTo("VM_Disk.1");
        assertThat(render("{{.FileName | replace \"_\" \"-\"}}", VM_DISK0)).isEqualTo("VM-Disk.1.vmdk");
        assertThat(render("{{.FileName | lower}}", VM_DISK0)).isEqualTo("vm_disk.1.vmdk");
    }

    // ref_pvc-name-template-variables-cnv.adoc
    @Test
    void pvcTemplatesForKubevirt() {
        Map<String, Object> d = Map.of("VmName", "MyVM", "TargetVmName", "myvm", "PlanName", "a-very-long-plan-name",
                "DiskIndex", 0, "SourcePVCName", "data-disk", "SourcePVCNamespace", "prod");
        assertThat(render("{{.TargetVmName}}-{{.SourcePVCName}}", d)).isEqualTo("myvm-data-disk");
        assertThat(render("migrated-{{.SourcePVCName}}-{{.DiskIndex}}", d)).isEqualTo("migrated-data-disk-0");
        assertThat(render("{{.TargetVmName}}-disk-{{.DiskIndex}}", d)).isEqualTo("myvm-disk-0");
        assertThat(render("{{trunc 10 .PlanName}}-{{trunc 20 .TargetVmName}}-{{.DiskIndex}}", d))
                .isEqualTo("a-very-lon-myvm-0");
        assertThat(render("{{.TargetVmName}}-{{.SourcePVCNamespace}}-{{.SourcePVCName}}", d))
                .isEqualTo("myvm-prod-data-disk");
        assertThat(render("{{trunc 10 .PlanName}}", d)).isEqualTo("a-very-lon");
        assertThat(render("{{.SourcePVCName | replace \"-\" \"_\"}}", d)).isEqualTo("data_disk");
        assertThat(render("{{.VmName | lower}}", d)).isEqualTo("myvm");
        assertThat(render("{{.SourcePVCName}}", d)).isEqualTo("data-disk");
    }

    // ref_network-name-template-variables-vmware.adoc, with the YAML quoting the doc shows
    @Test
    void networkTemplates() {
        Map<String, Object> pod = Map.of("NetworkName", "", "NetworkNamespace", "", "NetworkType", "pod", "NetworkIndex", 0);
        Map<String, Object> multus = Map.of("NetworkName", "nad1", "NetworkNamespace", "ns", "NetworkType", "multus",
                "NetworkIndex", 2);
        assertThat(render("net-{{.NetworkIndex}}", multus)).isEqualTo("net-2");
        String fromYaml = Manifests.parseOne(
                "networkNameTemplate: \"{{if eq .NetworkType \\\"pod\\\"}}pod{{else}}multus-{{.NetworkIndex}}{{end}}\"\n",
                "plan").get("networkNameTemplate").asText();
        assertThat(render(fromYaml, pod)).isEqualTo("pod");
        assertThat(render(fromYaml, multus)).isEqualTo("multus-2");
    }

    // ref_volume-name-template-variables-vmware.adoc
    @Test
    void volumeTemplates() {
        Map<String, Object> d = Map.of("PVCName", "myvm-disk-0", "VolumeIndex", 3);
        assertThat(render("disk-{{.VolumeIndex}}", d)).isEqualTo("disk-3");
        assertThat(render("pvc-{{.PVCName}}", d)).isEqualTo("pvc-myvm-disk-0");
    }

    // con_mtv-template-utility.adoc, string functions (Sprig argument order: the subject comes last)
    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '\'', value = {
        "{{ lower \"TEXT\" }} => text",
        "{{ upper \"text\" }} => TEXT",
        "{{ contains \"lo\" \"hello\" }} => true",
        "{{ contains \"hello\" \"lo\" }} => false",
        "{{\"I Am Henry VIII\" | replace \" \" \"-\"}} => I-Am-Henry-VIII",
        "{{ trim \"  text  \" }} => text",
        "{{ trimAll \"$\" \"$5.00$\" }} => 5.00",
        "{{ trimSuffix \".go\" \"file.go\" }} => file",
        "{{ trimPrefix \"go.\" \"go.file\" }} => file",
        "{{ title \"hello world\" }} => Hello World",
        "{{ untitle \"Hello World\" }} => hello world",
        "{{ repeat 3 \"abc\" }} => abcabcabc",
        "{{ substr 1 4 \"abcdef\" }} => bcd",
        "{{ nospace \"a b  c\" }} => abc",
        "{{ trunc 3 \"abcdef\" }} => abc",
        "{{ initials \"John Doe\" }} => JD",
        "{{ hasPrefix \"go\" \"golang\" }} => true",
        "{{ hasSuffix \"ing\" \"coding\" }} => true",
        "{{ mustRegexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }} => -W-xxW-",
        "{{ add 1 2 3 }} => 6",
        "{{ add1 5 }} => 6",
        "{{ sub 5 3 }} => 2",
        "{{ div 10 3 }} => 3",
        "{{ mod 10 3 }} => 1",
        "{{ mul 2 3 4 }} => 24",
        "{{ max 1 5 3 }} => 5",
        "{{ min 1 5 3 }} => 1",
        "{{ floor 3.75 }} => 3",
        "{{ ceil 3.25 }} => 4",
        "{{ round 3.75159 2 }} => 3.75",
    })
    void templateUtilityFunctions(String template, String expected) {
        assertThat(render(template, Map.of())).isEqualTo(expected);
    }

    @Test
    void goBuiltinsAndControlFlow() {
        Map<String, Object> d = Map.of("Name", "Web-01", "N", 5, "List", List.of("a", "b", "c"),
                "M", Map.of("k", "v"), "Empty", "");
        assertThat(render("{{if lt .N 3}}small{{else if gt .N 4}}big{{else}}mid{{end}}", d)).isEqualTo("big");
        assertThat(render("{{if and .Name (not .Empty)}}yes{{end}}", d)).isEqualTo("yes");
        assertThat(render("{{or .Empty \"fallback\"}}", d)).isEqualTo("fallback");
        assertThat(render("{{if ne .Name \"x\"}}{{len .List}}{{end}}", d)).isEqualTo("3");
        assertThat(render("{{index .List 1}}-{{index .M \"k\"}}", d)).isEqualTo("b-v");
        assertThat(render("{{printf \"%s-%03d\" (lower .Name) .N}}", d)).isEqualTo("web-01-005");
        assertThat(render("{{printf \"%v|%q|%x|%5s|%-3d|\" .N .Name 255 \"ab\" 7}}", d))
                .isEqualTo("5|\"Web-01\"|ff|   ab|7  |");
        assertThat(render("{{.Name | upper | printf \"vm-%s\"}}", d)).isEqualTo("vm-WEB-01");
        assertThat(render("{{$n := lower .Name}}{{$n}}/{{$.N}}", d)).isEqualTo("web-01/5");
        assertThat(render("{{range $i, $e := .List}}{{$i}}{{$e}}{{end}}", d)).isEqualTo("0a1b2c");
        assertThat(render("{{with .Name}}{{.}}{{end}}", d)).isEqualTo("Web-01");
        assertThat(render("a  {{- /* comment */ -}}  b {{- .N -}} c", d)).isEqualTo("ab5c");
        assertThat(render("{{eq .N 1 2 5}}", d)).isEqualTo("true");
        assertThat(render("{{print 1 2 \"x\" 3}}", d)).isEqualTo("1 2x3");
        assertThat(render("{{len .Name}}", d)).isEqualTo("6");
    }

    @Test
    void unparsableTemplatesFailAtParseWithLine() {
        assertThatThrownBy(() -> GoTemplate.parse("pvcNameTemplate", "{{.VmName"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("unclosed action");
        assertThatThrownBy(() -> GoTemplate.parse("pvcNameTemplate", "{{if .Shared}}x"))
                .hasMessageContaining("without {{end}}");
        assertThatThrownBy(() -> GoTemplate.parse("pvcNameTemplate", "x\n{{end}}"))
                .hasMessage("template: pvcNameTemplate:2: unexpected {{end}}");
        assertThatThrownBy(() -> GoTemplate.parse("pvcNameTemplate", "{{.VmName | nosuchfn}}"))
                .hasMessageContaining("function \"nosuchfn\" not defined");
        assertThatThrownBy(() -> GoTemplate.parse("t", "{{\"abc}}")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> GoTemplate.parse("t", "{{}}")).hasMessageContaining("missing value");
        assertThatThrownBy(() -> GoTemplate.parse("t", "{{else}}")).hasMessageContaining("unexpected {{else}}");
    }

    @Test
    void renderErrorsNameTheProblem() {
        assertThatThrownBy(() -> render("{{.VmNmae}}", Map.of("VmName", "a")))
                .isInstanceOf(TemplateException.class).hasMessageContaining("can't evaluate field VmNmae");
        assertThatThrownBy(() -> render("{{eq .DiskIndex \"0\"}}", Map.of("DiskIndex", 0)))
                .hasMessageContaining("incompatible types for comparison");
        assertThatThrownBy(() -> render("{{.DiskIndex | lower}}", Map.of("DiskIndex", 0)))
                .hasMessageContaining("expected string; got int");
    }

    @Test
    void fieldNamesListsWhatTheTemplateReads() {
        assertThat(GoTemplate.parse("{{if eq .DiskIndex .RootDiskIndex}}root{{end}}-{{.VmName | lower}}").fieldNames())
                .containsExactly("DiskIndex", "RootDiskIndex", "VmName");
    }
}
