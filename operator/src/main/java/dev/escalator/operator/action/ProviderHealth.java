package dev.escalator.operator.action;

import java.util.List;

/**
 * How the provider endpoints an environment uses are doing (circuit breaker state), for status.
 * Providers that keep no such state report nothing.
 */
@FunctionalInterface
public interface ProviderHealth {
  record Endpoint(String type, String endpoint, String circuit) {}

  List<Endpoint> endpoints(String namespace, String environment);

  static ProviderHealth none() {
    return (namespace, environment) -> List.of();
  }
}
