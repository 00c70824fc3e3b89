package io.hoist.api.convert;

import java.util.List;
import java.util.Map;

/**
 * A finished conversion.
 *
 * @param inspection what the guest is
 * @param reused     true when an earlier run had already converted these disks (resumed after a crash)
 * @param log        where the converter's log is kept (a file path or {@code namespace/pod}), or null
 * @param seconds    how long each part took, e.g. {@code appliance}, {@code inspection}, {@code conversion}
 * @param warnings   what was asked but could not be done (e.g. an address with no interface configured for it)
 */
public record ConversionResult(GuestInspection inspection, boolean reused, String log, Map<String, Double> seconds,
                               List<String> warnings) {
    public ConversionResult {
        seconds = seconds == null ? Map.of() : Map.copyOf(seconds);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
