// The project's own wasm kernels (issue 14): the hot elementwise and convolution-gradient ops that
// tfjs-backend-wasm 4.22 runs slowly or as many small kernels. Compiled by scripts/build-kernels.sh
// (clang --target=wasm32, SIMD128) into hgkernels.wasm, which imports tfjs-backend-wasm's own memory:
// every pointer below is an offset into that heap, where tfjs keeps its tensors.
//
// Rules that make sharing tfjs's memory safe (checked by the build script and the loader):
//   * no data segments and no use of the C stack in memory: the functions touch only the tensors they
//     are given (scalars and SIMD accumulators stay in wasm locals);
//   * no libc: nothing to initialise, no malloc; tfjs allocates every output.
// Built with -fno-vectorize -fno-slp-vectorize: the SIMD here is written out by hand, and LLVM 14's
// auto-vectorised per-channel flush loop (f64x2.promote_low_f32x4 of v128.load64_zero, v128.store64_lane)
// computed wrong results under Node 20's optimising tier (V8 11.3 TurboFan; right under Liftoff), found by
// test/unit/ownKernelsTiers.test.ts, which runs the kernels with --no-liftoff.
// Every elementwise kernel does the same float32 operations in the same order as the tfjs ops it
// replaces, so its results are bitwise equal to them (test/unit/ownKernels.test.ts); wasm has no fused
// multiply-add here, so nothing is contracted.
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define INLINE static inline __attribute__((always_inline))

// ---------------------------------------------------------------------------------------------------
// Adam's moment and direction update for one parameter tensor (src/optim/directions.ts adamDirection):
//   m2 = m·β1 + g·(1−β1);  v2 = v·β2 + g²·(1−β2)
//   torch.optim.Adam:  u = m2 / (√v2 / √bc2 + ε) / bc1
//   legacy (HD code):  u = m2 / (√v2 + ε) · (√bc2 / bc1)
// The scalars arrive already rounded to float32, as tfjs's scalar tensors hold them.

INLINE v128_t adam_u(v128_t m2, v128_t v2, v128_t eps, v128_t sbc2, v128_t bc1, v128_t scale, int legacy) {
  v128_t r = wasm_f32x4_sqrt(v2);
  if (legacy) return wasm_f32x4_mul(wasm_f32x4_div(m2, wasm_f32x4_add(r, eps)), scale);
  return wasm_f32x4_div(wasm_f32x4_div(m2, wasm_f32x4_add(wasm_f32x4_div(r, sbc2), eps)), bc1);
}

INLINE float adam_u1(float m2, float v2, float eps, float sbc2, float bc1, float scale, int legacy) {
  float r = __builtin_sqrtf(v2);
  if (legacy) return (m2 / (r + eps)) * scale;
  return (m2 / (r / sbc2 + eps)) / bc1;
}

EXPORT(adam)
void adam(const float* g, const float* m, const float* v, float* m2o, float* v2o, float* uo, uint32_t n,
          float b1, float omb1, float b2, float omb2, float eps, float sbc2, float bc1, float scale, int legacy) {
  const v128_t B1 = wasm_f32x4_splat(b1), OMB1 = wasm_f32x4_splat(omb1);
  const v128_t B2 = wasm_f32x4_splat(b2), OMB2 = wasm_f32x4_splat(omb2);
  const v128_t EPS = wasm_f32x4_splat(eps), SBC2 = wasm_f32x4_splat(sbc2);
  const v128_t BC1 = wasm_f32x4_splat(bc1), SCALE = wasm_f32x4_splat(scale);
  uint32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gv = wasm_v128_load(g + i);
    v128_t m2 = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), B1), wasm_f32x4_mul(gv, OMB1));
    v128_t v2 = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), B2), wasm_f32x4_mul(wasm_f32x4_mul(gv, gv), OMB2));
    wasm_v128_store(m2o + i, m2);
    wasm_v128_store(v2o + i, v2);
    wasm_v128_store(uo + i, adam_u(m2, v2, EPS, SBC2, BC1, SCALE, legacy));
  }
  for (; i < n; i++) {
    float gi = g[i];
    float m2 = m[i] * b1 + gi * omb1;
    float v2 = v[i] * b2 + (gi * gi) * omb2;
    m2o[i] = m2;
    v2o[i] = v2;
    uo[i] = adam_u1(m2, v2, eps, sbc2, bc1, scale, legacy);
  }
}

