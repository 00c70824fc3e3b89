package io.hoist.core.engine.run.phase;

import io.hoist.api.convert.ConversionOptions;
import io.hoist.api.convert.ConversionResult;
import io.hoist.api.convert.GuestInspection;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.Firmware;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.VmStatusEditor;
import io.hoist.core.model.resource.ControllerSettings;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's side of guest conversion, converter-agnostic: the plan's MTV fields as conversion options,
 * what the converter found recorded on the VM's status (MTV's {@code operatingSystem} and {@code firmware},
 * the rest as ImageConversion step annotations), and that record applied to the target VM spec: firmware
 * and the {@code os.template.kubevirt.io/<osinfo>} label KubeVirt's templates and MTV use. The spec is derived
 * from the status, so a restarted engine creates the same VM.
 */
public final class GuestConversion {
    /** ForkliftController setting naming the virt-v2v image of conversion pods (MTV's name). */
    static final String SETTING_IMAGE = "virt_v2v_image_fqin";
    /** Hoist settings: where the virtio-win drivers for Windows guests are (ISO or folder; path or URL). */
    static final String SETTING_VIRTIO_WIN = "controller_virtio_win";
    static final String SETTING_VIRTIO_WIN_LEGACY = "controller_virtio_win_legacy";
    static final String OS_LABEL_PREFIX = "os.template.kubevirt.io/";
    static final String OS_ANNOTATION = "vm.kubevirt.io/os";

    private GuestConversion() {}

    static ConversionOptions options(Plan.Spec spec, ControllerSettings settings) {
        String virtioWin = Boolean.TRUE.equals(spec.installLegacyDrivers)
                ? text(settings, SETTING_VIRTIO_WIN_LEGACY) : text(settings, SETTING_VIRTIO_WIN);
        String image = blankToNull(spec.virtV2vImage) != null ? spec.virtV2vImage : text(settings, SETTING_IMAGE);
        String affinity = spec.convertorAffinity == null || spec.convertorAffinity.isNull() ? null : spec.convertorAffinity.toString();
        return new ConversionOptions(spec.installLegacyDrivers, virtioWin, Boolean.TRUE.equals(spec.deleteGuestConversionPod), image,
                spec.convertorNodeSelector, spec.convertorLabels, affinity, spec.conversionTempStorageClass);
    }

    /** Records a finished conversion; {@code copied} and {@code converted} are checksums by source disk id. */
    static void record(VmStatus v, String converter, ConversionResult r, Map<String, String> copied, Map<String, String> converted) {
        GuestInspection g = r.inspection();
        v.operatingSystem = g.osInfo() != null ? g.osInfo() : join(g.distro(), g.version());
        v.firmware = g.firmware() == Firmware.EFI ? "efi" : "bios";
        VmStatus.Step s = VmStatusEditor.step(v, Step.ImageConversion);
        VmStatusEditor.annotate(s, "converter", converter);
        put(s, "guest-os-type", g.osType());
        put(s, "guest-distro", g.distro());
        put(s, "guest-osinfo", g.osInfo());
        put(s, "guest-product", g.productName());
        put(s, "guest-version", g.version());
        put(s, "guest-arch", g.arch());
        put(s, "guest-package-format", g.packageFormat());
        VmStatusEditor.annotate(s, "virtio-drivers", Boolean.toString(g.virtioInstalled()));
        VmStatusEditor.annotate(s, "guest-agent", Boolean.toString(g.guestAgent()));
        VmStatusEditor.annotate(s, "resumed", Boolean.toString(r.reused()));
        put(s, "converter-log", r.log()); // the converter's own copy (a file, or namespace/pod)
        r.seconds().forEach((k, sec) -> VmStatusEditor.annotate(s, k + "-seconds", String.format(Locale.ROOT, "%.1f", sec)));
        copied.forEach((disk, sum) -> VmStatusEditor.annotate(s, "checksum." + disk + ".copied", sum));
        converted.forEach((disk, sum) -> VmStatusEditor.annotate(s, "checksum." + disk + ".converted", sum));
        s.progress = VmStatus.Progress.of(100, 100);
        if (!r.warnings().isEmpty()) {
            s.warning = VmStatus.VmError.of(Step.ImageConversion.name(), List.copyOf(r.warnings()));
        }
    }

    /**
     * The target spec as conversion left the guest: its firmware, labels naming its OS, virtio devices only when the
     * drivers are in. Unchanged when not converted.
     */
    public static TargetVmSpec apply(TargetVmSpec spec, VmStatus v) {
        if (v == null || v.pipeline == null || v.firmware == null) {
            return spec;
        }
        VmStatus.Step s = v.pipeline.stream().filter(x -> Step.ImageConversion.name().equals(x.name)).findFirst().orElse(null);
        if (s == null || s.annotations == null || !s.annotations.containsKey(VmStatusEditor.ANN_PREFIX + "converter")) {
            return spec;
        }
        Firmware firmware = "efi".equals(v.firmware) ? Firmware.EFI : Firmware.BIOS;
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        Map<String, String> annotations = new LinkedHashMap<>(spec.annotations());
        String osinfo = s.annotations.get(VmStatusEditor.ANN_PREFIX + "guest-osinfo");
        if (osinfo != null && osinfo.matches("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?")) {
            labels.put(OS_LABEL_PREFIX + osinfo, "true");
            annotations.put(OS_ANNOTATION, osinfo);
        }
        // A guest left without virtio drivers (e.g. Windows without virtio-win) gets the emulated devices it can use.
        boolean virtio = !"false".equals(s.annotations.get(VmStatusEditor.ANN_PREFIX + "virtio-drivers"));
        String bus = virtio ? spec.diskBus() : "sata";
        List<TargetNic> nics = virtio ? spec.nics() : spec.nics().stream()
                .map(n -> new TargetNic(n.name(), n.mac(), n.type(), n.multusNetwork(), "e1000e")).toList();
        return new TargetVmSpec(spec.namespace(), spec.name(), spec.sourceVmId(), spec.sourceVmName(), spec.sockets(), spec.cores(),
                spec.threads(), spec.memoryBytes(), firmware, spec.secureBoot() && firmware == Firmware.EFI, spec.preserveCpuModel(),
                spec.cpuModel(), bus, spec.runStrategy(), spec.disks(), nics, labels, annotations, spec.transferNetwork(),
                spec.placement(), spec.identity(), spec.flavor());
    }

    /** A stage report on the step: how far, and what virt-v2v is doing. */
    static void stage(VmStatus v, String stage, int percent) {
        VmStatus.Step s = VmStatusEditor.step(v, Step.ImageConversion);
        s.progress = VmStatus.Progress.of(Math.max(0, Math.min(100, percent)), 100);
        VmStatusEditor.annotate(s, "stage", stage);
    }

    private static void put(VmStatus.Task t, String key, String value) {
        if (value != null && !value.isEmpty()) {
            VmStatusEditor.annotate(t, key, value);
        }
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + b;
    }

    private static String text(ControllerSettings settings, String key) {
        return settings.raw(key).filter(n -> !n.isNull()).map(n -> blankToNull(n.asText())).orElse(null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
