package dev.escalator.operator.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Where one run crashes the operator: after the n-th of the operator's durable effects (an
 * OpenStack mutation, a Job created, a status written, a webhook delivered), counted over the whole
 * run in the order they land. The indices come from the run's seed; every crash that fired is kept
 * with the effect it followed.
 */
final class CrashPoints {
  private final TreeSet<Integer> pending = new TreeSet<>();
  private final List<String> landed = new ArrayList<>();
  private int effects;
  private boolean armed = true;
  private String namedEffect;

  /**
   * 1 to {@code maxCrashes} distinct indices drawn from 1..{@code horizon} by {@code seed}.
   * (SplittableRandom: java.util.Random's first draws of consecutive seeds are nearly the same.)
   */
  CrashPoints(long seed, int maxCrashes, int horizon) {
    SplittableRandom random = new SplittableRandom(seed);
    int crashes = 1 + random.nextInt(maxCrashes);
    while (pending.size() < crashes) pending.add(1 + random.nextInt(horizon));
  }

  private CrashPoints(String effect) {
    namedEffect = effect;
  }

  /** One crash, right after the first effect named {@code effect} (e.g. {@code "openstack POST /compute/v2.1/servers"}). */
  static CrashPoints at(String effect) {
    return new CrashPoints(effect);
  }

  /**
   * Counts one effect; true when the operator must crash right after it. Effects that land while
   * disarmed (between a crash and the next instance's start) are not the live operator's, and are
   * not counted.
   */
  synchronized boolean crashAfter(String effect) {
    if (!armed) return false;
    effects++;
    boolean named = effect.equals(namedEffect);
    if (!pending.remove(effects) && !named) return false;
    if (named) namedEffect = null;
    armed = false;
    landed.add(effect);
    return true;
  }

  /** A new operator instance runs: its effects count again. */
  synchronized void rearm() {
    armed = true;
  }

  synchronized List<String> landed() {
    return List.copyOf(landed);
  }

  /** Crash points the run ended before reaching. */
  synchronized int missed() {
    return pending.size() + (namedEffect == null ? 0 : 1);
  }

  synchronized int effects() {
    return effects;
  }
}
