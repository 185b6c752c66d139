package dev.escalator.operator.openstack;

/** The environment's OpenStack configuration (Secret, clouds.yaml) is missing or wrong: fix it, retrying will not help. */
public class OpenStackConfigException extends Exception {
  public OpenStackConfigException(String message) {
    super(message);
  }
}
