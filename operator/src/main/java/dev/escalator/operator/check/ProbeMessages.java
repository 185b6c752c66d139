package dev.escalator.operator.check;

import java.net.URI;
import java.time.Duration;

/**
 * Wording shared by the probes. Probe messages reach status and drive the verdict listener, so
 * they are built from the spec and the outcome only: no latencies, no timestamps, no header values.
 */
final class ProbeMessages {
  private static final int MAX_DETAIL = 200;

  private ProbeMessages() {}

  /** "5s", or "1500ms" when the timeout is not whole seconds. */
  static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /**
   * The URI without user info, query or fragment: those may carry credentials or tokens, and the
   * message lands in a status any namespace reader can see.
   */
  static String endpoint(URI uri) {
    StringBuilder s = new StringBuilder();
    if (uri.getScheme() != null) s.append(uri.getScheme()).append("://");
    if (uri.getHost() != null) s.append(uri.getHost());
    if (uri.getPort() >= 0) s.append(':').append(uri.getPort());
    if (uri.getRawPath() != null) s.append(uri.getRawPath());
    return s.toString();
  }

  /** Bounded, single-line detail text from another system (an error body, a tool's output). */
  static String detail(String text) {
    if (text == null) return "";
    String oneLine = text.strip().replaceAll("\\s*\\R\\s*", " ");
    return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "...";
  }

  /** The innermost cause of type {@code type} in the chain, or null. */
  static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) return type.cast(c);
    }
    return null;
  }
}
