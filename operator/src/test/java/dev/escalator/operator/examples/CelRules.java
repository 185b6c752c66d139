package dev.escalator.operator.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.tools.Script;
import org.projectnessie.cel.tools.ScriptException;
import org.projectnessie.cel.tools.ScriptHost;

/**
 * Evaluates a CRD's x-kubernetes-validations rules with a CEL implementation for Java (Project
 * Nessie's port of cel-go), {@code self} being the value at the rule's place in the object, as the
 * API server binds it. The rules of this CRD use only standard CEL (macros, {@code has}, {@code in},
 * {@code size}), none of Kubernetes' extension libraries, so the standard environment evaluates
 * them as the API server would.
 */
final class CelRules {
  private final ScriptHost host = ScriptHost.newBuilder().build();
  /** Compiled once per rule: compiling is what costs. */
  private final Map<String, Script> scripts = new java.util.concurrent.ConcurrentHashMap<>();

  /** True when the rule holds for {@code self}; a rule that does not compile or evaluate fails loudly. */
  boolean holds(String rule, JsonNode self) {
    try {
      Script script = scripts.get(rule);
      if (script == null) {
        script = host.buildScript(rule).withDeclarations(Decls.newVar("self", Decls.Dyn)).build();
        scripts.put(rule, script);
      }
      Map<String, Object> arguments = new LinkedHashMap<>();
      arguments.put("self", toCel(self));
      Boolean result = script.execute(Boolean.class, arguments);
      if (result == null) throw new IllegalStateException("rule '" + rule + "' returned no bool");
      return result;
    } catch (ScriptException e) {
      throw new IllegalStateException("rule does not compile or evaluate: " + rule + ": " + e.getMessage(), e);
    }
  }

  /** JSON as CEL sees it: maps, lists, int (long), double, string, bool. */
  static Object toCel(JsonNode v) {
    if (v.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        if (!e.getValue().isNull()) m.put(e.getKey(), toCel(e.getValue()));
      }
      return m;
    }
    if (v.isArray()) {
      List<Object> l = new ArrayList<>();
      v.forEach(e -> l.add(toCel(e)));
      return l;
    }
    if (v.isIntegralNumber()) return v.asLong();
    if (v.isNumber()) return v.asDouble();
    if (v.isBoolean()) return v.asBoolean();
    return v.asText();
  }
}
