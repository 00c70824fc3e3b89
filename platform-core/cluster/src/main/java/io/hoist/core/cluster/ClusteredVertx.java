package io.hoist.core.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * What a node needs to build a clustered Vert.x: a Hazelcast cluster manager that joins by a fixed member list (TCP,
 * multicast and auto-detection off, bound to {@link ClusterSettings#host}) and event-bus options that announce the
 * same address. Messages between nodes travel over the event bus's own TCP connections (an ephemeral port).
 */
public final class ClusteredVertx {
    /** Hazelcast's cluster name: members of another product's Hazelcast cluster are not joined. */
    static final String CLUSTER_NAME = "hoist";

    private ClusteredVertx() {}

    public static HazelcastClusterManager clusterManager(ClusterSettings settings) {
        Config config = ConfigUtil.loadConfig(); // Vert.x's maps (subscriptions, node info) with their backups
        config.setClusterName(CLUSTER_NAME);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // Vert.x leaves the cluster in its own close; Hazelcast's hook would race it
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // A member killed without leaving is dropped after 5 s without a heartbeat (default 60 s): before the leader
        // lease (10 s) can pass to another node, so the new leader's engine does not send to the dead node's consumers
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        // After a network partition heals, the two halves merge within seconds (defaults: 300 s, then every 120 s),
        // so a node that was cut off (and stopped its runs) takes runs again soon
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(settings.host());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        return new HazelcastClusterManager(config);
    }

    /**
     * {@code options} with the event bus bound to the node's address on an ephemeral port, and the node's profile
     * (name, labels, disk cap) in its cluster metadata for the leader's placement.
     */
    public static VertxOptions eventBus(VertxOptions options, ClusterSettings settings) {
        options.getEventBusOptions().setHost(settings.host()).setPort(0).setClusterPublicHost(settings.host())
                .setClusterNodeMetadata(settings.profile().toJson());
        return options;
    }
}
