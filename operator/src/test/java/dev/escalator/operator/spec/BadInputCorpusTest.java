package dev.escalator.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.escalator.operator.api.Environment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed or hostile Environment of the corpus is rejected, naming the field and the problem. */
class BadInputCorpusTest {

  static List<BadInputCorpus.Entry> corpus() {
    return BadInputCorpus.entries();
  }

  @Test
  void theCorpusHasAtLeastAHundredInputs() {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(100);
    assertThat(corpus()).extracting(BadInputCorpus.Entry::name).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRejectedNamingTheField(BadInputCorpus.Entry entry) {
    assertRejected(entry, entry.environment());
  }

  /** What the operator reads back from the API server: an explicit null there is an absent field, which takes its default. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRejectedAfterTheRoundTripThroughTheApi(BadInputCorpus.Entry entry) {
    Environment env = Serialization.unmarshal(Serialization.asJson(entry.environment()), Environment.class);
    assertRejected(entry, env);
  }

  private static void assertRejected(BadInputCorpus.Entry entry, Environment env) {
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
        () -> EnvironmentModel.from(env, BadInputCorpus.checkValidator()));
    assertThat(e).as("%s must be rejected", entry.file()).isNotNull();
    assertThat(e.problems())
        .as("%s: a problem at %s saying '%s'", entry.file(), entry.field(), entry.message())
        .anySatisfy(p -> {
          assertThat(p.field()).isEqualTo(entry.field());
          assertThat(p.message()).contains(entry.message());
        });
    // A hostile value must not be echoed whole into the condition and the Event: every message stays short.
    assertThat(e.problems()).allSatisfy(p -> assertThat(p.toString()).hasSizeLessThan(2000));
  }
}
