package dev.escalator.operator.crash;

import java.util.List;
import java.util.function.Predicate;

/** The cloud a crash run builds on, with what the harness needs of it. */
interface CrashCloud extends AutoCloseable {
  /** The name of the cloud in {@link #cloudsYaml()}. */
  String cloudName();

  String cloudsYaml();

  /**
   * Reports each of the cloud's own effects (mutations) to {@code crashAfter} as it lands; when it
   * answers true the operator must not hear back. A cloud that cannot observe its effects ignores it.
   */
  void onEffect(Predicate<String> crashAfter);

  /** From now on the crashed instance reaches the cloud no more, where the cloud can enforce it. */
  void refuseCrashedInstance();

  /** A fresh instance is about to start. */
  void acceptNewInstance();

  /** Resources beyond or short of what the spec with {@code nodes} nodes declares. */
  List<String> leaks(int nodes) throws Exception;

  /** Cloud actions done more than once. */
  List<String> duplicates() throws Exception;

  @Override
  void close() throws Exception;
}
