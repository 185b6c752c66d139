package dev.escalator.operator.ladder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TierShareTest {
  private static final List<Node> FOUR_WEB_TWO_DB = List.of(
      new Node("web-1", "web", null), new Node("web-2", "web", null), new Node("web-3", "web", null), new Node("web-4", "web", null),
      new Node("db-1", "db", null), new Node("db-2", "db", null));
  private final TierShare half = new TierShare(50, 3);

  private static Failure ping(String tier, String node) {
    return new Failure("ping", Target.node(tier, node), "one-vm");
  }

  @Test
  void moreThanTheShareOfATiersNodesFailingHoldsNodeLevelsNamingTheTier() {
    var hold = half.hold(List.of(ping("web", "web-1"), ping("web", "web-2"), ping("web", "web-3")), FOUR_WEB_TWO_DB);
    assertThat(hold).isPresent();
    assertThat(hold.get().kind()).isEqualTo(Hold.Kind.TIER_FAILING);
    assertThat(hold.get().why()).startsWith("3 of 4 nodes of tier web fail at once (more than 50%)");
    assertThat(hold.get().scopes()).containsExactly(Scope.NODE);
    assertThat(hold.get().startsEscalations()).isFalse();
  }

  @Test
  void theShareItselfIsAllowedAndSeveralChecksOnOneNodeCountOnce() {
    var failures = List.of(ping("web", "web-1"), ping("web", "web-2"), new Failure("http", Target.node("web", "web-1"), "converge"));
    assertThat(half.hold(failures, FOUR_WEB_TWO_DB)).isEmpty();
  }

  @Test
  void smallTiersAreNotJudged() {
    assertThat(half.hold(List.of(ping("db", "db-1"), ping("db", "db-2")), FOUR_WEB_TWO_DB)).as("2 nodes < minNodes 3").isEmpty();
    assertThat(new TierShare(50, 2).hold(List.of(ping("db", "db-1"), ping("db", "db-2")), FOUR_WEB_TWO_DB)).isPresent();
  }

  @Test
  void environmentAndTierScopedFailuresAndUnknownNodesDoNotCount() {
    var failures = List.of(new Failure("online", Target.environment(), "account"), new Failure("lb", Target.tier("web"), "tier"),
        ping("web", "web-1"), ping("web", "web-9"), ping("web", "web-10"));
    assertThat(half.hold(failures, FOUR_WEB_TWO_DB)).isEmpty();
  }

  @Test
  void offAtOneHundredPercent() {
    var all = FOUR_WEB_TWO_DB.stream().map(n -> ping(n.tier(), n.name())).toList();
    assertThat(TierShare.off().hold(all, FOUR_WEB_TWO_DB)).isEmpty();
    assertThat(new TierShare(99, 1).hold(all, FOUR_WEB_TWO_DB)).isPresent();
  }
}
