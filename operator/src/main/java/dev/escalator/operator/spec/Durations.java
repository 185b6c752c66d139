package dev.escalator.operator.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes-style durations ({@code 500ms}, {@code 30s}, {@code 1m30s}, {@code 2h}). */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");
  /** Longer than anything sensible for a ladder timer; guards against overflow and typos. */
  static final Duration MAX = Duration.ofDays(7);

  private Durations() {}

  /** Parses a duration string; throws IllegalArgumentException with a human message. */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty duration");
    Matcher m = PART.matcher(text);
    int pos = 0;
    Duration total = Duration.ZERO;
    while (m.find()) {
      if (m.start() != pos) break;
      if (m.group(1).length() > 9) throw new IllegalArgumentException("duration '" + text + "' is too large (at most " + format(MAX) + ")");
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
      pos = m.end();
    }
    if (pos != text.length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 30s, 5m, 1m30s or 500ms");
    }
    if (total.compareTo(MAX) > 0) throw new IllegalArgumentException("duration '" + text + "' is too large (at most " + format(MAX) + ")");
    return total;
  }

  /** The shortest string {@link #parse} reads back as the same duration. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) return "0s";
    StringBuilder sb = new StringBuilder();
    long h = ms / 3_600_000;
    ms %= 3_600_000;
    long m = ms / 60_000;
    ms %= 60_000;
    long s = ms / 1000;
    ms %= 1000;
    if (h > 0) sb.append(h).append('h');
    if (m > 0) sb.append(m).append('m');
    if (s > 0) sb.append(s).append('s');
    if (ms > 0) sb.append(ms).append("ms");
    return sb.toString();
  }
}
