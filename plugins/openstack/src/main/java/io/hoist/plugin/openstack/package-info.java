/** The OpenStack source provider: Keystone v3, Nova, Cinder, Glance and Neutron through openstack4j. */
package io.hoist.plugin.openstack;