// ---------------------------------------------------------------------------------------------------
// ∂L/∂W of a 2-D convolution, NHWC, as tfjs's Conv2DBackpropFilter:
//   dW[a, b, i, o] = Σ_{n, ho, wo} xp[n, ho·sh + a, wo·sw + b, i] · dy[n, ho, wo, o]
// where xp is x with its zero padding in place (`xp`: a copy made by pad_input, or x itself when no
// padding is needed). For one filter row a, the taps b and input channels i of a pixel's window are
// contiguous in xp (index r = b·ci + i from the window's first column) and so are the rows dW[a, ·, ·, o]:
// dW[a] = Σ_pixels window(a)ᵀ · dy, a product of [pixels × kw·ci]ᵀ with [pixels × co]. A register tile
// of NI window entries × NV·4 output channels sums over every pixel before it is written once; the last
// vector may be partial (R lanes of 4), so any channel count works without reading past a tensor.

typedef struct {
  uint32_t n, hp, wp, ci, ho, wo, co, kw, sh, sw;
} ConvGeom;

INLINE v128_t load_r(const float* p, int r) {
  if (r == 4) return wasm_v128_load(p);
  if (r == 2) return wasm_v128_load64_zero(p);
  if (r == 1) return wasm_v128_load32_zero(p);
  return wasm_f32x4_replace_lane(wasm_v128_load64_zero(p), 2, p[2]);
}

