package dev.escalator.operator.metal;

import java.util.Objects;

/** A BMC login. {@link #toString()} never shows the password, so a logged record leaks nothing. */
public record BmcCredentials(String username, String password) {
  public BmcCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** {@code text} with the password replaced, for messages built from what a BMC or a tool printed. */
  String mask(String text) {
    if (text == null || password.isEmpty()) return text;
    return text.replace(password, "***");
  }

  @Override
  public String toString() {
    return "BmcCredentials[username=" + username + ", password=***]";
  }
}
