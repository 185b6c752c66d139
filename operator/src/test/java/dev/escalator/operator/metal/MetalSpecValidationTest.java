package dev.escalator.operator.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.check.CheckExpansion;
import dev.escalator.operator.check.CheckTypes;
import dev.escalator.operator.spec.EnvironmentModel;
import dev.escalator.operator.spec.InvalidSpecException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** A metal level is validated once, with field paths, before anything acts on it. */
class MetalSpecValidationTest {
  private static EnvironmentModel model(String ladder, String tiers) throws InvalidSpecException {
    String yaml = """
        apiVersion: escalator.dev/v1alpha1
        kind: Environment
        metadata: {name: web, namespace: shop}
        spec:
        %s
          ladder:
        %s
        """.formatted(tiers.indent(2).stripTrailing(), ladder.indent(4).stripTrailing());
    Environment env = Serialization.unmarshal(yaml, Environment.class);
    return EnvironmentModel.from(env, new CheckExpansion(CheckTypes.standard(null))::validate);
  }

  @Test
  void aNodeAndATierLevelOnDeclaredTiersAreValid() throws Exception {
    EnvironmentModel m = model("""
        - {name: build, scope: Tier, action: {metal: {pool: rack-a}}}
        - {name: repair, scope: Node, action: {metal: {pool: rack-a, strategy: [reprovision, replace], timeouts: {power: 2m}}}}
        """, "tiers: [{name: web, size: 2}]");

    assertThat(m.ladder().size()).isEqualTo(2);
  }

  @Test
  void everyBadFieldIsNamedWithItsPath() {
    assertThatThrownBy(() -> model("""
        - {name: whole, scope: Environment, action: {metal: {pool: rack-a}}}
        - {name: tier, scope: Tier, action: {metal: {pool: Rack_A}}}
        - {name: node, scope: Node, action: {metal: {pool: rack-a, strategy: [], image: "ftp://images/x.iso", timeouts: {bmcCall: 0s, power: soon}}}}
        """, ""))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).extracting(p -> p.field())
            .contains("spec.ladder[0].action.metal", "spec.ladder[1].action.metal", "spec.ladder[1].action.metal.pool",
                "spec.ladder[2].action.metal.strategy", "spec.ladder[2].action.metal.image",
                "spec.ladder[2].action.metal.timeouts.bmcCall", "spec.ladder[2].action.metal.timeouts.power"))
        .hasMessageContaining("the level's scope must be Node or Tier")
        .hasMessageContaining("needs spec.tiers");
  }
}
