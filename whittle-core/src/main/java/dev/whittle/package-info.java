/** Whittle: makes neural networks smaller and faster, and measures what that bought. */
package dev.whittle;
