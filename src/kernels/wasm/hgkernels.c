// The project's own wasm kernels (issue 14): the hot elementwise and convolution-gradient ops that
// tfjs-backend-wasm 4.22 runs slowly or as many small kernels. Compiled by scripts/build-kernels.sh
// (clang --target=wasm32, SIMD128) into hgkernels.wasm, which imports tfjs-backend-wasm's own memory:
// every pointer below is an offset into that heap, where tfjs keeps its tensors.
//
// Rules that make sharing tfjs's memory safe (checked by the build script and the loader):
//   * no data segments and no use of the C stack in memory: the functions touch only the tensors they
//     are given (scalars and SIMD accumulators stay in wasm locals);
//   * no libc: nothing to initialise, no malloc; tfjs allocates every output.
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
//   dW[a, b, i, o] = Σ_{n, ho, wo} x[n, ho·sh + a − top, wo·sw + b − left, i] · dy[n, ho, wo, o]
// (terms whose input pixel falls in the zero padding left out). For each filter tap (a, b) this is a
// product of the shifted input [pixels × ci] (transposed) with dy [pixels × co]; a register tile of
// NI input channels × NV·4 output channels sums over every pixel before it is written, so dW is
// written once and x, dy are streamed. The last vector of a tile may be partial (R lanes of 4), so any
// channel count works without reading past a tensor.

typedef struct {
  uint32_t n, h, w, ci, ho, wo, co, kh, kw, sh, sw, top, left;
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

// One tile: taps (a, b), input channels i0 .. i0+NI−1, output channels o0 .. o0 + 4·(NV−1) + R − 1.
INLINE void filter_tile(const float* x, const float* dy, float* dw, const ConvGeom* G, uint32_t a, uint32_t b,
                        uint32_t i0, uint32_t o0, const int NI, const int NV, const int R) {
  v128_t acc[4][2];
  for (int i = 0; i < NI; i++)
    for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);
  // Output columns whose input column lies inside the image: 0 ≤ wo·sw + b − left < w.
  int32_t lo = 0;
  if (b < G->left) lo = (int32_t)((G->left - b + G->sw - 1) / G->sw);
  int32_t hi = ((int32_t)G->w - 1 + (int32_t)G->left - (int32_t)b);
  hi = hi < 0 ? 0 : hi / (int32_t)G->sw + 1;
  if (hi > (int32_t)G->wo) hi = (int32_t)G->wo;
  const uint32_t xstep = G->sw * G->ci;
  for (uint32_t n = 0; n < G->n; n++) {
    for (uint32_t ho = 0; ho < G->ho; ho++) {
      int32_t hh = (int32_t)(ho * G->sh + a) - (int32_t)G->top;
      if (hh < 0 || hh >= (int32_t)G->h || lo >= hi) continue;
      const float* xp = x + (((n * G->h + (uint32_t)hh) * G->w) + (uint32_t)(lo * (int32_t)G->sw + (int32_t)b - (int32_t)G->left)) * G->ci + i0;
      const float* dp = dy + ((n * G->ho + ho) * G->wo + (uint32_t)lo) * G->co + o0;
      for (int32_t c = lo; c < hi; c++, xp += xstep, dp += G->co) {
        v128_t d0 = NV == 2 ? wasm_v128_load(dp) : load_r(dp, R);
        v128_t d1 = NV == 2 ? load_r(dp + 4, R) : d0;
        for (int i = 0; i < NI; i++) {
          v128_t xv = wasm_v128_load32_splat(xp + i);
          acc[i][0] = wasm_f32x4_add(acc[i][0], wasm_f32x4_mul(xv, d0));
          if (NV == 2) acc[i][1] = wasm_f32x4_add(acc[i][1], wasm_f32x4_mul(xv, d1));
        }
      }
    }
  }
  for (int i = 0; i < NI; i++) {
    float* out = dw + ((a * G->kw + b) * G->ci + i0 + (uint32_t)i) * G->co + o0;
    if (NV == 2) {
      wasm_v128_store(out, acc[i][0]);
      store_r(out + 4, acc[i][1], R);
    } else {
      store_r(out, acc[i][0], R);
    }
  }
}

// Dispatch to a tile shape with compile-time sizes (so the accumulators stay in locals).
#define TILE_R(NI, NV, R) filter_tile(x, dy, dw, &G, a, b, i0, o0, NI, NV, R)
#define TILE(NI, NV, r)             \
  switch (r) {                      \
    case 1: TILE_R(NI, NV, 1); break; \
    case 2: TILE_R(NI, NV, 2); break; \
    case 3: TILE_R(NI, NV, 3); break; \
    default: TILE_R(NI, NV, 4); break; \
  }

EXPORT(conv2d_filter_grad)
void conv2d_filter_grad(const float* x, const float* dy, float* dw, uint32_t n, uint32_t h, uint32_t w, uint32_t ci,
                        uint32_t ho, uint32_t wo, uint32_t co, uint32_t kh, uint32_t kw, uint32_t sh, uint32_t sw,
                        uint32_t top, uint32_t left) {
  const ConvGeom G = {n, h, w, ci, ho, wo, co, kh, kw, sh, sw, top, left};
  for (uint32_t a = 0; a < kh; a++) {
    for (uint32_t b = 0; b < kw; b++) {
      for (uint32_t o0 = 0; o0 < co; o0 += 8) {
        const uint32_t left_o = co - o0;
        uint32_t i0 = 0;
        for (; i0 + 4 <= ci; i0 += 4) {
          if (left_o > 4) TILE(4, 2, left_o >= 8 ? 4 : left_o - 4)
          else TILE(4, 1, left_o)
        }
        for (; i0 < ci; i0++) {
          if (left_o > 4) TILE(1, 2, left_o >= 8 ? 4 : left_o - 4)
          else TILE(1, 1, left_o)
        }
      }
    }
  }
}
