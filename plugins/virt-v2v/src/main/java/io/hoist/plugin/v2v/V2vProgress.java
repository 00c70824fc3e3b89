package io.hoist.plugin.v2v;

import io.hoist.api.convert.ConversionListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * virt-v2v's progress lines ({@code [  36.1] Inspecting the source}): each stage is passed on with an
 * estimate of how far the conversion is, and its start time kept, so the step can say how much of it
 * was the libguestfs appliance starting and how much the conversion itself.
 */
public final class V2vProgress {
    private static final Pattern STAGE = Pattern.compile("^\\[\\s*(\\d+\\.\\d)\\] (\\S.*)$");

    private final ConversionListener listener;
    private final Map<String, Double> started = new LinkedHashMap<>();

    public V2vProgress(ConversionListener listener) {
        this.listener = listener;
    }

    /** Looks at one output line; true when it was a stage line. */
    public boolean accept(String line) {
        Matcher m = STAGE.matcher(line);
        if (!m.matches()) {
            return false;
        }
        double at = Double.parseDouble(m.group(1));
        String stage = m.group(2).trim();
        synchronized (started) {
            if (started.putIfAbsent(stage, at) != null) {
                return true; // seen before (a pod's log is read again from its tail)
            }
        }
        listener.stage(stage, percent(stage));
        return true;
    }

    /** Where a stage usually starts, as a share of a Linux conversion under TCG. */
    static int percent(String stage) {
        String s = stage.toLowerCase(java.util.Locale.ROOT);
        if (s.startsWith("setting up the source")) return 1;
        if (s.startsWith("opening the source")) return 2;
        if (s.startsWith("inspecting the source")) return 20;
        if (s.startsWith("checking for sufficient free disk space")) return 25;
        if (s.startsWith("converting")) return 30;
        if (s.startsWith("mapping filesystem data")) return 85;
        if (s.startsWith("closing the overlay")) return 92;
        if (s.startsWith("assigning disks") || s.startsWith("checking if the guest needs")) return 95;
        if (s.startsWith("finishing off")) return 99;
        return 50;
    }

    /**
     * Seconds per phase: {@code appliance} (opening the source until inspection starts: libguestfs boots
     * its appliance), {@code inspection}, {@code conversion} (until virt-v2v finishes off).
     */
    public Map<String, Double> timings() {
        synchronized (started) {
            Double open = find("Opening the source");
            Double inspect = find("Inspecting the source");
            Double convert = find("Converting");
            Double finish = find("Finishing off");
            Map<String, Double> out = new LinkedHashMap<>();
            if (open != null && inspect != null) out.put("appliance", round(inspect - open));
            if (inspect != null && convert != null) out.put("inspection", round(convert - inspect));
            if (convert != null && finish != null) out.put("conversion", round(finish - convert));
            return out;
        }
    }

    private Double find(String prefix) {
        return started.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }
}
