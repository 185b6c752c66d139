"""Smoke test of the test cloud, as the non-admin escalator-demo user.

Proves what Escalator's OpenStack provider relies on: a token and a catalog;
a network, subnet, router with its gateway on "public", and a security
group; a server with a NIC on that network going ACTIVE, a floating IP on
it, a soft and a hard reboot, a rebuild and a delete. Everything it creates
carries one name prefix and is deleted again, also when a step fails; the
last step checks that nothing it made is left. Exit status 0 when all passed.
Reads OS_CLIENT_CONFIG_FILE (hack/openstack/smoke.sh sets it).
"""
import sys
import time

import openstack

POLL = 0.2  # seconds; the CLI's --wait polls every 5 s


class StepFailed(Exception):
    pass


class Run:
    """Prints each step with its duration; remembers whether any failed."""

    def __init__(self):
        self.failed = False

    def step(self, title, action, stop_on_failure=True):
        started = time.monotonic()
        try:
            result = action()
        except Exception as error:
            self.failed = True
            print('FAIL %6.2fs  %s: %s' % (time.monotonic() - started,
                                            title, error), flush=True)
            if stop_on_failure:
                raise StepFailed(title) from error
            return None
        print('ok   %6.2fs  %s' % (time.monotonic() - started, title),
              flush=True)
        return result


def wait_status(compute, server_id, wanted, timeout=60):
    """Until the server has the wanted status and no task in progress."""
    deadline = time.monotonic() + timeout
    while True:
        server = compute.get_server(server_id)
        if server.status == wanted and server.task_state is None:
            return server
        if server.status == 'ERROR':
            raise RuntimeError('server %s is ERROR: %s'
                               % (server_id, server.fault))
        if time.monotonic() > deadline:
            raise RuntimeError('server %s still %s/%s after %ss, wanted %s'
                               % (server_id, server.status, server.task_state,
                                  timeout, wanted))
        time.sleep(POLL)


def wait_gone(compute, server_id, timeout=60):
    deadline = time.monotonic() + timeout
    while compute.find_server(server_id) is not None:
        if time.monotonic() > deadline:
            raise RuntimeError('server %s not gone after %ss'
                               % (server_id, timeout))
        time.sleep(POLL)


