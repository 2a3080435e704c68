package dev.whittle.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small models that use every feature of the format. */
final class Samples {
  private Samples() {}

  static Attrs allTypes() {
    return Attrs.builder()
        .put("stride", 2L)
        .put("negative", Long.MIN_VALUE)
        .put("alpha", 0.125)
        .put("nan", Double.NaN)
        .put("activation", "relu")
        .put("unicode", "größe ✓ 🙂")
        .put("pads", new long[] {1, 1, -1, Long.MAX_VALUE})
        .put("scales", new double[] {0.5, -0.0, Double.POSITIVE_INFINITY})
        .put("empty-longs", new long[0])
        .put("empty-doubles", new double[0])
        .put("empty-string", "")
        .build();
  }

  static WtlModel full() {
    List<NodeRecord> nodes =
        List.of(
            new NodeRecord("input", "input", List.of(), Attrs.builder().put("shape", new int[] {1, 28, 28}).build()),
            new NodeRecord("conv1", "conv2d", List.of("input"), allTypes()),
            new NodeRecord("add", "add", List.of("conv1", "input")));
    List<TensorRecord> tensors =
        List.of(
            TensorRecord.f32("conv1.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.NaN, 0, -0f}),
            TensorRecord.f32("scalar", new int[0], new float[] {42}),
            TensorRecord.f32("empty", new int[] {0, 5}, new float[0]),
            TensorRecord.i32("indices", new int[] {4}, new int[] {0, -1, Integer.MAX_VALUE, 7}),
            TensorRecord.u8("bits", new int[] {3}, new byte[] {0, (byte) 0xff, 0x55}));
    List<ConstraintRecord> constraints =
        List.of(
            new ConstraintRecord(
                "conv1.weight",
                "mask",
                Attrs.builder().put("sparsity", 0.5).build(),
                List.of(TensorRecord.u8("mask", new int[] {2, 3}, new byte[] {1, 0, 1, 0, 1, 1}))),
            new ConstraintRecord("conv1.weight", "range", Attrs.builder().put("max", 1.0).build()));
    List<TensorRecord> state =
        List.of(TensorRecord.f32("adam.m.conv1.weight", new int[] {2, 3}, new float[6]));
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("zeta", "first key, not sorted");
    provenance.put("history", "[{\"step\":\"prune\",\"sparsity\":0.5}]");
    provenance.put("empty", "");
    return new WtlModel(nodes, tensors, constraints, state, provenance);
  }

  /** A small model for exhaustive corruption tests (every bit, every truncation). */
  static WtlModel small() {
    return new WtlModel(
        List.of(
            new NodeRecord(
                "fc", "dense", List.of("input"), Attrs.builder().put("units", 3L).put("bias", 0.5).put("act", "relu").put("dims", new long[] {2}).put("w", new double[] {1.5}).build())),
        List.of(
            TensorRecord.f32("fc.w", new int[] {2}, new float[] {1, 2}),
            TensorRecord.i32("fc.idx", new int[] {1}, new int[] {3})),
        List.of(new ConstraintRecord("fc.w", "mask", Attrs.empty(), List.of(TensorRecord.u8("m", new int[] {2}, new byte[] {1, 0})))),
        List.of(TensorRecord.f32("s", new int[] {1}, new float[] {1})),
        Map.of("k", "v"));
  }
}
