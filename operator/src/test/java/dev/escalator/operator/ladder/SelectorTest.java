package dev.escalator.operator.ladder;

import static dev.escalator.operator.ladder.SixLevels.DB_1;
import static dev.escalator.operator.ladder.SixLevels.WEB_1;
import static dev.escalator.operator.ladder.SixLevels.WEB_2;
import static dev.escalator.operator.ladder.SixLevels.inventory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SelectorTest {
  private static final Selector WEB_TIER = Selector.of(Target.tier("web"));
  private static final Selector DB_NODE = Selector.of(DB_1.target());
  private static final Node GONE = new Node("db-9", "db", "10.0.2.9");

  static Stream<Arguments> resolution() {
    Target env = Target.environment();
    return Stream.of(
        Arguments.of("all/env", Selector.ALL, Scope.ENVIRONMENT, inventory(), List.of(env)),
        Arguments.of("all/tier", Selector.ALL, Scope.TIER, inventory(), List.of(Target.tier("db"), Target.tier("web"))),
        Arguments.of("all/node", Selector.ALL, Scope.NODE, inventory(), List.of(DB_1.target(), WEB_1.target(), WEB_2.target())),
        Arguments.of("tier/env", WEB_TIER, Scope.ENVIRONMENT, inventory(), List.of(env)),
        Arguments.of("tier/tier", WEB_TIER, Scope.TIER, inventory(), List.of(Target.tier("web"))),
        Arguments.of("tier/node", WEB_TIER, Scope.NODE, inventory(), List.of(WEB_1.target(), WEB_2.target())),
        Arguments.of("node/env", DB_NODE, Scope.ENVIRONMENT, inventory(), List.of(env)),
        Arguments.of("node/tier", DB_NODE, Scope.TIER, inventory(), List.of(Target.tier("db"))),
        Arguments.of("node/node", DB_NODE, Scope.NODE, inventory(), List.of(DB_1.target())),
        Arguments.of("missing node", Selector.of(GONE.target()), Scope.NODE, inventory(), List.of(GONE.target())),
        Arguments.of("tier, empty inventory", WEB_TIER, Scope.NODE, List.of(), List.of()),
        Arguments.of("tier of tier, empty inventory", WEB_TIER, Scope.TIER, List.of(), List.of(Target.tier("web"))),
        // No tier is known when the inventory is empty: an all-covering tier level resolves to nothing.
        Arguments.of("all/tier, empty inventory", Selector.ALL, Scope.TIER, List.of(), List.of()),
        Arguments.of("all/node, empty inventory", Selector.ALL, Scope.NODE, List.of(), List.of()),
        Arguments.of("none/env", Selector.NONE, Scope.ENVIRONMENT, inventory(), List.of()),
        Arguments.of("tier+node", WEB_TIER.union(DB_NODE), Scope.NODE, inventory(), List.of(DB_1.target(), WEB_1.target(), WEB_2.target())),
        Arguments.of("node in tier", WEB_TIER.union(Selector.of(WEB_1.target())), Scope.NODE, inventory(), List.of(WEB_1.target(), WEB_2.target())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void resolution(String name, Selector selector, Scope scope, List<Node> nodes, List<Target> expected) {
    assertThat(selector.resolve(scope, nodes)).containsExactlyElementsOf(expected);
  }

  @Test
  void unionWithAllIsAllAndUnionsAreSets() {
    assertThat(WEB_TIER.union(Selector.ALL)).isEqualTo(Selector.ALL);
    assertThat(Selector.NONE.union(WEB_TIER)).isEqualTo(WEB_TIER);
    Selector both = WEB_TIER.union(DB_NODE).union(WEB_TIER);
    assertThat(both.tiers()).containsExactly("web");
    assertThat(both.nodes()).containsExactly(DB_1.target());
    assertThat(both.toString()).isEqualTo("tier/web,node/db/db-1");
    assertThat(Selector.NONE.toString()).isEqualTo("none");
    assertThat(Selector.NONE.isEmpty()).isTrue();
    assertThat(Selector.ALL.isEmpty()).isFalse();
  }

  @Test
  void selectorIsImmutableAndRejectsNonNodeTargets() {
    TreeSet<String> tiers = new TreeSet<>(Set.of("web"));
    Selector s = new Selector(false, tiers, new TreeSet<>());
    tiers.add("db");
    assertThat(s.tiers()).containsExactly("web");
    assertThatThrownBy(() -> s.tiers().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new Selector(false, new TreeSet<>(), new TreeSet<>(Set.of(Target.tier("web")))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
