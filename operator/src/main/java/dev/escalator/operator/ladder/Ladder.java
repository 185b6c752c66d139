package dev.escalator.operator.ladder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ordered levels, most drastic first. Level names are unique and indices run 1..n. */
public final class Ladder {
  private final List<Level> levels;
  private final Map<String, Level> byName = new HashMap<>();

  public Ladder(List<Level> levels) {
    if (levels.isEmpty()) throw new IllegalArgumentException("a ladder needs at least one level");
    this.levels = List.copyOf(levels);
    for (int i = 0; i < this.levels.size(); i++) {
      Level level = this.levels.get(i);
      if (level.index() != i + 1) {
        throw new IllegalArgumentException("level " + level.name() + " has index " + level.index() + ", expected " + (i + 1));
      }
      if (byName.put(level.name(), level) != null) {
        throw new IllegalArgumentException("duplicate level name " + level.name());
      }
    }
  }

  public List<Level> levels() {
    return levels;
  }

  public int size() {
    return levels.size();
  }

  public Optional<Level> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Level byName(String name) {
    Level level = byName.get(name);
    if (level == null) throw new IllegalArgumentException("no level named " + name);
    return level;
  }

  /** The level at a 1-based index. */
  public Level at(int index) {
    return levels.get(index - 1);
  }

  /** Levels from {@code index} (inclusive) to the gentlest. */
  public List<Level> from(int index) {
    return levels.subList(index - 1, levels.size());
  }
}
