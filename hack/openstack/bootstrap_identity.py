"""Identity and catalog of the test cloud, after `keystone-manage bootstrap`.

Creates (each only if missing, so a rerun changes nothing):
- the "service" project and one user per service (nova, glance, neutron,
  placement) with the admin and service roles in it;
- the "demo" project and the non-admin user "demo" (role member), whose
  password is the one the escalator-demo cloud of clouds.yaml holds;
- the catalog entries of image, placement, compute and network.

Reads the admin credentials from the escalator-admin cloud of the
clouds.yaml named by OS_CLIENT_CONFIG_FILE, and the services' password from
ESCALATOR_OPENSTACK_SERVICE_PASSWORD.
"""
import os

import openstack
import openstack.config

REGION = 'RegionOne'
CATALOG = (
    # (service name, type, endpoint URL)
    ('glance', 'image', 'http://127.0.0.1:9292'),
    ('placement', 'placement', 'http://127.0.0.1:8778'),
    ('nova', 'compute', 'http://127.0.0.1:8774/v2.1'),
    ('neutron', 'network', 'http://127.0.0.1:9696'),
)


def ensure_project(identity, name, description):
    return (identity.find_project(name, domain_id='default')
            or identity.create_project(name=name, domain_id='default',
                                       description=description))


def ensure_role(identity, name):
    return identity.find_role(name) or identity.create_role(name=name)


def ensure_user(identity, name, password, project):
    return (identity.find_user(name, domain_id='default')
            or identity.create_user(name=name, domain_id='default',
                                    password=password,
                                    default_project_id=project.id))


def grant(identity, user, project, role):
    # granting an existing assignment again is a no-op in Keystone
    identity.assign_project_role_to_user(project, user, role)


def ensure_endpoints(identity, name, service_type, url):
    service = (identity.find_service(name)
               or identity.create_service(name=name, type=service_type,
                                          is_enabled=True))
    present = {e.interface for e in identity.endpoints(service_id=service.id)}
    for interface in ('public', 'internal', 'admin'):
        if interface not in present:
            identity.create_endpoint(service_id=service.id, url=url,
                                     interface=interface, region_id=REGION)


def main():
    service_password = os.environ['ESCALATOR_OPENSTACK_SERVICE_PASSWORD']
    demo_auth = openstack.config.OpenStackConfig().get_one(
        cloud='escalator-demo').auth
    identity = openstack.connect(cloud='escalator-admin').identity

    admin_role = ensure_role(identity, 'admin')
    member_role = ensure_role(identity, 'member')
    ensure_role(identity, 'reader')
    service_role = ensure_role(identity, 'service')

    service_project = ensure_project(identity, 'service', 'OpenStack services')
    for name in ('nova', 'glance', 'neutron', 'placement'):
        user = ensure_user(identity, name, service_password, service_project)
        grant(identity, user, service_project, admin_role)
        grant(identity, user, service_project, service_role)

    demo_project = ensure_project(identity, demo_auth['project_name'],
                                  'Non-admin project for integration tests')
    demo_user = ensure_user(identity, demo_auth['username'],
                            demo_auth['password'], demo_project)
    grant(identity, demo_user, demo_project, member_role)

    for name, service_type, url in CATALOG:
        ensure_endpoints(identity, name, service_type, url)
    print('identity and catalog in place')


if __name__ == '__main__':
    main()
