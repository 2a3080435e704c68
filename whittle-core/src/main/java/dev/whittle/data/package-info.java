/**
 * Data sets: the immutable in-memory {@link dev.whittle.data.Dataset}, readers for IDX and CSV
 * files, the named sets of {@link dev.whittle.data.DataSets} ({@code mnist}, {@code
 * fashion-mnist}, {@code digits}) with their SHA-256 checks, standardization, validation splits
 * and deterministic batch order. Every problem with a user's file is reported as a {@link
 * dev.whittle.InputException} whose message names the file (and line or field) and what was
 * expected.
 */
package dev.whittle.data;
