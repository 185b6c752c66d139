package dev.escalator.operator.spec;

import dev.escalator.operator.api.EnvironmentSpec;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The current, validated spec of every Environment the operator works on, by namespace and name:
 * provider checks (e.g. openstack) read their environment's provider settings here at each probe,
 * so a changed Secret name or cloud takes effect without re-expanding the checks.
 */
public final class EnvironmentDirectory {
  private final ConcurrentMap<String, EnvironmentSpec> specs = new ConcurrentHashMap<>();

  public void put(String namespace, String name, EnvironmentSpec spec) {
    specs.put(key(namespace, name), spec);
  }

  public void remove(String namespace, String name) {
    specs.remove(key(namespace, name));
  }

  public Optional<EnvironmentSpec> get(String namespace, String name) {
    return Optional.ofNullable(specs.get(key(namespace, name)));
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
