"""nova-compute, without the nova-compute Debian package.

/usr/bin/nova-compute ships in the nova-compute .deb, which depends on
libvirt, QEMU and open-iscsi; the fake virt driver needs none of them and
the service's code is already in python3-nova. This is the same entry point.
"""
import sys

from nova.cmd.compute import main

if __name__ == '__main__':
    sys.exit(main())
