package dev.whittle.compress.prune;

import java.util.List;

/**
 * Producers (Dense or Conv2d layers) whose output channels are removed together, and where
 * those channels go. A producer is alone in its group unless a residual Add joins its channels
 * with another's: then channel j of every member is one channel of the sum, kept or removed as
 * one.
 *
 * @param members the producers, in graph order
 * @param channels output channels of each member: neurons of a Dense, filters of a Conv2d
 * @param unit what a channel is called in messages: {@code neurons} or {@code filters}
 * @param followers BatchNorm layers on the channels' way, sliced along with them
 * @param consumers Dense and Conv2d layers that read the channels and lose the matching inputs
 * @param reason why the group cannot lose channels, or null when it can
 */
public record ChannelGroup(List<String> members, int channels, String unit,
    List<String> followers, List<String> consumers, String reason) {
  public ChannelGroup {
    members = List.copyOf(members);
    followers = List.copyOf(followers);
    consumers = List.copyOf(consumers);
  }

  public boolean prunable() {
    return reason == null;
  }

  /** The members joined by {@code +}: {@code fc1} or {@code conv1+conv2}. */
  public String name() {
    return String.join("+", members);
  }
}
