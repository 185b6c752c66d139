package dev.escalator.operator.ladder;

import java.util.Locale;

/**
 * How enum values read where humans see them (status, history, messages): {@code BACKING_OFF}
 * as {@code BackingOff}, as Kubernetes writes its own phases and reasons.
 */
public final class CamelCase {
  private CamelCase() {}

  public static String of(Enum<?> e) {
    StringBuilder sb = new StringBuilder();
    for (String part : e.name().split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }

  /** The enum constant whose {@link #of} is {@code text}; IllegalArgumentException otherwise. */
  public static <E extends Enum<E>> E parse(Class<E> type, String text) {
    for (E e : type.getEnumConstants()) {
      if (of(e).equals(text)) return e;
    }
    throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + text + "'");
  }
}
