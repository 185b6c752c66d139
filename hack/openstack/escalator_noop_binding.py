"""An ML2 mechanism driver that binds every port without any agent.

Escalator's test cloud runs the Neutron API alone: no Open vSwitch, no OVN,
no L2 agent. With no driver able to bind a port, Nova marks every server
that has a NIC as ERROR ("binding_failed"). This driver says yes to the
first segment it is offered, as an OVS port with port filtering, and marks
the port ACTIVE at once, so servers on tenant networks go ACTIVE with the
fake virt driver. No packet ever flows: it exists for API-level tests only.

hack/start-openstack.sh copies this file into the cloud's state directory
next to the entry point that names it "escalator_noop" for ML2.
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class EscalatorNoopBindingDriver(api.MechanismDriver):
    """Binds any port on any host, on whatever segment comes first."""

    def initialize(self):
        # Nothing to connect to: no agents, no backend.
        pass

    def bind_port(self, context):
        segments = context.segments_to_bind
        if not segments:
            return
        context.set_binding(
            segments[0][api.ID],
            portbindings.VIF_TYPE_OVS,
            {portbindings.CAP_PORT_FILTER: True,
             portbindings.OVS_HYBRID_PLUG: False},
            status=constants.PORT_STATUS_ACTIVE)
