package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;

/**
 * Placement, enough to be in the catalog and answer: the version document and one resource
 * provider per simulated hypervisor. Inventories, usages and allocations are not simulated.
 */
final class PlacementApi implements ServiceApi {
  private final Routes routes = new Routes();

  PlacementApi(Cloud cloud, Supplier<String> baseUrl) {
    routes.open("GET", "/", c -> {
      ObjectNode v = Json.obj().put("id", "v1.0").put("status", "CURRENT").put("min_version", "1.0").put("max_version", "1.39");
      v.set("links", Json.arr().add(Json.obj().put("rel", "self").put("href", baseUrl.get() + Service.PLACEMENT.prefix() + "/")));
      return Reply.json(200, Json.obj().set("versions", Json.arr().add(v)));
    }).add("GET", "/resource_providers", c -> {
      ArrayNode list = Json.arr();
      for (String host : cloud.hosts) {
        String uuid = java.util.UUID.nameUUIDFromBytes(host.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        list.add(Json.obj().put("uuid", uuid).put("name", host).put("generation", 1).put("root_provider_uuid", uuid).putNull("parent_provider_uuid"));
      }
      return Reply.json(200, Json.obj().set("resource_providers", list));
    });
  }

  @Override
  public Routes routes() {
    return routes;
  }

  @Override
  public Reply error(ApiError e) {
    ObjectNode err = Json.obj().put("status", e.status()).put("title", e.type()).put("detail", e.getMessage());
    return Reply.json(e.status(), Json.obj().set("errors", Json.arr().add(err)));
  }
}
