package dev.whittle.kernel;

/** The validated geometry of one conv problem and its derived sizes. */
final class ConvGeom {
  final int c;
  final int h;
  final int w;
  final int oc;
  final int kh;
  final int kw;
  final int sh;
  final int sw;
  final int ph;
  final int pw;
  final int oh;
  final int ow;
  /** Rows of the column matrix: c * kh * kw (the GEMM depth of the forward pass). */
  final int k;
  /** Output positions per sample and channel: oh * ow. */
  final int sp;
  /** Floats per input sample: c * h * w. */
  final int inSize;
  /** Floats per output sample: oc * oh * ow. */
  final int outSize;
  /** 1x1 kernel, stride 1, no padding: the column matrix is the input itself. */
  final boolean identity;

  ConvGeom(int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw) {
    int[] o = Im2col.check(n, c, h, w, oc, kh, kw, sh, sw, ph, pw);
    this.c = c;
    this.h = h;
    this.w = w;
    this.oc = oc;
    this.kh = kh;
    this.kw = kw;
    this.sh = sh;
    this.sw = sw;
    this.ph = ph;
    this.pw = pw;
    this.oh = o[0];
    this.ow = o[1];
    this.k = Math.multiplyExact(Math.multiplyExact(c, kh), kw);
    this.sp = Math.multiplyExact(oh, ow);
    this.inSize = Math.multiplyExact(Math.multiplyExact(c, h), w);
    this.outSize = Math.multiplyExact(oc, sp);
    this.identity = Im2col.isIdentity(kh, kw, sh, sw, ph, pw);
  }
}
