/**
 * The {@code .wtl} model file: a neutral, versioned container of graph nodes, tensors,
 * constraints, training state and provenance. This package attaches no meaning to node kinds,
 * attributes or tensor names; the model layer maps networks to and from {@link
 * dev.whittle.io.WtlModel}. {@link dev.whittle.io.WtlWriter} writes it, {@link
 * dev.whittle.io.WtlReader} reads it, {@link dev.whittle.io.AtomicFile} writes any file
 * atomically.
 *
 * <h2>Format versions 1 and 2</h2>
 *
 * <p>All integers are little-endian; {@code u8/u16/u32/u64} are unsigned, {@code i64} signed,
 * {@code f64} is an IEEE 754 double's raw bits as a u64. The same model always gives the same
 * bytes (no timestamps; lists and maps in their stored order).
 *
 * <pre>
 * file      = header section* ends                      (nothing may follow ends)
 * header    = "WHITTLE" 0x00                            8 bytes of magic
 *             u16 version                               1 or 2 (2: may hold DEFL sections); 0 is
 *                                                       invalid; newer is rejected
 *             u16 flags                                 0; any unknown bit is rejected
 * section   = u32 tag                                   4 ASCII bytes in file order, e.g. "GRPH"
 *             u64 length                                payload bytes
 *             byte[length] payload
 *             u32 crc                                   CRC-32C (Castagnoli, java.util.zip.CRC32C)
 *                                                       of tag, length and payload (12 + length bytes)
 * ends      = section with tag "ENDS" and length 0      must be last
 *
 * Sections, each at most once, in any order; a missing one is empty. The writer always writes
 * GRPH, TENS, CONS, STAT, PROV, ENDS in this order. A section with another tag and a valid CRC
 * is skipped (written by a newer Whittle). A section's payload must be consumed exactly.
 *
 * "GRPH" nodes      = u32 count, node*
 *   node            = string name, string kind, u32 count, string* inputs, attrs
 * "TENS" tensors    = u32 count, tensor*                names unique
 * "CONS" constraints= u32 count, constraint*
 *   constraint      = string parameter, string kind, attrs, u32 count, tensor*
 * "STAT" state      = u32 count, tensor*                training state; names unique
 * "PROV" provenance = u32 count, (string key, string value)*   keys unique, in order
 * "DEFL" deflated   = u32 tag, u64 length, byte[] raw deflate stream (RFC 1951)     version 2
 *                     the section {@code tag} (GRPH, CONS, STAT or PROV), whose payload of
 *                     {@code length} bytes is the stream inflated exactly; the writer stores a
 *                     metadata section so whenever that is smaller, and writes version 1 when
 *                     it stores none
 *
 * string  = u32 n, byte[n]                              UTF-8, strictly valid
 * attrs   = u32 count, (string key, u8 type, value)*    keys unique and non-empty, in order
 *   type 1 = i64                                        integer
 *   type 2 = f64                                        number
 *   type 3 = string
 *   type 4 = u32 n, i64[n]                              integer list
 *   type 5 = u32 n, f64[n]                              number list
 * tensor  = string name                                 non-empty
 *           u16 encoding                                Encoding tag: 0 F32, 1 I32, 2 U8,
 *                                                       3 SPARSE_F32, 4 QUANT, 5 CODEBOOK,
 *                                                       6 SPARSE_QUANT
 *           u8 rank                                     0..8
 *           u32[rank] dims                              each 0..2^31-1
 *           u64 n, byte[n] payload                      F32/I32: 4 bytes per element, U8: 1;
 *                                                       row-major; the others describe
 *                                                       themselves (see Encoding)
 * </pre>
 *
 * <h2>Reading safely</h2>
 *
 * <p>The reader rejects files over 2 GiB, checks every count and length against the bytes that
 * remain before allocating (a list count against {@code count * smallest element}), checks each
 * tensor's element count against the system property {@code whittle.maxTensorElements} (default
 * 2^30), and verifies each section's CRC before parsing it, so that any flipped bit after the
 * 12-byte header is caught by a CRC and any flipped bit in the header by the magic, version or
 * flags check. Every problem is a {@link dev.whittle.InputException} with a one-line message
 * that starts with the file name, for example {@code model.wtl: section TENS is corrupted
 * (CRC-32C mismatch)}.
 *
 * <h2>Compatibility</h2>
 *
 * <p>New sections, attribute types and tensor encodings get new tags; existing tags are never
 * renumbered. Readers skip unknown sections but reject unknown attribute types and encodings
 * (they cannot be skipped without losing meaning) with a message suggesting a newer Whittle. A
 * change old readers must not misread bumps the version.
 */
package dev.whittle.io;