class Made:
    """What the smoke test created, so cleanup and the final check know."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.network = self.subnet = self.router = None
        self.router_interface = False
        self.security_group = self.server = self.floating_ip = None
        self.server_id = None
        self.floating_ip_id = None


def exercise(run, conn, made):
    compute, network = conn.compute, conn.network

    def catalog():
        access = conn.session.auth.get_access(conn.session)
        if access.project_name != 'demo':
            raise RuntimeError('token scoped to %r' % access.project_name)
        types = {s['type'] for s in access.service_catalog.catalog}
        missing = {'identity', 'compute', 'network', 'image',
                   'placement'} - types
        if missing:
            raise RuntimeError('catalog lacks %s' % sorted(missing))

    run.step('catalog: identity, compute, network, image, placement',
             catalog)
    flavor = run.step('flavor m1.tiny visible', lambda:
                      compute.find_flavor('m1.tiny', ignore_missing=False))
    image = run.step('image cirros visible', lambda: conn.image.find_image(
        'cirros', ignore_missing=False))
    public = run.step('external network public visible', lambda:
                      network.find_network('public', ignore_missing=False))

    made.network = run.step('network create', lambda: network.create_network(
        name=made.prefix + '-net'))
    made.subnet = run.step('subnet create', lambda: network.create_subnet(
        name=made.prefix + '-subnet', network_id=made.network.id,
        ip_version=4, cidr='10.42.0.0/24'))
    made.router = run.step('router create, gateway on public', lambda:
                           network.create_router(
                               name=made.prefix + '-router',
                               external_gateway_info={
                                   'network_id': public.id}))
    run.step('router interface on the subnet', lambda:
             network.add_interface_to_router(made.router,
                                             subnet_id=made.subnet.id))
    made.router_interface = True
    made.security_group = run.step(
        'security group create', lambda: network.create_security_group(
            name=made.prefix + '-sg'))
    run.step('security group rule (tcp 22 in)', lambda:
             network.create_security_group_rule(
                 security_group_id=made.security_group.id,
                 direction='ingress', ethertype='IPv4', protocol='tcp',
                 port_range_min=22, port_range_max=22))

    def boot():
        made.server = compute.create_server(
            name=made.prefix + '-vm', flavor_id=flavor.id, image_id=image.id,
            networks=[{'uuid': made.network.id}],
            security_groups=[{'name': made.security_group.name}])
        made.server_id = made.server.id
        return wait_status(compute, made.server.id, 'ACTIVE')

    server = run.step('server with a NIC boots to ACTIVE', boot)

    def nic_bound():
        ports = list(network.ports(device_id=server.id))
        if len(ports) != 1 or ports[0].status != 'ACTIVE':
            raise RuntimeError('ports: %s' % [(p.id, p.status)
                                              for p in ports])
        address = ports[0].fixed_ips[0]['ip_address']
        if not address.startswith('10.42.0.'):
            raise RuntimeError('fixed IP %s not on the subnet' % address)
        return ports[0]

    port = run.step('its port is bound, ACTIVE, with a fixed IP', nic_bound)

    def floating_ip():
        made.floating_ip = network.create_ip(floating_network_id=public.id,
                                             port_id=port.id)
        made.floating_ip_id = made.floating_ip.id

    run.step('floating IP from public on its port', floating_ip)
    for kind in ('SOFT', 'HARD'):
        run.step('reboot (%s) back to ACTIVE' % kind.lower(), lambda: (
            compute.reboot_server(server, kind),
            wait_status(compute, server.id, 'ACTIVE')))
    run.step('rebuild back to ACTIVE', lambda: (
        compute.rebuild_server(server, image=image.id),
        wait_status(compute, server.id, 'ACTIVE')))
    run.step('server delete, gone', lambda: (
        compute.delete_server(server), wait_gone(compute, server.id)))
    made.server = None


def clean_up(conn, made):
    """Deletes whatever exercise() got to create, in dependency order."""
    compute, network = conn.compute, conn.network
    if made.floating_ip is not None:
        network.delete_ip(made.floating_ip, ignore_missing=True)
    if made.server is not None:
        compute.delete_server(made.server, ignore_missing=True)
        wait_gone(compute, made.server.id)
    if made.router_interface:
        network.remove_interface_from_router(made.router,
                                             subnet_id=made.subnet.id)
    for resource, delete in ((made.router, network.delete_router),
                             (made.security_group,
                              network.delete_security_group),
                             (made.subnet, network.delete_subnet),
                             (made.network, network.delete_network)):
        if resource is not None:
            delete(resource, ignore_missing=True)


def assert_nothing_left(conn, made):
    compute, network = conn.compute, conn.network
    left = [s.name for s in compute.servers()
            if s.name.startswith(made.prefix)]
    for listing in (network.networks, network.subnets, network.routers,
                    network.security_groups):
        left += [r.name for r in listing()
                 if (r.name or '').startswith(made.prefix)]
    owners = {made.server_id, made.router and made.router.id} - {None}
    left += ['port %s of %s' % (p.id, p.device_owner)
             for p in network.ports() if p.device_id in owners]
    left += ['floating IP %s' % f.floating_ip_address for f in network.ips()
             if f.id == made.floating_ip_id]
    if left:
        raise RuntimeError('left behind: %s' % ', '.join(left))


def main():
    run = Run()
    made = Made('smoke-%s' % time.strftime('%H%M%S'))
    def token():
        conn = openstack.connect(cloud='escalator-demo')
        conn.authorize()  # a password authentication, scoped to project demo
        return conn

    try:
        conn = run.step('token (user demo, project demo)', token)
    except StepFailed:
        return 1
    try:
        exercise(run, conn, made)
    except StepFailed:
        pass  # printed; clean up all the same
    finally:
        run.step('clean up', lambda: clean_up(conn, made),
                 stop_on_failure=False)
        run.step('nothing of %s* left' % made.prefix,
                 lambda: assert_nothing_left(conn, made),
                 stop_on_failure=False)
    print('smoke: %s' % ('FAILED' if run.failed else 'all steps passed'))
    return 1 if run.failed else 0


if __name__ == '__main__':
    sys.exit(main())
