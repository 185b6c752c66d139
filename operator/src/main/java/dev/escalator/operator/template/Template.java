package dev.escalator.operator.template;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${name}} placeholders with values. Substitution is a single pass over the
 * template text: a value that itself contains {@code ${...}} is inserted literally and never
 * expanded, so data from the inventory cannot inject further placeholders.
 */
public final class Template {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_.]*)}");
  private static final Pattern ANY_PLACEHOLDER = Pattern.compile("\\$\\{[^}]*}?");

  private Template() {}

  /** Renders the text; throws {@link UnknownVariableException} naming the first unknown variable. */
  public static String render(String text, Map<String, String> variables) {
    if (text == null || text.indexOf("${") < 0) return text;
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 32);
    while (m.find()) {
      String name = m.group(1);
      String value = variables.get(name);
      if (value == null) throw new UnknownVariableException(name, variables.keySet());
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The variable names a text refers to. */
  public static Set<String> variables(String text) {
    Set<String> names = new TreeSet<>();
    if (text == null) return names;
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) names.add(m.group(1));
    return names;
  }

  /**
   * The {@code ${...}} sequences of a text that are not placeholders (e.g. {@code ${env:HOME}},
   * {@code ${jndi:...}}, an unclosed {@code ${}): render leaves them as they are, which is never what
   * the author meant, so validation rejects them.
   */
  public static Set<String> malformed(String text) {
    Set<String> found = new TreeSet<>();
    if (text == null) return found;
    Matcher m = ANY_PLACEHOLDER.matcher(text);
    while (m.find()) {
      if (!PLACEHOLDER.matcher(m.group()).matches()) found.add(m.group());
    }
    return found;
  }

  /** A placeholder names a variable that is not defined where the text is used. */
  public static final class UnknownVariableException extends IllegalArgumentException {
    private final String variable;

    UnknownVariableException(String variable, Set<String> known) {
      super("unknown template variable ${" + variable + "}; known here: " + new TreeSet<>(known));
      this.variable = variable;
    }

    public String variable() {
      return variable;
    }
  }
}
