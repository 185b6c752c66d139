"""What every integration test expects to find in the test cloud.

Creates (each only if missing) the flavors m1.nano, m1.tiny and m1.small,
a tiny public raw image "cirros" (Glance only stores it; the fake virt
driver never reads it), the shared external network "public" with a subnet
without DHCP, and sets generous quotas for the admin and demo projects and
as Nova's defaults, so suites that create a few dozen resources never hit
a quota. Runs as the escalator-admin cloud of OS_CLIENT_CONFIG_FILE.
"""
import openstack
import openstack.config

FLAVORS = (
    # (id, name, RAM MiB, vCPUs, disk GiB); the fake driver offers 1000
    # vCPUs and 800 GB of RAM, so sizes only matter to the tests' eyes
    ('42', 'm1.nano', 128, 1, 1),
    ('1', 'm1.tiny', 512, 1, 1),
    ('2', 'm1.small', 2048, 1, 20),
)
IMAGE_NAME = 'cirros'
IMAGE_BYTES = b'escalator test image\n' * 3000  # ~62 KiB, any bytes do

PUBLIC = {'network': 'public', 'subnet': 'public-subnet',
          'cidr': '203.0.113.0/24', 'gateway': '203.0.113.1',
          'pool': {'start': '203.0.113.10', 'end': '203.0.113.250'}}

COMPUTE_QUOTAS = {'instances': 200, 'cores': 400, 'ram': 400 * 1024,
                  'server_groups': 100, 'server_group_members': 100,
                  'key_pairs': 100, 'metadata_items': 128}
NETWORK_QUOTAS = {'network': 100, 'subnet': 200, 'port': 500, 'router': 50,
                  'floatingip': 100, 'security_group': 100,
                  'security_group_rule': 1000}


def ensure_flavors(compute):
    present = {f.name for f in compute.flavors()}
    for flavor_id, name, ram, vcpus, disk in FLAVORS:
        if name not in present:
            compute.create_flavor(id=flavor_id, name=name, ram=ram,
                                  vcpus=vcpus, disk=disk, is_public=True)


def ensure_image(image):
    found = image.get('/images', params={'name': IMAGE_NAME}).json()['images']
    if found and found[0]['status'] == 'active':
        return
    for stale in found:  # an upload cut short by an earlier failure
        image.delete('/images/%s' % stale['id'])
    created = image.post('/images', json={
        'name': IMAGE_NAME, 'disk_format': 'raw', 'container_format': 'bare',
        'visibility': 'public'}).json()
    image.put('/images/%s/file' % created['id'], data=IMAGE_BYTES,
              headers={'Content-Type': 'application/octet-stream'})


def ensure_public_network(network):
    net = network.find_network(PUBLIC['network'])
    if net is None:
        net = network.create_network(
            name=PUBLIC['network'], is_router_external=True, is_shared=True,
            provider_network_type='flat',
            provider_physical_network='public')
    if network.find_subnet(PUBLIC['subnet'], network_id=net.id) is None:
        network.create_subnet(
            name=PUBLIC['subnet'], network_id=net.id, ip_version=4,
            cidr=PUBLIC['cidr'], gateway_ip=PUBLIC['gateway'],
            allocation_pools=[PUBLIC['pool']], is_dhcp_enabled=False)


def set_quotas(conn, project_id):
    conn.compute.put('/os-quota-sets/%s' % project_id,
                     json={'quota_set': COMPUTE_QUOTAS})
    conn.network.put('/quotas/%s' % project_id,
                     json={'quota': NETWORK_QUOTAS})


def main():
    config = openstack.config.OpenStackConfig()
    conn = openstack.connect(cloud='escalator-admin')
    ensure_flavors(conn.compute)
    ensure_image(conn.image)
    ensure_public_network(conn.network)
    # Nova's default quota class covers the projects tests create; Neutron's
    # defaults for those are raised in neutron.conf by start-openstack.sh.
    conn.compute.put('/os-quota-class-sets/default',
                     json={'quota_class_set': COMPUTE_QUOTAS})
    for cloud in ('escalator-admin', 'escalator-demo'):
        name = config.get_one(cloud=cloud).auth['project_name']
        set_quotas(conn, conn.identity.find_project(
            name, domain_id='default', ignore_missing=False).id)
    print('flavors, image, public network and quotas in place')


if __name__ == '__main__':
    main()
