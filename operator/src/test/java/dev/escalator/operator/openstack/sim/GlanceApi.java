package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.escalator.operator.openstack.sim.Cloud.Image;
import dev.escalator.operator.openstack.sim.Routes.Call;
import java.util.function.Supplier;

/**
 * Glance v2, read only: list (filters {@code name}, {@code status}, {@code visibility}) and get.
 * Images are not wrapped in a root key; errors are {@code text/html} as Glance's are, which
 * openstack4j reports by their status line.
 */
final class GlanceApi implements ServiceApi {
  private final Cloud cloud;
  private final Supplier<String> baseUrl;
  private final Routes routes = new Routes();

  GlanceApi(Cloud cloud, Supplier<String> baseUrl) {
    this.cloud = cloud;
    this.baseUrl = baseUrl;
    routes.open("GET", "/", c -> versions())
        .open("GET", "/versions", c -> versions())
        .add("GET", "/v2/images", this::list)
        .add("GET", "/v2/images/{id}", this::get);
  }

  @Override
  public Routes routes() {
    return routes;
  }

  @Override
  public Reply error(ApiError e) {
    String status = e.status() + " " + switch (e.status()) {
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      default -> "Error";
    };
    return Reply.text(e.status(), "text/html; charset=UTF-8", "<html>\n <head>\n  <title>" + status + "</title>\n </head>\n <body>\n  <h1>" + status
        + "</h1>\n  " + e.getMessage() + "<br /><br />\n\n\n\n </body>\n</html>");
  }

  private Reply versions() {
    ObjectNode v = Json.obj().put("id", "v2.9").put("status", "CURRENT");
    v.set("links", Json.arr().add(Json.obj().put("rel", "self").put("href", baseUrl.get() + Service.IMAGE.prefix() + "/v2/")));
    return Reply.json(200, Json.obj().set("versions", Json.arr().add(v)));
  }

  private Reply list(Call c) {
    ArrayNode list = Json.arr();
    for (Image i : cloud.images.values()) {
      if (c.query("name") != null && !c.query("name").equals(i.name())) continue;
      if (c.query("status") != null && !c.query("status").equals("active")) continue;
      if (c.query("visibility") != null && !c.query("visibility").equals("public")) continue;
      list.add(image(i));
    }
    ObjectNode body = Json.obj();
    body.set("images", list);
    body.put("first", "/v2/images").put("schema", "/v2/schemas/images");
    return Reply.json(200, body);
  }

  private Reply get(Call c) {
    Image i = cloud.images.get(c.param("id"));
    if (i == null) throw ApiError.notFound("NotFound", "No image found with ID " + c.param("id"));
    return Reply.json(200, image(i));
  }

  private ObjectNode image(Image i) {
    ObjectNode o = Json.obj().put("id", i.id()).put("name", i.name()).put("status", "active").put("visibility", "public")
        .put("protected", false).put("os_hidden", false).put("disk_format", i.diskFormat()).put("container_format", i.containerFormat())
        .put("size", i.size()).put("virtual_size", 117440512L).put("min_disk", 0).put("min_ram", 0)
        .put("checksum", "c8fc807773e5354afe61636071771906").put("owner", "admin")
        .put("created_at", Json.seconds(i.created())).put("updated_at", Json.seconds(i.created()))
        .put("self", "/v2/images/" + i.id()).put("file", "/v2/images/" + i.id() + "/file").put("schema", "/v2/schemas/image");
    o.set("tags", Json.arr());
    return o;
  }
}
