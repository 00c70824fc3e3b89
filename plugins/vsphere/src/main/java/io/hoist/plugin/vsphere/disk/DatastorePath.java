package io.hoist.plugin.vsphere.disk;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A datastore path {@code [datastore] folder/file.vmdk} and the datastore HTTP file API URL of the
 * flat extent that holds a monolithic-flat disk's bytes ({@code /folder/<path>?dcPath=&dsName=}).
 */
public record DatastorePath(String datastore, String path) {
    public static DatastorePath parse(String s) {
        if (s == null || !s.startsWith("[") || s.indexOf(']') < 0) {
            throw new IllegalArgumentException("not a datastore path: " + s);
        }
        int close = s.indexOf(']');
        return new DatastorePath(s.substring(1, close), s.substring(close + 1).trim());
    }

    /** {@code disk.vmdk} (the descriptor) → {@code disk-flat.vmdk} (the raw extent). */
    public DatastorePath flatExtent() {
        if (path.endsWith("-flat.vmdk") || !path.endsWith(".vmdk")) {
            return this;
        }
        return new DatastorePath(datastore, path.substring(0, path.length() - ".vmdk".length()) + "-flat.vmdk");
    }

    /** The file API URL on {@code base} (scheme://host[:port]) for datacenter {@code dcPath}. */
    public URI fileUrl(URI base, String dcPath) {
        StringBuilder p = new StringBuilder("/folder");
        for (String seg : path.split("/")) {
            if (!seg.isEmpty()) {
                p.append('/').append(enc(seg));
            }
        }
        String query = "dcPath=" + enc(dcPath) + "&dsName=" + enc(datastore);
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + p + "?" + query);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "[" + datastore + "] " + path;
    }
}
