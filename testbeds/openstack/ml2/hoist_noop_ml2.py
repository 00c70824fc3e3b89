"""A no-op ML2 mechanism driver for Hoist's OpenStack testbed.

The testbed runs Neutron without agents (no Open vSwitch, no Linux bridge). Without a mechanism driver
that binds, every port stays DOWN with binding:vif_type=binding_failed and Nova refuses to boot a server
on it. This driver binds any port on any host to the first segment offered, as an OVS port without
filtering, and does nothing else: no data plane exists, only the API state Hoist reads (ports, MACs,
fixed IPs, networks, subnets).
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class NoopBindDriver(api.MechanismDriver):

    def initialize(self):
        pass

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OVS,
                                {portbindings.CAP_PORT_FILTER: False},
                                status='ACTIVE')
            return
