"""Wait until the test cloud can boot a server, by booting one.

Usage: await_bootable.py TIMEOUT_SECONDS NOVA_MANAGE_COMMAND

1. The fake compute host is mapped to cell1 (runs `nova-manage cell_v2
   discover_hosts` while the API lists no hypervisor);
2. Placement holds its VCPU inventory;
3. a probe server (m1.nano, image cirros, no NIC) goes ACTIVE and is
   deleted again. A probe that ends in ERROR (a scheduler that has not yet
   seen the host) is deleted and tried again until the timeout.
Runs as the escalator-admin cloud of OS_CLIENT_CONFIG_FILE.
"""
import shlex
import subprocess
import sys
import time

import openstack

PROBE_NAME = 'escalator-readiness-probe'


class Deadline:
    def __init__(self, seconds):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def wait(self, what, condition, every=0.2):
        """Poll condition() until it is truthy; errors count as 'not yet'."""
        last = None
        while True:
            try:
                result = condition()
                if result:
                    return result
            except Exception as error:  # service still starting
                last = error
            if time.monotonic() > self.at:
                sys.exit('await_bootable: no %s after %ss (last error: %s)'
                         % (what, self.seconds, last))
            time.sleep(every)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    deadline = Deadline(float(argv[1]))
    discover = shlex.split(argv[2]) + ['cell_v2', 'discover_hosts']
    conn = openstack.connect(cloud='escalator-admin')
    compute, placement = conn.compute, conn.placement

    def hypervisor_listed():
        if compute.get('/os-hypervisors').json()['hypervisors']:
            return True
        subprocess.run(discover, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return bool(compute.get('/os-hypervisors').json()['hypervisors'])

    deadline.wait('hypervisor mapped to a cell', hypervisor_listed)

    def vcpu_inventory():
        providers = placement.get(
            '/resource_providers',
            microversion='1.14').json()['resource_providers']
        return any('VCPU' in placement.get(
            '/resource_providers/%s/inventories' % rp['uuid']).json()
            ['inventories'] for rp in providers)

    deadline.wait('VCPU inventory in placement', vcpu_inventory)

    flavor = compute.find_flavor('m1.nano', ignore_missing=False)
    image = conn.image.find_image('cirros', ignore_missing=False)

    def delete_probes():
        for server in compute.servers(name='^%s$' % PROBE_NAME):
            compute.delete_server(server)
            compute.wait_for_delete(server, interval=0.2, wait=60)

    def probe_boots():
        delete_probes()
        started = time.monotonic()
        server = compute.post('/servers', microversion='2.37', json={
            'server': {'name': PROBE_NAME, 'flavorRef': flavor.id,
                       'imageRef': image.id, 'networks': 'none'}}
        ).json()['server']
        while True:
            status = compute.get('/servers/%s' % server['id']).json()[
                'server']['status']
            if status == 'ACTIVE':
                delete_probes()
                return time.monotonic() - started
            if status == 'ERROR':
                raise RuntimeError('probe server went to ERROR')
            if time.monotonic() > deadline.at:
                raise RuntimeError('probe server still %s' % status)
            time.sleep(0.2)

    took = deadline.wait('server reaching ACTIVE', probe_boots, every=1)
    print('a probe server went ACTIVE in %.1fs' % took)


if __name__ == '__main__':
    main(sys.argv)
