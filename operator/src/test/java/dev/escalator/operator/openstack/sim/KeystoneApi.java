package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.escalator.operator.openstack.sim.Cloud.Assignment;
import dev.escalator.operator.openstack.sim.Cloud.Project;
import dev.escalator.operator.openstack.sim.Cloud.Role;
import dev.escalator.operator.openstack.sim.Cloud.Token;
import dev.escalator.operator.openstack.sim.Cloud.User;
import dev.escalator.operator.openstack.sim.Routes.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Keystone v3: version document, password and token authentication (project scoped by id or by name
 * and domain, or to the user's default project), projects, users, roles and project role
 * assignments. Writes and listings need the admin role (Keystone's default policy, where the admin
 * role on any project makes a cloud admin); others answer 403.
 */
final class KeystoneApi implements ServiceApi {
  private final Cloud cloud;
  private final Supplier<String> baseUrl;
  private final Supplier<ArrayNode> catalog;
  private final Routes routes = new Routes();

  KeystoneApi(Cloud cloud, Supplier<String> baseUrl, Supplier<ArrayNode> catalog) {
    this.cloud = cloud;
    this.baseUrl = baseUrl;
    this.catalog = catalog;
    routes.open("GET", "/", c -> Reply.json(300, Json.obj().set("versions", Json.obj().set("values", Json.arr().add(version())))))
        .open("GET", "/v3", c -> Reply.json(200, Json.obj().set("version", version())))
        .open("POST", "/v3/auth/tokens", this::issueToken)
        .add("GET", "/v3/auth/tokens", this::validateToken)
        .add("DELETE", "/v3/auth/tokens", this::revokeToken)
        .add("GET", "/v3/projects", this::listProjects)
        .add("POST", "/v3/projects", this::createProject)
        .add("GET", "/v3/projects/{id}", this::getProject)
        .add("PATCH", "/v3/projects/{id}", this::updateProject)
        .add("DELETE", "/v3/projects/{id}", this::deleteProject)
        .add("GET", "/v3/users", this::listUsers)
        .add("POST", "/v3/users", this::createUser)
        .add("GET", "/v3/users/{id}", this::getUser)
        .add("DELETE", "/v3/users/{id}", this::deleteUser)
        .add("GET", "/v3/users/{id}/projects", this::userProjects)
        .add("GET", "/v3/roles", this::listRoles)
        .add("POST", "/v3/roles", this::createRole)
        .add("GET", "/v3/roles/{id}", this::getRole)
        .add("GET", "/v3/projects/{project}/users/{user}/roles", this::listAssignedRoles)
        .add("PUT", "/v3/projects/{project}/users/{user}/roles/{role}", this::grant)
        .add("HEAD", "/v3/projects/{project}/users/{user}/roles/{role}", this::check)
        .add("DELETE", "/v3/projects/{project}/users/{user}/roles/{role}", this::revoke)
        .add("GET", "/v3/role_assignments", this::listAssignments)
        .add("GET", "/v3/domains", c -> Reply.json(200, Json.obj().set("domains", Json.arr().add(domain(true)))))
        .add("GET", "/v3/domains/{id}", this::getDomain);
  }

  @Override
  public Routes routes() {
    return routes;
  }

  /** Keystone's error body: {@code {"error": {"code", "title", "message"}}}. */
  @Override
  public Reply error(ApiError e) {
    ObjectNode inner = Json.obj().put("code", e.status()).put("title", title(e.status())).put("message", e.getMessage());
    return Reply.json(e.status(), Json.obj().set("error", inner));
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      default -> "Error";
    };
  }

  private ObjectNode version() {
    ObjectNode v = Json.obj().put("id", "v3.14").put("status", "stable").put("updated", "2020-04-07T00:00:00Z");
    v.set("links", Json.arr().add(Json.obj().put("rel", "self").put("href", baseUrl.get() + Service.IDENTITY.prefix() + "/v3/")));
    v.set("media-types", Json.arr().add(Json.obj().put("base", "application/json").put("type", "application/vnd.openstack.identity-v3+json")));
    return v;
  }

  // ---------------------------------------------------------------- tokens

  private Reply issueToken(Call c) {
    JsonNode auth = Json.root(c.body(), "auth");
    JsonNode identity = auth.get("identity");
    List<String> methods = Json.stringList(identity, "methods");
    User user;
    Project defaultScope = null;
    if (methods.contains("password")) {
      user = passwordUser(identity.path("password").path("user"));
    } else if (methods.contains("token")) {
      Token presented = cloud.validToken(Json.text(identity.path("token"), "id"));
      if (presented == null) throw ApiError.unauthorized();
      user = cloud.users.get(presented.userId);
      defaultScope = presented.projectId == null ? null : cloud.projects.get(presented.projectId);
    } else {
      throw ApiError.badRequest("Expecting to find identity methods 'password' or 'token' in request.");
    }
    if (user == null || !user.enabled) throw ApiError.unauthorized();
    JsonNode scope = auth.get("scope");
    Project project;
    if (scope != null && scope.has("project")) project = scopedProject(scope.get("project"));
    else if (scope != null && scope.has("domain")) throw ApiError.badRequest("The simulator supports project-scoped and unscoped tokens only, not domain scope.");
    else project = defaultScope != null ? defaultScope : user.defaultProjectId == null ? null : cloud.projects.get(user.defaultProjectId);
    if (project != null && (!project.enabled || cloud.rolesOn(user.id, project.id).isEmpty())) throw ApiError.unauthorized();
    Token t = cloud.issueToken(user, project, methods);
    return Reply.json(201, Json.obj().set("token", tokenBody(t))).header("X-Subject-Token", t.id);
  }

  private User passwordUser(JsonNode u) {
    String id = Json.text(u, "id");
    User user;
    if (id != null) user = cloud.users.get(id);
    else {
      String domainId = domainId(u.get("domain"));
      user = domainId == null ? null : cloud.userNamed(Objects.requireNonNullElse(Json.text(u, "name"), ""), domainId);
    }
    if (user == null || !Objects.equals(user.password, Json.text(u, "password"))) throw ApiError.unauthorized();
    return user;
  }

  private Project scopedProject(JsonNode p) {
    String id = Json.text(p, "id");
    Project project;
    if (id != null) project = cloud.projects.get(id);
    else {
      String domainId = domainId(p.get("domain"));
      project = domainId == null ? null : cloud.projectNamed(Objects.requireNonNullElse(Json.text(p, "name"), ""), domainId);
    }
    if (project == null) throw ApiError.unauthorized();
    return project;
  }

  /** The one domain's id when {@code d} names it by id or by name; null otherwise. */
  private static String domainId(JsonNode d) {
    if (d == null) return null;
    if (Cloud.DOMAIN_ID.equals(Json.text(d, "id")) || Cloud.DOMAIN_NAME.equals(Json.text(d, "name"))) return Cloud.DOMAIN_ID;
    return null;
  }

  private ObjectNode tokenBody(Token t) {
    User user = cloud.users.get(t.userId);
    ObjectNode body = Json.obj();
    body.set("methods", Json.strings(t.methods));
    ObjectNode u = Json.obj();
    u.set("domain", domain(false));
    u.put("id", user.id).put("name", user.name).putNull("password_expires_at");
    body.set("user", u);
    body.set("audit_ids", Json.arr().add(t.auditId));
    body.put("expires_at", Json.keystone(t.expiresAt)).put("issued_at", Json.keystone(t.issuedAt));
    if (t.projectId != null) {
      Project p = cloud.projects.get(t.projectId);
      ObjectNode scope = Json.obj();
      scope.set("domain", domain(false));
      scope.put("id", p.id).put("name", p.name);
      body.set("project", scope);
      body.put("is_domain", false);
      ArrayNode roles = Json.arr();
      t.roles.forEach(r -> roles.add(Json.obj().put("id", r.id()).put("name", r.name())));
      body.set("roles", roles);
      // Keystone returns a catalog only with a scoped token; openstack4j then resolves every service URL from it.
      body.set("catalog", catalog.get());
    }
    return body;
  }

  private Reply validateToken(Call c) {
    Token subject = cloud.validToken(c.header("X-Subject-Token"));
    if (subject == null) throw ApiError.notFound("NotFound", "Failed to validate token");
    if (!Cloud.isAdmin(c.token()) && !subject.userId.equals(c.token().userId)) throw forbidden("identity:validate_token");
    return Reply.json(200, Json.obj().set("token", tokenBody(subject))).header("X-Subject-Token", subject.id);
  }

  private Reply revokeToken(Call c) {
    Token subject = cloud.validToken(c.header("X-Subject-Token"));
    if (subject == null) throw ApiError.notFound("NotFound", "Failed to validate token");
    if (!Cloud.isAdmin(c.token()) && !subject.userId.equals(c.token().userId)) throw forbidden("identity:revoke_token");
    cloud.tokens.remove(subject.id);
    return Reply.empty(204);
  }

  // ---------------------------------------------------------------- projects

  private Reply listProjects(Call c) {
    requireAdmin(c, "identity:list_projects");
    List<Project> found = Cloud.filter(cloud.projects.values(), p ->
        (c.query("name") == null || p.name.equals(c.query("name"))) && (c.query("domain_id") == null || p.domainId.equals(c.query("domain_id"))));
    ArrayNode list = Json.arr();
    found.forEach(p -> list.add(project(p)));
    return Reply.json(200, Json.obj().<ObjectNode>set("projects", list).set("links", listLinks("/v3/projects")));
  }

  private Reply createProject(Call c) {
    requireAdmin(c, "identity:create_project");
    JsonNode p = Json.root(c.body(), "project");
    String name = Json.text(p, "name");
    if (name == null || name.isBlank()) throw ApiError.badRequest("Invalid input for field 'name': None is not of type 'string'");
    String domainId = Objects.requireNonNullElse(Json.text(p, "domain_id"), Cloud.DOMAIN_ID);
    if (!Cloud.DOMAIN_ID.equals(domainId)) throw ApiError.badRequest("Could not find domain: " + domainId + ".");
    if (cloud.projectNamed(name, domainId) != null) {
      throw ApiError.conflict("Conflict", "Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : " + name + ".");
    }
    Project created = cloud.addProject(name, Json.text(p, "description"));
    Boolean enabled = Json.bool(p, "enabled");
    if (enabled != null) created.enabled = enabled;
    created.tags.addAll(Json.stringList(p, "tags"));
    return Reply.json(201, Json.obj().set("project", project(created)));
  }

  private Reply getProject(Call c) {
    Project p = cloud.projects.get(c.param("id"));
    if (!Cloud.isAdmin(c.token()) && (p == null || !p.id.equals(c.token().projectId))) throw forbidden("identity:get_project");
    if (p == null) throw ApiError.notFound("NotFound", "Could not find project: " + c.param("id") + ".");
    return Reply.json(200, Json.obj().set("project", project(p)));
  }

  private Reply updateProject(Call c) {
    requireAdmin(c, "identity:update_project");
    Project p = cloud.projects.get(c.param("id"));
    if (p == null) throw ApiError.notFound("NotFound", "Could not find project: " + c.param("id") + ".");
    JsonNode in = Json.root(c.body(), "project");
    if (Json.text(in, "description") != null) p.description = Json.text(in, "description");
    Boolean enabled = Json.bool(in, "enabled");
    if (enabled != null) p.enabled = enabled;
    String name = Json.text(in, "name");
    if (name != null && !name.equals(p.name)) {
      if (cloud.projectNamed(name, p.domainId) != null) throw ApiError.conflict("Conflict", "Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : " + name + ".");
      p.name = name;
    }
    return Reply.json(200, Json.obj().set("project", project(p)));
  }

  /** Like Keystone, deletes the project and its role assignments and nothing in Nova or Neutron. */
  private Reply deleteProject(Call c) {
    requireAdmin(c, "identity:delete_project");
    Project p = cloud.projects.remove(c.param("id"));
    if (p == null) throw ApiError.notFound("NotFound", "Could not find project: " + c.param("id") + ".");
    cloud.assignments.removeIf(a -> a.projectId().equals(p.id));
    return Reply.empty(204);
  }

  private ObjectNode project(Project p) {
    ObjectNode o = Json.obj().put("id", p.id).put("name", p.name).put("domain_id", p.domainId).put("description", p.description)
        .put("enabled", p.enabled).put("parent_id", p.domainId).put("is_domain", false);
    o.set("tags", Json.strings(p.tags));
    o.set("options", Json.obj());
    o.set("links", Json.obj().put("self", baseUrl.get() + Service.IDENTITY.prefix() + "/v3/projects/" + p.id));
    return o;
  }

  // ---------------------------------------------------------------- users

  private Reply listUsers(Call c) {
    requireAdmin(c, "identity:list_users");
    List<User> found = Cloud.filter(cloud.users.values(), u ->
        (c.query("name") == null || u.name.equals(c.query("name"))) && (c.query("domain_id") == null || u.domainId.equals(c.query("domain_id"))));
    ArrayNode list = Json.arr();
    found.forEach(u -> list.add(user(u)));
    return Reply.json(200, Json.obj().<ObjectNode>set("users", list).set("links", listLinks("/v3/users")));
  }

  private Reply createUser(Call c) {
    requireAdmin(c, "identity:create_user");
    JsonNode u = Json.root(c.body(), "user");
    String name = Json.text(u, "name");
    if (name == null || name.isBlank()) throw ApiError.badRequest("Invalid input for field 'name': None is not of type 'string'");
    String domainId = Objects.requireNonNullElse(Json.text(u, "domain_id"), Cloud.DOMAIN_ID);
    if (!Cloud.DOMAIN_ID.equals(domainId)) throw ApiError.badRequest("Could not find domain: " + domainId + ".");
    if (cloud.userNamed(name, domainId) != null) throw ApiError.conflict("Conflict", "Conflict occurred attempting to store user - Duplicate entry found with name " + name + " at domain ID " + domainId + ".");
    String defaultProject = Json.text(u, "default_project_id");
    if (defaultProject != null && !cloud.projects.containsKey(defaultProject)) throw ApiError.badRequest("Could not find project: " + defaultProject + ".");
    User created = cloud.addUser(name, Json.text(u, "password"), defaultProject);
    created.email = Json.text(u, "email");
    created.description = Json.text(u, "description");
    Boolean enabled = Json.bool(u, "enabled");
    if (enabled != null) created.enabled = enabled;
    return Reply.json(201, Json.obj().set("user", user(created)));
  }

  private Reply getUser(Call c) {
    User u = cloud.users.get(c.param("id"));
    if (!Cloud.isAdmin(c.token()) && !c.param("id").equals(c.token().userId)) throw forbidden("identity:get_user");
    if (u == null) throw ApiError.notFound("NotFound", "Could not find user: " + c.param("id") + ".");
    return Reply.json(200, Json.obj().set("user", user(u)));
  }

  private Reply deleteUser(Call c) {
    requireAdmin(c, "identity:delete_user");
    User u = cloud.users.remove(c.param("id"));
    if (u == null) throw ApiError.notFound("NotFound", "Could not find user: " + c.param("id") + ".");
    cloud.assignments.removeIf(a -> a.userId().equals(u.id));
    cloud.tokens.values().removeIf(t -> t.userId.equals(u.id));
    return Reply.empty(204);
  }

  private Reply userProjects(Call c) {
    if (!Cloud.isAdmin(c.token()) && !c.param("id").equals(c.token().userId)) throw forbidden("identity:list_user_projects");
    ArrayNode list = Json.arr();
    cloud.assignments.stream().filter(a -> a.userId().equals(c.param("id"))).map(Assignment::projectId).distinct()
        .map(cloud.projects::get).filter(Objects::nonNull).forEach(p -> list.add(project(p)));
    return Reply.json(200, Json.obj().<ObjectNode>set("projects", list).set("links", listLinks("/v3/users/" + c.param("id") + "/projects")));
  }

  private ObjectNode user(User u) {
    ObjectNode o = Json.obj().put("id", u.id).put("name", u.name).put("domain_id", u.domainId).put("enabled", u.enabled);
    o.putNull("password_expires_at");
    if (u.email != null) o.put("email", u.email);
    if (u.description != null) o.put("description", u.description);
    if (u.defaultProjectId != null) o.put("default_project_id", u.defaultProjectId);
    o.set("options", Json.obj());
    o.set("links", Json.obj().put("self", baseUrl.get() + Service.IDENTITY.prefix() + "/v3/users/" + u.id));
    return o;
  }

  // ---------------------------------------------------------------- roles

  private Reply listRoles(Call c) {
    requireAdmin(c, "identity:list_roles");
    ArrayNode list = Json.arr();
    cloud.roles.values().stream().filter(r -> c.query("name") == null || r.name().equals(c.query("name"))).forEach(r -> list.add(role(r)));
    return Reply.json(200, Json.obj().<ObjectNode>set("roles", list).set("links", listLinks("/v3/roles")));
  }

  private Reply createRole(Call c) {
    requireAdmin(c, "identity:create_role");
    String name = Json.text(Json.root(c.body(), "role"), "name");
    if (name == null || name.isBlank()) throw ApiError.badRequest("Invalid input for field 'name': None is not of type 'string'");
    if (cloud.roleNamed(name) != null) throw ApiError.conflict("Conflict", "Conflict occurred attempting to store role - Duplicate entry found with name " + name + ".");
    return Reply.json(201, Json.obj().set("role", role(cloud.addRole(name))));
  }

  private Reply getRole(Call c) {
    requireAdmin(c, "identity:get_role");
    Role r = cloud.roles.get(c.param("id"));
    if (r == null) throw ApiError.notFound("NotFound", "Could not find role: " + c.param("id") + ".");
    return Reply.json(200, Json.obj().set("role", role(r)));
  }

  private ObjectNode role(Role r) {
    ObjectNode o = Json.obj().put("id", r.id()).put("name", r.name()).putNull("domain_id").putNull("description");
    o.set("options", Json.obj());
    o.set("links", Json.obj().put("self", baseUrl.get() + Service.IDENTITY.prefix() + "/v3/roles/" + r.id()));
    return o;
  }

  private Reply listAssignedRoles(Call c) {
    requireAdmin(c, "identity:list_grants");
    Assignment probe = assignment(c, false);
    ArrayNode list = Json.arr();
    cloud.assignments.stream().filter(a -> a.projectId().equals(probe.projectId()) && a.userId().equals(probe.userId()))
        .map(a -> cloud.roles.get(a.roleId())).filter(Objects::nonNull).forEach(r -> list.add(role(r)));
    return Reply.json(200, Json.obj().<ObjectNode>set("roles", list).set("links", listLinks("/v3/projects/" + probe.projectId() + "/users/" + probe.userId() + "/roles")));
  }

  private Reply grant(Call c) {
    requireAdmin(c, "identity:create_grant");
    cloud.assignments.add(assignment(c, true));
    return Reply.empty(204);
  }

  private Reply check(Call c) {
    requireAdmin(c, "identity:check_grant");
    Assignment a = assignment(c, true);
    if (!cloud.assignments.contains(a)) throw ApiError.notFound("RoleAssignmentNotFound", "Could not find role assignment with role: " + a.roleId() + ", user or group: " + a.userId() + ", project, domain, or system: " + a.projectId() + ".");
    return Reply.empty(204);
  }

  private Reply revoke(Call c) {
    requireAdmin(c, "identity:revoke_grant");
    Assignment a = assignment(c, true);
    if (!cloud.assignments.remove(a)) throw ApiError.notFound("RoleAssignmentNotFound", "Could not find role assignment with role: " + a.roleId() + ", user or group: " + a.userId() + ", project, domain, or system: " + a.projectId() + ".");
    return Reply.empty(204);
  }

  /** The assignment a path names, each part checked to exist (Keystone answers 404 naming the missing one). */
  private Assignment assignment(Call c, boolean withRole) {
    if (!cloud.projects.containsKey(c.param("project"))) throw ApiError.notFound("NotFound", "Could not find project: " + c.param("project") + ".");
    if (!cloud.users.containsKey(c.param("user"))) throw ApiError.notFound("NotFound", "Could not find user: " + c.param("user") + ".");
    if (withRole && !cloud.roles.containsKey(c.param("role"))) throw ApiError.notFound("NotFound", "Could not find role: " + c.param("role") + ".");
    return new Assignment(c.param("project"), c.param("user"), withRole ? c.param("role") : null);
  }

  private Reply listAssignments(Call c) {
    requireAdmin(c, "identity:list_role_assignments");
    ArrayNode list = Json.arr();
    List<Assignment> found = new ArrayList<>(cloud.assignments);
    for (Assignment a : found) {
      if (c.query("scope.project.id") != null && !a.projectId().equals(c.query("scope.project.id"))) continue;
      if (c.query("user.id") != null && !a.userId().equals(c.query("user.id"))) continue;
      if (c.query("role.id") != null && !a.roleId().equals(c.query("role.id"))) continue;
      ObjectNode o = Json.obj();
      o.set("scope", Json.obj().set("project", Json.obj().put("id", a.projectId())));
      o.set("user", Json.obj().put("id", a.userId()));
      o.set("role", Json.obj().put("id", a.roleId()));
      o.set("links", Json.obj().put("assignment", baseUrl.get() + Service.IDENTITY.prefix() + "/v3/projects/" + a.projectId() + "/users/" + a.userId() + "/roles/" + a.roleId()));
      list.add(o);
    }
    return Reply.json(200, Json.obj().<ObjectNode>set("role_assignments", list).set("links", listLinks("/v3/role_assignments")));
  }

  // ---------------------------------------------------------------- domains

  private Reply getDomain(Call c) {
    if (!Cloud.DOMAIN_ID.equals(c.param("id"))) throw ApiError.notFound("NotFound", "Could not find domain: " + c.param("id") + ".");
    return Reply.json(200, Json.obj().set("domain", domain(true)));
  }

  private ObjectNode domain(boolean full) {
    ObjectNode d = Json.obj().put("id", Cloud.DOMAIN_ID).put("name", Cloud.DOMAIN_NAME);
    if (full) {
      d.put("description", "The default domain").put("enabled", true);
      d.set("links", Json.obj().put("self", baseUrl.get() + Service.IDENTITY.prefix() + "/v3/domains/" + Cloud.DOMAIN_ID));
    }
    return d;
  }

  private ObjectNode listLinks(String path) {
    return Json.obj().put("self", baseUrl.get() + Service.IDENTITY.prefix() + path).putNull("previous").putNull("next");
  }

  private static void requireAdmin(Call c, String rule) {
    if (!Cloud.isAdmin(c.token())) throw forbidden(rule);
  }

  private static ApiError forbidden(String rule) {
    return ApiError.forbidden("You are not authorized to perform the requested action: " + rule + ".");
  }
}
