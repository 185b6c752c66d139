package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's routes: method plus path template ({@code /v2.1/servers/{id}}), matched segment by
 * segment. The template, not the concrete path, names the call in the request counters.
 */
final class Routes {
  /** What a handler gets: path parameters, query, parsed body and the caller's token (null on public routes). */
  record Call(String method, Map<String, String> params, Map<String, List<String>> query, JsonNode body, Cloud.Token token,
      Map<String, List<String>> headers) {
    String param(String name) {
      return params.get(name);
    }

    /** The first value of a query parameter, or null. */
    String query(String name) {
      List<String> values = query.get(name);
      return values == null || values.isEmpty() ? null : values.getFirst();
    }

    List<String> queryAll(String name) {
      return query.getOrDefault(name, List.of());
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().getFirst();
      }
      return null;
    }
  }

  @FunctionalInterface
  interface Handler {
    Reply handle(Call call);
  }

  record Route(String method, String template, boolean authenticated, Handler handler) {}

  record Match(Route route, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();

  /** A route that needs a valid X-Auth-Token. */
  Routes add(String method, String template, Handler handler) {
    routes.add(new Route(method, template, true, handler));
    return this;
  }

  /** A route anyone may call: version documents and token creation. */
  Routes open(String method, String template, Handler handler) {
    routes.add(new Route(method, template, false, handler));
    return this;
  }

  /** The route for {@code method} and {@code path} (service prefix removed), or null. */
  Match match(String method, String path) {
    String[] parts = split(path);
    for (Route r : routes) {
      if (!r.method().equals(method)) continue;
      String[] t = split(r.template());
      if (t.length != parts.length) continue;
      Map<String, String> params = new HashMap<>();
      boolean ok = true;
      for (int i = 0; i < t.length && ok; i++) {
        if (t[i].startsWith("{") && t[i].endsWith("}")) params.put(t[i].substring(1, t[i].length() - 1), parts[i]);
        else ok = t[i].equals(parts[i]);
      }
      if (ok) return new Match(r, params);
    }
    return null;
  }

  /** Whether any method is routed at {@code path}: tells 405 from 404. */
  boolean knowsPath(String path) {
    for (String m : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")) {
      if (match(m, path) != null) return true;
    }
    return false;
  }

  private static String[] split(String path) {
    String p = path;
    while (p.endsWith("/") && p.length() > 1) p = p.substring(0, p.length() - 1);
    if (p.isEmpty() || p.equals("/")) return new String[0];
    return (p.startsWith("/") ? p.substring(1) : p).split("/", -1);
  }
}
