package io.hoist.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One Linux network namespace per node, each with a veth pair to a bridge in this (the test's) namespace: the test and
 * PostgreSQL are at the bridge's address {@code 10.X.Y.1}, the nodes at {@code .2}, {@code .3}, … They reach each other
 * through the bridge until {@link #cut} drops, inside one node's namespace, every packet to or from the other nodes
 * (iptables), leaving it the bridge's address (PostgreSQL, the test's API calls). Needs root, {@code ip} and
 * {@code iptables}; without them the constructor fails naming what is missing. {@link #close} removes it all.
 */
final class NetworkNamespaces implements AutoCloseable {
    private final String tag = Integer.toHexString(0x100000 + ThreadLocalRandom.current().nextInt(0xefffff));
    private final String subnet = "10." + (100 + ThreadLocalRandom.current().nextInt(100)) + "."
            + ThreadLocalRandom.current().nextInt(250) + ".";
    private final String bridge = "hb" + tag;
    /** Node name to its namespace and address. */
    private final Map<String, String[]> nodes = new LinkedHashMap<>();

    NetworkNamespaces(List<String> nodeNames) throws IOException, InterruptedException {
        requireTool("ip");
        requireTool("iptables");
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("network namespaces need root; this test runs as " + System.getProperty("user.name"));
        }
        try {
            run("ip", "link", "add", bridge, "type", "bridge");
            run("ip", "addr", "add", hostAddress() + "/24", "dev", bridge);
            run("ip", "link", "set", bridge, "up");
            int i = 2;
            for (String name : nodeNames) {
                String ns = "hoist-" + tag + "-" + (i - 1);
                String address = subnet + i;
                String outside = "hv" + tag + (i - 1);
                nodes.put(name, new String[] {ns, address});
                run("ip", "netns", "add", ns);
                run("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns);
                run("ip", "link", "set", outside, "master", bridge);
                run("ip", "link", "set", outside, "up");
                run("ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", "eth0");
                run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
                run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
                i++;
            }
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** This namespace's address on the bridge (PostgreSQL listens there, the test calls the nodes from there). */
    String hostAddress() {
        return subnet + "1";
    }

    /** The nodes' network, as PostgreSQL's client network. */
    String cidr() {
        return subnet + "0/24";
    }

    String address(String node) {
        return nodes.get(node)[1];
    }

    /** The command prefix that runs a program in {@code node}'s namespace. */
    List<String> exec(String node) {
        return List.of("ip", "netns", "exec", nodes.get(node)[0]);
    }

    /** Cuts {@code node} off from every other node; the bridge's address (PostgreSQL, the test) stays reachable. */
    void cut(String node) throws IOException, InterruptedException {
        for (Map.Entry<String, String[]> other : nodes.entrySet()) {
            if (!other.getKey().equals(node)) {
                String ns = nodes.get(node)[0];
                String peer = other.getValue()[1];
                run("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-s", peer, "-j", "DROP");
                run("ip", "netns", "exec", ns, "iptables", "-A", "OUTPUT", "-d", peer, "-j", "DROP");
            }
        }
    }

    /** Undoes {@link #cut}. */
    void heal(String node) throws IOException, InterruptedException {
        String ns = nodes.get(node)[0];
        run("ip", "netns", "exec", ns, "iptables", "-F", "INPUT");
        run("ip", "netns", "exec", ns, "iptables", "-F", "OUTPUT");
    }

    /** Removes the namespaces (their veth ends go with them) and the bridge; tries each even if one fails. */
    @Override
    public void close() {
        List<String> failures = new ArrayList<>();
        for (String[] n : nodes.values()) {
            quietly(failures, "ip", "netns", "del", n[0]);
        }
        quietly(failures, "ip", "link", "del", bridge);
        if (!failures.isEmpty()) {
            System.err.println("NetworkNamespaces: clean-up left " + failures);
        }
    }

    private static void quietly(List<String> failures, String... cmd) {
        try {
            run(cmd);
        } catch (IOException | InterruptedException | RuntimeException e) {
            failures.add(String.join(" ", cmd) + ": " + e.getMessage());
        }
    }

    private static void requireTool(String tool) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new AssertionError("'" + tool + "' is not installed: the partition test needs it to make network namespaces"
                + " (Debian: apt-get install iproute2 iptables)");
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
    }
}
