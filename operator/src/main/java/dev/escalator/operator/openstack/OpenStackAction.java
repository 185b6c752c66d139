package dev.escalator.operator.openstack;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.action.ActionProvider;
import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.api.OpenStackActionSpec;
import dev.escalator.operator.api.OpenStackCloudSpec;
import dev.escalator.operator.api.TierSpec;
import java.util.List;
import java.util.Objects;

/**
 * The {@code openstack} action type: dispatches a level to the project, network, tier or server
 * operation. Configuration errors (no Secret, a bad clouds.yaml, a 4xx from the API) fail the step
 * with a message naming the problem; transient cloud errors leave the run in place to be retried
 * ({@link OpenStackUnavailableException}).
 */
public final class OpenStackAction implements ActionProvider<OpenStackActionSpec> {
  private final OpenStackClouds clouds;

  public OpenStackAction(OpenStackClouds clouds) {
    this.clouds = Objects.requireNonNull(clouds, "clouds");
  }

  /** What one operation needs: the request, the environment's cloud and names, and sessions. */
  record Context(ActionRequest request, OpenStackCloudSpec cloud, OpenStackNames names, List<TierSpec> tiers, OpenStackClouds clouds) {
    CloudView view(OpenStackClouds.ProjectScope scope) throws OpenStackConfigException {
      return new CloudView(clouds.session(request.namespace(), cloud, request.environmentName(), scope), names);
    }

    TierSpec tier(String name) throws ActionFailedException {
      return tiers.stream().filter(t -> t.name.equals(name)).findFirst()
          .orElseThrow(() -> new ActionFailedException("tier " + name + " is not declared in spec.tiers"));
    }
  }

  /** One of the four operations. */
  interface Operation {
    String start(Context ctx) throws OpenStackException, OpenStackConfigException, ActionFailedException;

    ActionProgress poll(Context ctx, String handle) throws OpenStackException, OpenStackConfigException, ActionFailedException;
  }

  @Override
  public String start(ActionRequest request, OpenStackActionSpec spec) throws ActionFailedException {
    Context ctx = context(request);
    Operation op = operation(spec);
    try {
      return op.start(ctx);
    } catch (OpenStackException e) {
      throw failure(e);
    } catch (OpenStackConfigException e) {
      throw new ActionFailedException(e.getMessage());
    }
  }

  @Override
  public ActionProgress poll(ActionRequest request, OpenStackActionSpec spec, String handle) throws ActionFailedException {
    Context ctx = context(request);
    Operation op = operation(spec);
    try {
      return op.poll(ctx, handle);
    } catch (OpenStackException e) {
      throw failure(e);
    } catch (OpenStackConfigException e) {
      throw new ActionFailedException(e.getMessage());
    }
  }

  private Context context(ActionRequest request) throws ActionFailedException {
    EnvironmentSpec spec = request.environment().getSpec();
    if (spec.provider == null || spec.provider.openstack == null) {
      throw new ActionFailedException("spec.provider.openstack is not set: the openstack action has no cloud");
    }
    return new Context(request, spec.provider.openstack, new OpenStackNames(request.namespace(), request.environmentName()),
        spec.tiers == null ? List.of() : spec.tiers, clouds);
  }

  private static Operation operation(OpenStackActionSpec spec) throws ActionFailedException {
    if (spec.project != null) return new ProjectOperation(spec.project);
    if (spec.network != null) return new NetworkOperation(spec.network);
    if (spec.tier != null) return new TierOperation(spec.tier);
    if (spec.server != null) return new ServerOperation(spec.server);
    throw new ActionFailedException("openstack: one of project, network, tier, server must be set");
  }

  /** A permanent error fails the step; a transient one is thrown unchecked, to be retried. */
  private static ActionFailedException failure(OpenStackException e) {
    if (e.isTransient()) throw new OpenStackUnavailableException(e);
    return new ActionFailedException(e.getMessage(), e);
  }
}
