package dev.escalator.operator.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.api.ActionSpec;
import dev.escalator.operator.api.JobActionSpec;
import dev.escalator.operator.api.RolloutRestartActionSpec;
import dev.escalator.operator.api.WebhookActionSpec;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionTypesTest {
  /** Records what it was asked, so a test can see which provider a binding reached. */
  private static final class RecordingProvider<S> implements ActionProvider<S> {
    final List<String> calls = new ArrayList<>();
    private final String name;
    private final String handleAfterPoll;

    RecordingProvider(String name, String handleAfterPoll) {
      this.name = name;
      this.handleAfterPoll = handleAfterPoll;
    }

    @Override
    public String start(ActionRequest request, S spec) {
      calls.add("start " + spec.getClass().getSimpleName());
      return name + "/handle";
    }

    @Override
    public ActionProgress poll(ActionRequest request, S spec, String handle) {
      calls.add("poll " + handle);
      return ActionProgress.running("polled " + name);
    }

    @Override
    public ActionPoll track(ActionRequest request, S spec, String handle) throws ActionFailedException {
      return handleAfterPoll == null
          ? ActionProvider.super.track(request, spec, handle)
          : new ActionPoll(poll(request, spec, handle), handleAfterPoll);
    }
  }

  private final RecordingProvider<JobActionSpec> jobs = new RecordingProvider<>("job", null);
  private final RecordingProvider<WebhookActionSpec> webhooks = new RecordingProvider<>("webhook", "webhook/handle/accepted?id=1");
  private final ActionTypes types = new ActionTypes(List.of(
      new ActionType<>("job", spec -> spec.job, jobs),
      new ActionType<>("webhook", spec -> spec.webhook, webhooks)));

  @Test
  void bindsTheOneTypeThatIsSetToItsProvider() throws Exception {
    ActionSpec spec = new ActionSpec();
    spec.job = new JobActionSpec();
    ActionRequest request = Requests.forEnvironment("e1", 1);

    BoundAction bound = types.bind(spec);
    String handle = bound.start(request);
    ActionPoll poll = bound.poll(request, handle);

    assertThat(bound.typeName()).isEqualTo("job");
    assertThat(handle).isEqualTo("job/handle");
    assertThat(poll.message()).isEqualTo("polled job");
    assertThat(poll.replaces(handle)).isFalse();
    assertThat(jobs.calls).containsExactly("start JobActionSpec", "poll job/handle");
    assertThat(webhooks.calls).isEmpty();
  }

  @Test
  void aProviderMayReplaceItsHandleWhenPolled() throws Exception {
    ActionSpec spec = new ActionSpec();
    spec.webhook = new WebhookActionSpec();

    ActionPoll poll = types.bind(spec).poll(Requests.forEnvironment("e1", 1), "webhook/handle");

    assertThat(poll.replaces("webhook/handle")).isTrue();
    assertThat(poll.handle()).isEqualTo("webhook/handle/accepted?id=1");
  }

  @Test
  void noTypeSetIsRefusedListingTheKnownTypes() {
    assertThatThrownBy(() -> types.bind(new ActionSpec()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exactly one action type must be set, found none; known types: [job, webhook]");
  }

  @Test
  void severalTypesSetAreRefusedNamingThem() {
    ActionSpec spec = new ActionSpec();
    spec.job = new JobActionSpec();
    spec.webhook = new WebhookActionSpec();

    assertThatThrownBy(() -> types.bind(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("found job, webhook");
    assertThat(jobs.calls).isEmpty();
  }

  @Test
  void aTypeSetButNotRegisteredIsRefused() {
    ActionSpec spec = new ActionSpec();
    spec.rolloutRestart = new RolloutRestartActionSpec();

    assertThatThrownBy(() -> types.bind(spec)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found none");
  }

  @Test
  void aNameRegisteredTwiceIsRefused() {
    assertThatThrownBy(() -> new ActionTypes(List.of(
            new ActionType<>("job", spec -> spec.job, jobs),
            new ActionType<>("job", spec -> spec.job, jobs))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job");
  }

  @Test
  void theKubernetesRegistryBindsEachOfItsTypes() {
    // Never contacted: binding only picks the provider.
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())
        .build()) {
      ActionTypes kubernetes = ActionTypes.kubernetes(client, HttpClient.newHttpClient(), Clock.systemUTC());
      ActionSpec restart = new ActionSpec();
      restart.rolloutRestart = new RolloutRestartActionSpec();
      ActionSpec job = new ActionSpec();
      job.job = new JobActionSpec();
      ActionSpec webhook = new ActionSpec();
      webhook.webhook = new WebhookActionSpec();

      assertThat(kubernetes.names()).containsExactly("rolloutRestart", "job", "webhook");
      assertThat(List.of(restart, job, webhook)).extracting(s -> kubernetes.bind(s).typeName())
          .containsExactly("rolloutRestart", "job", "webhook");
    }
  }
}
