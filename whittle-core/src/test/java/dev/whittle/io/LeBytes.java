package dev.whittle.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds little-endian byte sequences for hand-crafted test files. */
final class LeBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  LeBytes u8(int v) {
    out.write(v);
    return this;
  }

  LeBytes u16(int v) {
    return u8(v).u8(v >>> 8);
  }

  LeBytes u32(long v) {
    return u16((int) v).u16((int) (v >>> 16));
  }

  LeBytes u64(long v) {
    return u32(v).u32(v >>> 32);
  }

  LeBytes bytes(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  LeBytes string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return u32(b.length).bytes(b);
  }

  /** The header of a current-version file. */
  LeBytes header() {
    return header(WtlFormat.VERSION, 0);
  }

  LeBytes header(int version, int flags) {
    return bytes(WtlFormat.MAGIC).u16(version).u16(flags);
  }

  /** A section with a valid CRC around {@code payload}. */
  LeBytes section(String tag, byte[] payload) {
    return bytes(WtlWriter.section(WtlFormat.fourCc(tag), payload));
  }

  LeBytes section(String tag, LeBytes payload) {
    return section(tag, payload.toBytes());
  }

  LeBytes ends() {
    return section("ENDS", new byte[0]);
  }

  byte[] toBytes() {
    return out.toByteArray();
  }
}
