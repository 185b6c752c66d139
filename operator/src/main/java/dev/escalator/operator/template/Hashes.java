package dev.escalator.operator.template;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short, stable hashes for deterministic names (work names, provider resource names). */
public final class Hashes {
  private Hashes() {}

  /** The SHA-256 of {@code s} (UTF-8) as 64 lower-case hex digits. */
  public static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
