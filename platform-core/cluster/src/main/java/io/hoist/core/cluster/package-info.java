/**
 * Several Hoist nodes as one: {@link io.hoist.core.cluster.ClusteredVertx} joins the nodes' Vert.x event buses through
 * Hazelcast, {@link io.hoist.core.cluster.LeaderElection} keeps exactly one node running the controllers (a lease row
 * in the shared PostgreSQL store, with fencing of a deposed leader's writes).
 */
package io.hoist.core.cluster;
