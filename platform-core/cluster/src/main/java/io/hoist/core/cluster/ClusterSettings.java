package io.hoist.core.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a node joins the others: the address its cluster manager (Hazelcast) listens on, the members it contacts to
 * join (a fixed list: no multicast), its labels and its name.
 *
 * @param host        the address Hazelcast and the event bus bind and announce (an IP address of this machine)
 * @param port        Hazelcast's port on {@code host}
 * @param members     {@code host:port} of the members to join through (this node's own address may be among them)
 * @param nodeLabels  labels of this node ({@code --node-labels k=v,...}): a provider's {@code hoist.io/node-selector}
 *                    places its VMs on nodes with these labels only
 * @param nodeName    unique among the nodes: holds the leader lease under this name, named on the VMs it runs
 * @param maxDisks    disks this node copies at once ({@code --node-max-disks}), 0 for no cap of its own; placement
 *                    gives each node VMs in proportion to it
 * @param bandwidthMibps all of this node's disk copies together ({@code --node-bandwidth-mibps}: its NIC), 0 for none
 */
public record ClusterSettings(String host, int port, List<String> members, Map<String, String> nodeLabels,
                              String nodeName, int maxDisks, double bandwidthMibps) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5701;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    // Kubernetes label keys (optional DNS prefix, name of at most 63) and values
    private static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    public ClusterSettings {
        Objects.requireNonNull(host, "host");
        if (!IPV4.matcher(host).matches()) {
            throw new IllegalArgumentException("--cluster-host: '" + host + "' is not an IPv4 address of this machine");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--cluster-port must be between 1 and 65535, got " + port);
        }
        members = List.copyOf(members.isEmpty() ? List.of(host + ":" + port) : members);
        nodeLabels = Map.copyOf(nodeLabels);
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("a node needs a name");
        }
        if (maxDisks < 0) {
            throw new IllegalArgumentException("--node-max-disks must be 0 (no cap) or more, got " + maxDisks);
        }
        if (!(bandwidthMibps >= 0) || Double.isInfinite(bandwidthMibps)) {
            throw new IllegalArgumentException("--node-bandwidth-mibps must be 0 (no cap) or a positive number, got " + bandwidthMibps);
        }
    }

    /** A node without caps of its own. */
    public ClusterSettings(String host, int port, List<String> members, Map<String, String> nodeLabels, String nodeName) {
        this(host, port, members, nodeLabels, nodeName, 0, 0);
    }

    /** What the other nodes see of this one (its cluster metadata). */
    public NodeProfile profile() {
        return new NodeProfile(nodeName, nodeLabels, maxDisks);
    }

    /** {@code --cluster-members host:port,...}: each with a port; null or blank is none. */
    public static List<String> parseMembers(String csv) {
        List<String> out = new ArrayList<>();
        if (csv == null || csv.isBlank()) {
            return out;
        }
        for (String raw : csv.split(",")) {
            String m = raw.trim();
            int colon = m.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--cluster-members: '" + m + "' is not host:port");
            }
            int p;
            try {
                p = Integer.parseInt(m.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cluster-members: '" + m + "' has no port number after ':'");
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("--cluster-members: port of '" + m + "' must be between 1 and 65535");
            }
            out.add(m);
        }
        return out;
    }

    /** {@code --node-labels k=v,...} with Kubernetes label syntax; null or blank is none. */
    public static Map<String, String> parseLabels(String csv) {
        return parseLabels(csv, "--node-labels");
    }

    /** Labels {@code k=v,...} with Kubernetes label syntax, errors naming {@code field}; null or blank is none. */
    public static Map<String, String> parseLabels(String csv, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        if (csv == null || csv.isBlank()) {
            return out;
        }
        for (String raw : csv.split(",")) {
            String pair = raw.trim();
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(field + ": '" + pair + "' is not key=value");
            }
            String k = pair.substring(0, eq);
            String v = pair.substring(eq + 1);
            if (!LABEL_KEY.matcher(k).matches() || k.length() > 317) {
                throw new IllegalArgumentException(field + ": '" + k + "' is not a valid label key");
            }
            if (!LABEL_VALUE.matcher(v).matches()) {
                throw new IllegalArgumentException(field + ": value '" + v + "' of " + k
                        + " is not a valid label value (at most 63 letters, digits, '-', '_', '.')");
            }
            if (out.put(k, v) != null) {
                throw new IllegalArgumentException(field + ": " + k + " is given twice");
            }
        }
        return out;
    }
}
