/**
 * The kernels' interface as the host sees it: the exports of every kernel build (one signature
 * for all three sets, pointers as byte offsets into the kernels' memory) and the op codes some
 * kernels take as an argument. Types and constants only; runtime.ts instantiates the kernels.
 */

/** The kernel exports, as the host calls them (pointers are byte offsets). */
export interface KernelExports {
  packB(b: number, bp: number, K: number, N: number, transB: number): void;
  packedSize(K: number, N: number): number;
  /** ahead = 1: fetch each panel of B while the one before it is computed (weights out of cache at the call). */
  gemmPacked(
    a: number,
    lda: number,
    bp: number,
    bias: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    act: number,
    ahead: number,
  ): void;
  /** What gemmPacked's fetch-ahead loads read, folded together (only there to keep them). */
  gemmFetchSink(): number;
  /** B packed in strips of 32 columns for gemmSparseRows (transB as packB). */
  packStrips(b: number, bs: number, K: number, N: number, transB: number): void;
  stripsSize(K: number, N: number): number;
  sparseListBytes(K: number): number;
  /** gemmPacked's result (same bits, finite B) summing only each row's nonzero k; bs from packStrips, bp from packB, K ≤ 65535. */
  gemmSparseRows(
    a: number,
    lda: number,
    bp: number,
    bs: number,
    bias: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    act: number,
    lists: number,
    ahead: number,
  ): void;
  packDot(b: number, wp: number, K: number, N: number, transB: number): void;
  packedDotSize(K: number, N: number): number;
  gemvPacked(a: number, lda: number, wp: number, bias: number, c: number, ldc: number, M: number, N: number, K: number, act: number): void;
  matmulBatched(
    a: number,
    sa: number,
    lda: number,
    b: number,
    sb: number,
    ldb: number,
    c: number,
    sc: number,
    ldc: number,
    batch: number,
    M: number,
    N: number,
    K: number,
  ): void;
  /** res: a residual added to x first (0 for none). */
  layerNorm(x: number, res: number, gamma: number, beta: number, y: number, rows: number, cols: number, eps: number): void;
  softmax(x: number, y: number, rows: number, cols: number): void;
  sumRuns(x: number, y: number, outer: number, D: number, inner: number, divisor: number): void;
  activate(x: number, y: number, n: number, act: number): void;
  unary(x: number, y: number, n: number, op: number): void;
  binary(a: number, sa: number, ja: number, b: number, sb: number, jb: number, y: number, rows: number, cols: number, op: number): void;
  attention(
    q: number,
    qn: number,
    qi: number,
    k: number,
    kn: number,
    kj: number,
    v: number,
    vn: number,
    vj: number,
    o: number,
    on: number,
    oi: number,
    m: number,
    mn: number,
    mi: number,
    heads: number,
    T: number,
    S: number,
    D: number,
    scale: number,
    scratch: number,
  ): void;
  /** Bytes of scratch {@link KernelExports.attention} needs for S keys. */
  attentionScratchBytes(S: number): number;
  copyBlocks(src: number, srcStride: number, map: number, dst: number, dstStride: number, count: number, runBytes: number): void;
  select(
    c: number,
    sc: number,
    jc: number,
    x: number,
    sx: number,
    jx: number,
    y: number,
    sy: number,
    jy: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  padPlanes(x: number, dst: number, C: number, H: number, W: number, padT: number, padL: number, Hp: number, Wp: number): void;
  im2colPanels(
    x: number,
    bp: number,
    C: number,
    H: number,
    W: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padT: number,
    padL: number,
    OH: number,
    OW: number,
    ones: number,
  ): void;
  pool2d(
    x: number,
    y: number,
    NC: number,
    H: number,
    W: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padT: number,
    padL: number,
    padB: number,
    padR: number,
    OH: number,
    OW: number,
    avg: number,
    includePad: number,
  ): void;
  rnnScratchFloats(gates: number, seq: number, batch: number, I: number, H: number, lbr: number, dirs: number): number;
  gru(
    x: number,
    w: number,
    r: number,
    bias: number,
    h0: number,
    y: number,
    yh: number,
    scratch: number,
    seq: number,
    batch: number,
    I: number,
    H: number,
    dirs: number,
    reverseOnly: number,
    lbr: number,
    packed: number,
  ): void;
  lstm(
    x: number,
    w: number,
    r: number,
    bias: number,
    h0: number,
    c0: number,
    p: number,
    y: number,
    yh: number,
    yc: number,
    scratch: number,
    seq: number,
    batch: number,
    I: number,
    H: number,
    dirs: number,
    reverseOnly: number,
    packed: number,
  ): void;
  packedInt8Size(K: number, N: number): number;
  packInt8(b: number, wq: number, scales: number, K: number, N: number, transB: number): void;
  gemvInt8(
    a: number,
    lda: number,
    wq: number,
    scales: number,
    bias: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    act: number,
    aq: number,
  ): void;
  depthwise2d(
    x: number,
    w: number,
    bias: number,
    y: number,
    NC: number,
    C: number,
    H: number,
    W: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padT: number,
    padL: number,
    OH: number,
    OW: number,
  ): void;
  packedInt8GemmSize(K: number, N: number): number;
  packInt8Gemm(b: number, bp: number, scales: number, K: number, N: number, transB: number): void;
  gemmInt8(
    a: number,
    lda: number,
    bp: number,
    scales: number,
    bias: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    act: number,
    aq: number,
    ascale: number,
  ): void;
  gemmInt8Grouped(
    aq: number,
    ascale: number,
    bp: number,
    scales: number,
    bias: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    act: number,
  ): void;
  absMax(x: number, n: number): number;
  quantizeRowGroups(a: number, lda: number, K: number, M: number, aq: number, ascale: number): void;
  quantizePanels(src: number, dst: number, K: number, N: number, inv: number): void;
  addRowBias(c: number, bias: number, M: number, N: number): void;
  fillF32(dst: number, value: number, n: number): void;
  heapBase(): number;
}

/** Activation codes understood by gemmPacked and activate. */
export const Act = { none: 0, relu: 1, gelu: 2 } as const;
/** Op codes of the unary kernel. */
export const UnaryOp = { erf: 0, exp: 1, sigmoid: 2 } as const;
/** Op codes of the binary kernel. */
export const BinaryOp = { add: 0, sub: 1, mul: 2, div: 3 } as const;