INLINE void store_r(float* p, v128_t v, int r) {
  if (r == 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (r > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (r > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

// One tile: filter row a, window entries r0 .. r0+NI−1, output channels o0 .. o0 + 4·(NV−1) + R − 1.
INLINE void filter_tile(const float* xp, const float* dy, float* dw, const ConvGeom* G, uint32_t a, uint32_t r0,
                        uint32_t o0, const int NI, const int NV, const int R) {
  v128_t acc[4][2];
  for (int i = 0; i < NI; i++)
    for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);
  const uint32_t xstep = G->sw * G->ci;
  for (uint32_t n = 0; n < G->n; n++) {
    for (uint32_t ho = 0; ho < G->ho; ho++) {
      const float* x = xp + ((n * G->hp + ho * G->sh + a) * G->wp) * G->ci + r0;
      const float* d = dy + ((n * G->ho + ho) * G->wo) * G->co + o0;
      for (uint32_t c = 0; c < G->wo; c++, x += xstep, d += G->co) {
        v128_t d0 = NV == 2 ? wasm_v128_load(d) : load_r(d, R);
        v128_t d1 = NV == 2 ? load_r(d + 4, R) : d0;
        for (int i = 0; i < NI; i++) {
          v128_t xv = wasm_v128_load32_splat(x + i);
          acc[i][0] = wasm_f32x4_add(acc[i][0], wasm_f32x4_mul(xv, d0));
          if (NV == 2) acc[i][1] = wasm_f32x4_add(acc[i][1], wasm_f32x4_mul(xv, d1));
        }
      }
    }
  }
  for (int i = 0; i < NI; i++) {
    float* out = dw + (a * G->kw * G->ci + r0 + (uint32_t)i) * G->co + o0;
    if (NV == 2) {
      wasm_v128_store(out, acc[i][0]);
      store_r(out + 4, acc[i][1], R);
    } else {
      store_r(out, acc[i][0], R);
    }
  }
}

// Dispatch to a tile shape with compile-time sizes (so the accumulators stay in locals).
#define TILE_R(NI, NV, R) filter_tile(xp, dy, dw, &G, a, r0, o0, NI, NV, R)
#define TILE(NI, NV, r)               \
  switch (r) {                        \
    case 1: TILE_R(NI, NV, 1); break; \
    case 2: TILE_R(NI, NV, 2); break; \
    case 3: TILE_R(NI, NV, 3); break; \
    default: TILE_R(NI, NV, 4); break; \
  }

// xp [n, hp, wp, ci] = x [n, h, w, ci] placed at (top, left) in zeros, cropped to hp × wp.
EXPORT(pad_input)
void pad_input(const float* x, float* xp, uint32_t n, uint32_t h, uint32_t w, uint32_t ci, uint32_t hp, uint32_t wp,
               uint32_t top, uint32_t left) {
  for (uint32_t b = 0; b < n; b++) {
    for (uint32_t i = 0; i < hp; i++) {
      float* row = xp + ((b * hp + i) * wp) * ci;
      const int32_t src = (int32_t)i - (int32_t)top;
      for (uint32_t j = 0; j < wp; j++) {
        const int32_t col = (int32_t)j - (int32_t)left;
        if (src >= 0 && src < (int32_t)h && col >= 0 && col < (int32_t)w) {
          const float* from = x + (((b * h + (uint32_t)src) * w) + (uint32_t)col) * ci;
          for (uint32_t k = 0; k < ci; k++) row[j * ci + k] = from[k];
        } else {
          for (uint32_t k = 0; k < ci; k++) row[j * ci + k] = 0.0f;
        }
      }
    }
  }
}

EXPORT(conv2d_filter_grad)
void conv2d_filter_grad(const float* xp, const float* dy, float* dw, uint32_t n, uint32_t hp, uint32_t wp, uint32_t ci,
                        uint32_t ho, uint32_t wo, uint32_t co, uint32_t kh, uint32_t kw, uint32_t sh, uint32_t sw) {
  const ConvGeom G = {n, hp, wp, ci, ho, wo, co, kw, sh, sw};
  const uint32_t rows = kw * ci;
  for (uint32_t a = 0; a < kh; a++) {
    for (uint32_t o0 = 0; o0 < co; o0 += 8) {
      const uint32_t left_o = co - o0;
      uint32_t r0 = 0;
      for (; r0 + 4 <= rows; r0 += 4) {
        if (left_o > 4) TILE(4, 2, left_o >= 8 ? 4 : left_o - 4)
        else TILE(4, 1, left_o)
      }
      for (; r0 < rows; r0++) {
        if (left_o > 4) TILE(1, 2, left_o >= 8 ? 4 : left_o - 4)
        else TILE(1, 1, left_o)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The gradient of relu(maxPool 2×2, stride 2) (src/models/pool.ts reluMaxPool2), z [n, h, w, c] with
// even h, w, pooled p [n, h/2, w/2, c]:
//   dz = dp − dp·step(p − z),  dp = dy·step(p)     (step(x) = NaN for NaN, 1 for x > 0, else 0:
//                                                    tfjs-backend-wasm's Step)
// i.e. dy goes to every position equal to its window's maximum where that maximum is positive. The same
// operations in the same order as the composed ops, without their 6-D broadcasts.

INLINE v128_t step4(v128_t x) {
  v128_t one = wasm_v128_and(wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(1.0f));
  return wasm_v128_bitselect(x, one, wasm_f32x4_ne(x, x));
}

INLINE float step1(float x) {
  if (x != x) return x;
  return x > 0.0f ? 1.0f : 0.0f;
}

EXPORT(relu_max_pool2_grad)
void relu_max_pool2_grad(const float* z, const float* p, const float* dy, float* dz, uint32_t n, uint32_t h, uint32_t w, uint32_t c) {
  const uint32_t h2 = h / 2, w2 = w / 2;
  for (uint32_t b = 0; b < n; b++) {
    for (uint32_t i = 0; i < h2; i++) {
      for (uint32_t j = 0; j < w2; j++) {
        const uint32_t q = ((b * h2 + i) * w2 + j) * c;
        for (uint32_t a = 0; a < 4; a++) {
          const uint32_t r = ((b * h + 2 * i + (a >> 1)) * w + 2 * j + (a & 1)) * c;
          uint32_t k = 0;
          for (; k + 4 <= c; k += 4) {
            v128_t pv = wasm_v128_load(p + q + k);
            v128_t dp = wasm_f32x4_mul(wasm_v128_load(dy + q + k), step4(pv));
            v128_t nm = step4(wasm_f32x4_sub(pv, wasm_v128_load(z + r + k)));
            wasm_v128_store(dz + r + k, wasm_f32x4_sub(dp, wasm_f32x4_mul(dp, nm)));
          }
          for (; k < c; k++) {
            float pv = p[q + k];
            float dp = dy[q + k] * step1(pv);
            dz[r + k] = dp - dp * step1(pv - z[r + k]);
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Batch norm in training mode over the m = n·h·w pixels of x [m, c] (src/models/batchNorm.ts):
//   μ = Σx/m, σ² = Σ(x − μ)²/m (biased), rstd = 1/√(σ² + ε), x̂ = (x − μ)·rstd, y = x̂·γ + β
// and its gradient
//   dγ = Σ dy·x̂, dβ = Σ dy, dx = γ·rstd·(dy − dβ/m − x̂·dγ/m).
// Per-channel sums run over blocks of SUM_BLOCK pixels in float32 (SIMD across channels), each block's
// sum added into a float64 total: more accurate than one float32 running sum over 10⁵ pixels. `acc` is
// scratch the caller allocates (BN_SCRATCH_FLOATS(c) floats, 8-byte aligned): for each of two sums c floats
// then c doubles, and three per-channel factors.

#define SUM_BLOCK 64

// volatile: keeps clang from turning these loops into memset calls, which a module without libc cannot link.
INLINE void zero_f(float* p, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) ((volatile float*)p)[i] = 0.0f;
}

INLINE void zero_d(double* p, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) ((volatile double*)p)[i] = 0.0;
}

// tot[k] += part[k]; part[k] = 0.
INLINE void flush(float* part, double* tot, uint32_t c) {
  for (uint32_t k = 0; k < c; k++) {
    tot[k] += (double)part[k];
    part[k] = 0.0f;
  }
}

// Σ_p a[p, k] (and, if b, Σ_p a[p, k]·b[p, k]) into tot1 (tot2); shift: subtract mu[k] from a first and
// square it (the variance pass).
INLINE void channel_sums(const float* a, const float* b, const float* mu, float* part1, double* tot1, float* part2, double* tot2,
                         uint32_t m, uint32_t c, int squares) {
  zero_f(part1, c);
  zero_d(tot1, c);
  if (b) {
    zero_f(part2, c);
    zero_d(tot2, c);
  }
  for (uint32_t p = 0; p < m; p++) {
    const float* ap = a + p * c;
    const float* bp = b ? b + p * c : 0;
    uint32_t k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t v = wasm_v128_load(ap + k);
      if (squares) {
        v = wasm_f32x4_sub(v, wasm_v128_load(mu + k));
        v = wasm_f32x4_mul(v, v);
      }
      wasm_v128_store(part1 + k, wasm_f32x4_add(wasm_v128_load(part1 + k), v));
      if (b) wasm_v128_store(part2 + k, wasm_f32x4_add(wasm_v128_load(part2 + k), wasm_f32x4_mul(v, wasm_v128_load(bp + k))));
    }
    for (; k < c; k++) {
      float v = ap[k];
      if (squares) {
        v -= mu[k];
        v *= v;
      }
      part1[k] += v;
      if (b) part2[k] += v * bp[k];
    }
    if ((p + 1) % SUM_BLOCK == 0 || p + 1 == m) {
      flush(part1, tot1, c);
      if (b) flush(part2, tot2, c);
    }
  }
}

// mean, var (biased), rstd [c]; xhat and y [m, c].
EXPORT(bn_train_forward)
void bn_train_forward(const float* x, const float* gamma, const float* beta, float* y, float* xhat, float* mean, float* var, float* rstd,
                      float* acc, uint32_t m, uint32_t c, float eps) {
  float* part = acc;
  double* tot = (double*)(acc + c + (c & 1));
  channel_sums(x, 0, 0, part, tot, 0, 0, m, c, 0);
  for (uint32_t k = 0; k < c; k++) mean[k] = (float)(tot[k] / (double)m);
  channel_sums(x, 0, mean, part, tot, 0, 0, m, c, 1);
  for (uint32_t k = 0; k < c; k++) {
    var[k] = (float)(tot[k] / (double)m);
    rstd[k] = 1.0f / __builtin_sqrtf(var[k] + eps);
  }
  for (uint32_t p = 0; p < m; p++) {
    const float* xp = x + p * c;
    float* hp = xhat + p * c;
    float* yp = y + p * c;
    uint32_t k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xp + k), wasm_v128_load(mean + k)), wasm_v128_load(rstd + k));
      wasm_v128_store(hp + k, h);
      wasm_v128_store(yp + k, wasm_f32x4_add(wasm_f32x4_mul(h, wasm_v128_load(gamma + k)), wasm_v128_load(beta + k)));
    }
    for (; k < c; k++) {
      float h = (xp[k] - mean[k]) * rstd[k];
      hp[k] = h;
      yp[k] = h * gamma[k] + beta[k];
    }
  }
}

// dx [m, c]; dgamma, dbeta [c].
EXPORT(bn_train_backward)
void bn_train_backward(const float* dy, const float* xhat, const float* gamma, const float* rstd, float* dx, float* dgamma, float* dbeta,
                       float* acc, uint32_t m, uint32_t c) {
  float* part1 = acc;
  double* tot1 = (double*)(acc + c + (c & 1));
  float* part2 = (float*)(tot1 + c);
  double* tot2 = (double*)(part2 + c + (c & 1));
  channel_sums(dy, xhat, 0, part1, tot1, part2, tot2, m, c, 0);
  float* k1 = (float*)(tot2 + c);  // γ·rstd
  float* k2 = k1 + c;              // γ·rstd·dβ/m
  float* k3 = k2 + c;              // γ·rstd·dγ/m
  for (uint32_t k = 0; k < c; k++) {
    dbeta[k] = (float)tot1[k];
    dgamma[k] = (float)tot2[k];
    k1[k] = gamma[k] * rstd[k];
    k2[k] = (float)((double)k1[k] * tot1[k] / (double)m);
    k3[k] = (float)((double)k1[k] * tot2[k] / (double)m);
  }
  for (uint32_t p = 0; p < m; p++) {
    const float* dp = dy + p * c;
    const float* hp = xhat + p * c;
    float* op = dx + p * c;
    uint32_t k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t v = wasm_f32x4_mul(wasm_v128_load(dp + k), wasm_v128_load(k1 + k));
      v = wasm_f32x4_sub(v, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(hp + k), wasm_v128_load(k3 + k)), wasm_v128_load(k2 + k)));
      wasm_v128_store(op + k, v);
    }
    for (; k < c; k++) op[k] = dp[k] * k1[k] - (hp[k] * k3[k] + k2[k]);
  }
}
