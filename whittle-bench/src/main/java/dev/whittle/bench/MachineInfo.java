package dev.whittle.bench;

import dev.whittle.eval.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;

/** Prints, as one JSON object, what the benchmark tables state about the JVM and the machine. */
public final class MachineInfo {
  private MachineInfo() {}

  public static void main(String[] args) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("java_version", Runtime.version().toString());
    m.put("java_vendor", System.getProperty("java.vendor"));
    m.put("java_vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version")
        + " " + System.getProperty("os.arch"));
    m.put("available_processors", Runtime.getRuntime().availableProcessors());
    m.put("vector_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
    m.put("vector_float_lanes", FloatVector.SPECIES_PREFERRED.length());
    m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    System.out.print(Json.write(m));
  }
}
