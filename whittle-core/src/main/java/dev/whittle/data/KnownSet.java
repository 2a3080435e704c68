package dev.whittle.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A data set found by name: its files' SHA-256, raw and gzip (in {@link DataSets#IDX_FILES}
 * order; {@code null} where unknown: then a gzip file is accepted when its content has the raw
 * digest), the folders system packages install it in, and whether npm can fetch it.
 *
 * <p>The table of such sets is {@link #MNIST} and {@link #FASHION_MNIST}.
 */
record KnownSet(
    String name, List<String> raw, List<String> gz, List<Path> systemDirs, boolean npm) {

  static final KnownSet MNIST =
      new KnownSet(
          "mnist",
          List.of(
              "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
              "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
              "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
              "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
          List.of(
              "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
              "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
              "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
              "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
          List.of(Path.of("/usr/share/datasets/mnist")),
          true);

  static final KnownSet FASHION_MNIST =
      new KnownSet(
          "fashion-mnist",
          List.of(
              "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
              "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
              "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
              "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
          List.of(
              "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
              "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
              "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
              "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
          List.of(Path.of("/usr/share/datasets/fashion-mnist")),
          false);
}
