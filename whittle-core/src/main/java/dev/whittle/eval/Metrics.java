package dev.whittle.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics object of DESIGN.md, one per model. Fields that do not apply are null and left out
 * of the JSON.
 */
public record Metrics(
    String model,
    String dataset,
    Double accuracy,
    Integer testSamples,
    long params,
    long nonzeroParams,
    Long bytes,
    long macs,
    long denseMacs,
    Double trainSeconds,
    Double latencyUsB1P50,
    Double latencyUsB1P99,
    Double throughputB256Sps,
    Integer threads,
    List<LayerMetrics> layers) {

  /** Per layer: what it holds and costs. */
  public record LayerMetrics(
      String name, String kind, long params, long nonzeros, int bits, String encoding, long bytes,
      long macs) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("kind", kind);
      m.put("params", params);
      m.put("nonzeros", nonzeros);
      m.put("bits", bits);
      m.put("encoding", encoding);
      m.put("bytes", bytes);
      m.put("macs", macs);
      return m;
    }
  }

  public Metrics {
    layers = layers == null ? List.of() : List.copyOf(layers);
  }

  public long denseFp32Bytes() {
    return 4 * params;
  }

  public Double compressionRatio() {
    return bytes == null || bytes == 0 ? null : (double) denseFp32Bytes() / bytes;
  }

  public Metrics withTiming(double p50, double p99, double throughput, int threads) {
    return new Metrics(model, dataset, accuracy, testSamples, params, nonzeroParams, bytes, macs,
        denseMacs, trainSeconds, p50, p99, throughput, threads, layers);
  }

  /** The same metrics with the multiply-adds a compiled plan executes. */
  public Metrics withPlan(long planMacs) {
    return new Metrics(model, dataset, accuracy, testSamples, params, nonzeroParams, bytes,
        planMacs, denseMacs, trainSeconds, latencyUsB1P50, latencyUsB1P99, throughputB256Sps,
        threads, layers);
  }

  public Metrics withTrainSeconds(Double seconds) {
    return new Metrics(model, dataset, accuracy, testSamples, params, nonzeroParams, bytes, macs,
        denseMacs, seconds, latencyUsB1P50, latencyUsB1P99, throughputB256Sps, threads, layers);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("dataset", dataset);
    m.put("accuracy", accuracy);
    m.put("test_samples", testSamples);
    m.put("params", params);
    m.put("nonzero_params", nonzeroParams);
    m.put("bytes", bytes);
    m.put("dense_fp32_bytes", denseFp32Bytes());
    m.put("compression_ratio", compressionRatio());
    m.put("macs", macs);
    m.put("dense_macs", denseMacs);
    m.put("train_seconds", trainSeconds);
    m.put("latency_us_b1_p50", latencyUsB1P50);
    m.put("latency_us_b1_p99", latencyUsB1P99);
    m.put("throughput_b256_sps", throughputB256Sps);
    m.put("threads", threads);
    List<Object> ls = new ArrayList<>();
    for (LayerMetrics l : layers) {
      ls.add(l.toMap());
    }
    m.put("layers", ls);
    return m;
  }

  public String toJson() {
    return Json.write(toMap());
  }
}
