package dev.escalator.operator.openstack;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The real OpenStack that {@code hack/start-openstack.sh} starts: its clouds.yaml comes from
 * ESCALATOR_OPENSTACK_CLOUDS (default /tmp/escalator-openstack/clouds.yaml). Without it the tests
 * fail rather than skip: a green build must mean they ran.
 */
public final class RealCloud {
  public static final String ADMIN = "escalator-admin";
  static final String SECRET = "openstack-clouds";

  private RealCloud() {}

  public static String cloudsYaml() {
    String path = System.getenv().getOrDefault("ESCALATOR_OPENSTACK_CLOUDS", "/tmp/escalator-openstack/clouds.yaml");
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      return fail("no clouds.yaml at " + path + ": start the test cloud with hack/start-openstack.sh (" + e + ")");
    }
  }

  /** A Secret source serving clouds.yaml as the Secret {@link #SECRET} in every namespace. */
  static OpenStackClouds.SecretSource secrets(String yaml) {
    return (namespace, name) -> SECRET.equals(name) ? Optional.of(Map.of("clouds.yaml", yaml)) : Optional.empty();
  }

  public static OpenStackClouds clouds(String yaml) {
    return new OpenStackClouds(secrets(yaml), OpenStackClouds.Settings.defaults(), Clock.systemUTC(), (e, s) -> { });
  }
}
