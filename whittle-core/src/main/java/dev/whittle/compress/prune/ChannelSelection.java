package dev.whittle.compress.prune;

import dev.whittle.InputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which output channels each group keeps: {@code keep.get(i)} for {@code groups.get(i)}, all
 * true for a group left whole.
 */
public record ChannelSelection(List<ChannelGroup> groups, List<boolean[]> keep) {
  public ChannelSelection {
    groups = List.copyOf(groups);
    keep = Collections.unmodifiableList(new ArrayList<>(keep));
    if (groups.size() != keep.size()) {
      throw new IllegalArgumentException(groups.size() + " groups but " + keep.size() + " masks");
    }
  }

  /**
   * Ranks each prunable group's channels by the sum of its members' scores and removes the
   * lowest {@code round(sparsity * channels)}, per group or, with a global spec, across the
   * groups without an override. A spec naming a layer by name applies to its whole group.
   */
  static ChannelSelection choose(List<ChannelGroup> groups, Map<String, float[]> scores,
      PruneSpec spec) {
    Map<String, ChannelGroup> byMember = new LinkedHashMap<>();
    for (ChannelGroup g : groups) {
      g.members().forEach(m -> byMember.put(m, g));
    }
    Map<ChannelGroup, Double> over = new LinkedHashMap<>();
    spec.overrides().forEach((name, s) -> {
      ChannelGroup g = byMember.get(name);
      if (g == null) {
        throw new InputException("--sparsity: the model has no Dense or Conv2d layer '" + name
            + "'; its layers that can lose channels are " + prunableNames(groups));
      }
      if (!g.prunable()) {
        throw new InputException("--sparsity " + name + ": layer " + name
            + " cannot lose channels: " + g.reason());
      }
      Double before = over.put(g, s);
      if (before != null && !before.equals(s)) {
        throw new InputException("--sparsity: " + g.name() + " are pruned together (a residual"
            + " add joins them), so they need one sparsity, got " + before + " and " + s);
      }
    });
    List<float[]> summed = new ArrayList<>();
    for (ChannelGroup g : groups) {
      float[] s = new float[g.channels()];
      for (String m : g.members()) {
        float[] ms = scores.get(m);
        for (int c = 0; c < s.length; c++) {
          s[c] += ms[c];
        }
      }
      summed.add(s);
    }
    List<boolean[]> keep = new ArrayList<>();
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      ChannelGroup g = groups.get(i);
      Double s = over.get(g);
      if (!g.prunable()) {
        keep.add(all(g.channels()));
      } else if (s != null || !spec.global()) {
        double sp = s != null ? s : spec.sparsity();
        boolean[] k = Thresholds.keep(summed.get(i), sp);
        checkNotEmpty(g, k, String.format(Locale.ROOT, "--sparsity %s%s removes round(%s x %d)"
            + " = %d", s != null ? g.members().get(0) + "=" : "", sp, sp, g.channels(),
            Thresholds.pruneCount(g.channels(), sp)));
        keep.add(k);
      } else {
        keep.add(null);
        rest.add(i);
      }
    }
    if (!rest.isEmpty()) {
      List<float[]> rs = new ArrayList<>();
      rest.forEach(i -> rs.add(summed.get(i)));
      boolean[][] k = Thresholds.keepGlobal(rs, spec.sparsity());
      for (int r = 0; r < rest.size(); r++) {
        ChannelGroup g = groups.get(rest.get(r));
        checkNotEmpty(g, k[r], "--sparsity " + spec.sparsity() + " with --scope global ranks it"
            + " lowest and removes all of them (give it its own sparsity, such as "
            + g.members().get(0) + "=0.5, or use --scope layer)");
        keep.set(rest.get(r), k[r]);
      }
    }
    return new ChannelSelection(groups, keep);
  }

  private static void checkNotEmpty(ChannelGroup g, boolean[] keep, String why) {
    for (boolean b : keep) {
      if (b) {
        return;
      }
    }
    throw new InputException("layer " + g.name() + ": structured pruning would leave it with"
        + " none of its " + g.channels() + " " + g.unit() + ": " + why + "; a layer must keep at"
        + " least one");
  }

  private static boolean[] all(int n) {
    boolean[] k = new boolean[n];
    java.util.Arrays.fill(k, true);
    return k;
  }

  private static String prunableNames(List<ChannelGroup> groups) {
    List<String> names = new ArrayList<>();
    for (ChannelGroup g : groups) {
      if (g.prunable()) {
        names.addAll(g.members());
      }
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /** The group a layer is a member of, or -1. */
  int groupOf(String member) {
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).members().contains(member)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether group i loses any channel. */
  boolean cuts(int i) {
    for (boolean b : keep.get(i)) {
      if (!b) {
        return true;
      }
    }
    return false;
  }

  /** How many channels group i keeps. */
  public int kept(int i) {
    int n = 0;
    for (boolean b : keep.get(i)) {
      if (b) {
        n++;
      }
    }
    return n;
  }
}
