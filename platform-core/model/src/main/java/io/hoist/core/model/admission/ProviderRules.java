package io.hoist.core.model.admission;

import io.hoist.core.model.resource.Host;
import io.hoist.core.model.resource.Provider;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Provider and Host rules. Unknown provider types are accepted: a plugin may serve them. */
final class ProviderRules {
    private static final Set<String> HTTP_URL_TYPES = Set.of(Provider.TYPE_VSPHERE, Provider.TYPE_OVIRT, Provider.TYPE_OPENSTACK);
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private ProviderRules() {
    }

    static void checkProvider(Provider provider, Problems p) {
        Provider.Spec spec = provider.spec;
        if (spec == null) {
            p.required("spec", "Required value");
            return;
        }
        String type = spec.type;
        if (Problems.blank(type)) {
            return; // required by the schema
        }
        String url = spec.url == null ? "" : spec.url.trim();
        if (HTTP_URL_TYPES.contains(type)) {
            if (url.isEmpty()) {
                p.required("spec.url", "Required value: the API endpoint of the " + type + " provider");
            } else {
                checkHttpUrl(url, p);
            }
            if (spec.secret == null || Problems.blank(spec.secret.name)) {
                p.required("spec.secret.name", "Required value: the Secret with the " + type + " credentials");
            }
        } else if (Provider.TYPE_OVA.equals(type)) {
            if (url.isEmpty()) {
                p.required("spec.url", "Required value: the OVA folder: an NFS export server:/path, "
                        + "nfs://server/path or file:///absolute/folder");
            }
        } else if (Provider.TYPE_OPENSHIFT.equals(type) && !url.isEmpty()) {
            if (url.startsWith("file:")) {
                checkFileUrl(url, p);
            } else {
                checkHttpUrl(url, p);
            }
        }
        if (spec.settings != null && Provider.TYPE_VSPHERE.equals(type)) {
            String endpoint = spec.settings.get("sdkEndpoint");
            if (endpoint != null && !endpoint.equals("vcenter") && !endpoint.equals("esxi")) {
                p.notSupported("spec.settings.sdkEndpoint", "Unsupported value: \"" + endpoint
                        + "\": supported values: \"vcenter\", \"esxi\"");
            }
        }
        if (spec.settings != null) {
            for (Map.Entry<String, String> e : spec.settings.entrySet()) {
                if (e.getKey().isBlank()) {
                    p.invalid("spec.settings", "setting names must not be empty");
                }
            }
        }
    }

    private static void checkHttpUrl(String url, Problems p) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                    || uri.getHost() == null) {
                p.invalid("spec.url", "Invalid value: \"" + url + "\": must be an https:// URL with a host, "
                        + "e.g. https://vcenter.example.com/sdk");
            }
        } catch (URISyntaxException e) {
            p.invalid("spec.url", "Invalid value: \"" + url + "\": not a URL (" + e.getReason() + ")");
        }
    }

    private static void checkFileUrl(String url, Problems p) {
        if (!url.startsWith("file:///")) {
            p.invalid("spec.url", "Invalid value: \"" + url + "\": a folder destination must be file:///absolute/path");
            return;
        }
        try {
            new URI(url);
        } catch (URISyntaxException e) {
            p.invalid("spec.url", "Invalid value: \"" + url + "\": not a URL (" + e.getReason() + ")");
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
