package dev.whittle.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.InputException;
import dev.whittle.Limits;
import dev.whittle.onnx.proto.Onnx.AttributeProto;
import dev.whittle.onnx.proto.Onnx.GraphProto;
import dev.whittle.onnx.proto.Onnx.ModelProto;
import dev.whittle.onnx.proto.Onnx.NodeProto;
import org.junit.jupiter.api.Test;

/** Depth and size limits of the ONNX reader: nested graphs and node counts. */
class OnnxLimitsTest {
  /** A model from the exporter with {@code g} as its graph. */
  private static byte[] withGraph(GraphProto g) throws Exception {
    ModelProto m = ModelProto.parseFrom(OnnxBadInputTest.lenet300()).toBuilder().setGraph(g)
        .build();
    return m.toByteArray();
  }

  /** Graphs nested in If-node attributes 200 deep: refused by the parser, not a stack overflow. */
  @Test
  void deeplyNestedGraphsAreRefusedByTheParser() throws Exception {
    GraphProto g = GraphProto.newBuilder().setName("leaf").build();
    for (int i = 0; i < 200; i++) {
      NodeProto n = NodeProto.newBuilder().setOpType("If").addAttribute(AttributeProto.newBuilder()
          .setName("then_branch").setType(AttributeProto.AttributeType.GRAPH).setG(g)).build();
      g = GraphProto.newBuilder().setName("g" + i).addNode(n).build();
    }
    byte[] bytes = withGraph(g);
    InputException e = assertThrows(InputException.class,
        () -> OnnxImporter.fromBytes(bytes, "deep.onnx", OnnxImporter.Options.defaults()));
    assertTrue(e.getMessage().startsWith("deep.onnx: not a readable ONNX model: the file is not"
        + " valid protobuf"), e.getMessage());
    assertTrue(e.getMessage().contains("too many levels of nesting"), e.getMessage());
  }

  @Test
  void graphsOfMoreThanTheNodeLimitAreRefused() throws Exception {
    GraphProto base = ModelProto.parseFrom(OnnxBadInputTest.lenet300()).getGraph();
    GraphProto.Builder g = base.toBuilder();
    NodeProto relu = NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y").build();
    for (int i = g.getNodeCount(); i <= Limits.MAX_GRAPH_NODES; i++) {
      g.addNode(relu.toBuilder().setInput(0, "r" + i).setOutput(0, "r" + (i + 1)));
    }
    byte[] bytes = withGraph(g.build());
    InputException e = assertThrows(InputException.class,
        () -> OnnxImporter.fromBytes(bytes, "wide.onnx", OnnxImporter.Options.defaults()));
    assertEquals("wide.onnx: the graph has 65537 nodes, more than the limit of 65536",
        e.getMessage());
  }
}
