package dev.whittle.io;

import dev.whittle.InputException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, insertion-ordered map from attribute name to a value that is a {@link Long}, a
 * {@link Double}, a {@link String}, a {@code long[]} or a {@code double[]}.
 *
 * <p>Typed getters throw {@link InputException} when the key is missing or holds another type,
 * because attributes usually come from a file. The message starts with {@link #where()} when set
 * (for example {@code model.wtl: node 'conv1': attribute 'stride' missing}); {@link #at} returns
 * the same attributes with another {@code where}. Getters for numbers widen: {@link #getDouble}
 * accepts an integer value and {@link #getDoubles} an integer list.
 *
 * <p>Equality is by content and order: same keys in the same order with equal values (arrays by
 * content, doubles by bits as {@link Double#equals} does); {@code where} is not part of it.
 */
public final class Attrs {
  private static final Attrs EMPTY = new Attrs(Collections.emptyMap(), "");

  /** Shared between views made by {@link #at}; values are never handed out uncopied. */
  private final Map<String, Object> map;

  private final String where;

  private Attrs(Map<String, Object> map, String where) {
    this.map = map;
    this.where = where;
  }

  /** No attributes. */
  public static Attrs empty() {
    return EMPTY;
  }

  /** A builder for new attributes. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts with these attributes, in order. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.map.putAll(map);
    return b;
  }

  /**
   * The same attributes whose error messages start with {@code where}, for example {@code
   * model.wtl: node 'conv1'}; empty for none.
   */
  public Attrs at(String where) {
    Objects.requireNonNull(where, "where");
    return where.equals(this.where) ? this : new Attrs(map, where);
  }

  /** What error messages start with; empty when unset. */
  public String where() {
    return where;
  }

  public int size() {
    return map.size();
  }

  public boolean isEmpty() {
    return map.isEmpty();
  }

  /** The keys in insertion order. */
  public List<String> keys() {
    return List.copyOf(map.keySet());
  }

  public boolean has(String key) {
    return map.containsKey(key);
  }

  /**
   * The raw value ({@code Long}, {@code Double}, {@code String}, or a copy of the {@code long[]}
   * or {@code double[]}), or null when missing.
   */
  public Object get(String key) {
    return copyOf(map.get(key));
  }

  /** The stored entries, for this package's writer only; arrays must not be modified. */
  Map<String, Object> rawMap() {
    return map;
  }

  public long getLong(String key) {
    return asLong(key, require(key));
  }

  public long getLong(String key, long defaultValue) {
    Object v = map.get(key);
    return v == null ? defaultValue : asLong(key, v);
  }

  public int getInt(String key) {
    return toInt(key, getLong(key));
  }

  public int getInt(String key, int defaultValue) {
    Object v = map.get(key);
    return v == null ? defaultValue : toInt(key, asLong(key, v));
  }

  public double getDouble(String key) {
    return asDouble(key, require(key));
  }

  public double getDouble(String key, double defaultValue) {
    Object v = map.get(key);
    return v == null ? defaultValue : asDouble(key, v);
  }

  public String getString(String key) {
    return asString(key, require(key));
  }

  public String getString(String key, String defaultValue) {
    Object v = map.get(key);
    return v == null ? defaultValue : asString(key, v);
  }

  /** A copy of the integer list under {@code key}. */
  public long[] getLongs(String key) {
    return asLongs(key, require(key)).clone();
  }

  /** A copy of the integer list under {@code key}, or {@code defaultValue} itself when missing. */
  public long[] getLongs(String key, long[] defaultValue) {
    Object v = map.get(key);
    return v == null ? defaultValue : asLongs(key, v).clone();
  }

  /** The integer list under {@code key}, each checked to fit in an int. */
  public int[] getInts(String key) {
    return toInts(key, asLongs(key, require(key)));
  }

  public int[] getInts(String key, int[] defaultValue) {
    Object v = map.get(key);
    return v == null ? defaultValue : toInts(key, asLongs(key, v));
  }

  /** A copy of the number list under {@code key}; an integer list is converted. */
  public double[] getDoubles(String key) {
    return asDoubles(key, require(key));
  }

  public double[] getDoubles(String key, double[] defaultValue) {
    Object v = map.get(key);
    return v == null ? defaultValue : asDoubles(key, v);
  }

  private Object require(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw fail("attribute " + WtlFormat.quote(key) + " missing");
    }
    return v;
  }

  private long asLong(String key, Object v) {
    if (v instanceof Long l) {
      return l;
    }
    throw wrongType(key, v, "an integer");
  }

  private double asDouble(String key, Object v) {
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof Long l) {
      return l;
    }
    throw wrongType(key, v, "a number");
  }

  private String asString(String key, Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(key, v, "a string");
  }

  private long[] asLongs(String key, Object v) {
    if (v instanceof long[] a) {
      return a;
    }
    throw wrongType(key, v, "a list of integers");
  }

  private double[] asDoubles(String key, Object v) {
    if (v instanceof double[] a) {
      return a.clone();
    }
    if (v instanceof long[] a) {
      double[] d = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        d[i] = a[i];
      }
      return d;
    }
    throw wrongType(key, v, "a list of numbers");
  }

  private int toInt(String key, long v) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw fail("attribute " + WtlFormat.quote(key) + " is " + v + ", too large for an int");
    }
    return (int) v;
  }

  private int[] toInts(String key, long[] a) {
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      if (a[i] < Integer.MIN_VALUE || a[i] > Integer.MAX_VALUE) {
        throw fail(
            "attribute "
                + WtlFormat.quote(key)
                + " element "
                + i
                + " is "
                + a[i]
                + ", too large for an int");
      }
      out[i] = (int) a[i];
    }
    return out;
  }

  private InputException wrongType(String key, Object v, String expected) {
    return fail("attribute " + WtlFormat.quote(key) + " is " + typeName(v) + ", expected " + expected);
  }

  private InputException fail(String message) {
    return new InputException(where.isEmpty() ? message : where + ": " + message);
  }

  private static String typeName(Object v) {
    if (v instanceof Long) {
      return "an integer";
    } else if (v instanceof Double) {
      return "a number";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof long[]) {
      return "a list of integers";
    } else {
      return "a list of numbers";
    }
  }

  private static Object copyOf(Object v) {
    if (v instanceof long[] a) {
      return a.clone();
    }
    if (v instanceof double[] a) {
      return a.clone();
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Attrs other) || map.size() != other.map.size()) {
      return false;
    }
    var a = map.entrySet().iterator();
    var b = other.map.entrySet().iterator();
    while (a.hasNext()) {
      var x = a.next();
      var y = b.next();
      if (!x.getKey().equals(y.getKey()) || !valueEquals(x.getValue(), y.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean valueEquals(Object x, Object y) {
    if (x instanceof long[] a && y instanceof long[] b) {
      return Arrays.equals(a, b);
    }
    if (x instanceof double[] a && y instanceof double[] b) {
      return Arrays.equals(a, b);
    }
    return x.equals(y);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (var e : map.entrySet()) {
      Object v = e.getValue();
      int vh =
          v instanceof long[] a
              ? Arrays.hashCode(a)
              : v instanceof double[] d ? Arrays.hashCode(d) : v.hashCode();
      h = 31 * (31 * h + e.getKey().hashCode()) + vh;
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (var e : map.entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(e.getKey()).append('=');
      Object v = e.getValue();
      if (v instanceof long[] a) {
        sb.append(Arrays.toString(a));
      } else if (v instanceof double[] d) {
        sb.append(Arrays.toString(d));
      } else if (v instanceof String s) {
        sb.append('"').append(s).append('"');
      } else {
        sb.append(v);
      }
    }
    return sb.append('}').toString();
  }

  /** Collects attributes in insertion order; each key may be put once. */
  public static final class Builder {
    private final LinkedHashMap<String, Object> map = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(String key, long value) {
      return putValue(key, value);
    }

    public Builder put(String key, double value) {
      return putValue(key, value);
    }

    public Builder put(String key, String value) {
      return putValue(key, Objects.requireNonNull(value, "value"));
    }

    /** Stores a copy. */
    public Builder put(String key, long[] value) {
      return putValue(key, value.clone());
    }

    /** Stores the values as a {@code long[]}. */
    public Builder put(String key, int[] value) {
      long[] a = new long[value.length];
      for (int i = 0; i < a.length; i++) {
        a[i] = value[i];
      }
      return putValue(key, a);
    }

    /** Stores a copy. */
    public Builder put(String key, double[] value) {
      return putValue(key, value.clone());
    }

    /** Removes {@code key} if present (so that it can be put again, at the end). */
    public Builder remove(String key) {
      map.remove(key);
      return this;
    }

    /** Whether {@code key} has been put. */
    public boolean has(String key) {
      return map.containsKey(key);
    }

    /** For this package's reader: {@code value} is already a private copy of a valid type. */
    Builder putOwned(String key, Object value) {
      return putValue(key, value);
    }

    private Builder putValue(String key, Object value) {
      Objects.requireNonNull(key, "key");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("attribute name is empty");
      }
      if (map.putIfAbsent(key, value) != null) {
        throw new IllegalArgumentException("attribute " + WtlFormat.quote(key) + " set twice");
      }
      return this;
    }

    public Attrs build() {
      if (map.isEmpty()) {
        return EMPTY;
      }
      return new Attrs(Collections.unmodifiableMap(new LinkedHashMap<>(map)), "");
    }
  }
}
