package io.hoist.core.model.admission;

import io.hoist.core.model.resource.Host;
import io.hoist.core.model.resource.Provider;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Provider and Host rules that hold for every provider type. The type-specific ones (a vSphere URL, an OVA
 * folder) belong to the plugin serving the type and arrive through {@link ProviderSpecChecks}; a type no plugin
 * serves is accepted, and the engine reports it as a condition.
 */
final class ProviderRules {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern USER_INFO = Pattern.compile("://([^/@]+)@");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private ProviderRules() {
    }

    static void checkProvider(Provider provider, ProviderSpecChecks typeChecks, Problems p) {
        Provider.Spec spec = provider.spec;
        if (spec == null) {
            p.required("spec", "Required value");
            return;
        }
        if (spec.settings != null) {
            for (Map.Entry<String, String> e : spec.settings.entrySet()) {
                if (e.getKey().isBlank()) {
                    p.invalid("spec.settings", "setting names must not be empty");
                }
            }
        }
        if (Problems.blank(spec.type)) {
            return; // required by the schema
        }
        java.util.regex.Matcher userInfo = USER_INFO.matcher(spec.url == null ? "" : spec.url);
        String credentials = userInfo.find() ? userInfo.group(1) : "";
        for (Cause c : typeChecks.check(provider)) {
            // a plugin's message must not echo credentials written into the URL: make sure of it here
            String message = credentials.isEmpty() ? c.message() : c.message().replace(credentials, "***");
            p.add(new Cause(c.field(), c.reason(), message));
        }
    }

    static void checkHost(Host host, Problems p) {
        Host.Spec spec = host.spec;
        if (spec == null) {
            p.required("spec", "Required value");
            return;
        }
        if (Problems.blank(spec.id) && Problems.blank(spec.name)) {
            p.required("spec.id", "Required value: the host is identified by id (moRef) or name");
        }
        if (spec.provider == null || Problems.blank(spec.provider.name)) {
            p.required("spec.provider.name", "Required value: the name of the vSphere provider");
        }
        if (spec.ipAddress != null && !isIp(spec.ipAddress)) {
            p.invalid("spec.ipAddress", "Invalid value: \"" + spec.ipAddress + "\": must be an IPv4 or IPv6 address");
        }
        if (spec.secret != null && Problems.blank(spec.secret.name)) {
            p.required("spec.secret.name", "Required value: the Secret with the ESXi host credentials");
        }
    }

    static boolean isIp(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (!s.contains(":") || !IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(s); // literal only: the pattern above excludes host names, so no lookup
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
