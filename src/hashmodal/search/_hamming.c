/*
 * Compiled kernels of hashmodal.search: exact Hamming distances over packed
 * binary codes (rows of n_bytes bytes, least-significant bit first).
 *
 * Every kernel takes contiguous buffers (the Python buffer protocol), releases
 * the GIL and splits the queries into tiles shared among OpenMP threads. Each
 * tile walks the database in cache-sized chunks, so a chunk is read from
 * memory once per tile rather than once per query.
 *
 * Top-k selection uses the fact that distances are small integers
 * (0 .. 8 * n_bytes). Per query it keeps a buffer of candidates in database
 * order, a count of candidates per distance and a threshold T: the smallest
 * distance d such that at least k stored candidates have a distance <= d.
 * An item is stored only if its distance is below T (an item at distance T
 * would lose the tie to the k stored ones, which all have lower indices).
 * The hot loop is therefore XOR, popcount and one comparison. Ties come out
 * in database order because candidates are stored in that order and the
 * final ordering is a stable counting sort by distance.
 *
 * Memory is allocated with PyMem_Raw* (safe without the GIL, and visible to
 * tracemalloc).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define HM_INLINE static inline __attribute__((always_inline))
#define HM_NOINLINE static __attribute__((noinline))
#define HM_POPCOUNT64(x) __builtin_popcountll(x)
#else
#define HM_INLINE static __forceinline
#define HM_NOINLINE static __declspec(noinline)
static int hm_popcount64_portable(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}
#define HM_POPCOUNT64(x) hm_popcount64_portable(x)
#endif

/* Database bytes per chunk: a chunk stays in L2 while a tile of queries
 * scans it. */
#define HM_CHUNK_BYTES (128 * 1024)
/* Queries per tile. */
#define HM_TILE 16

HM_INLINE uint64_t hm_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

HM_INLINE uint32_t hm_load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Hamming distance between two rows of nb bytes. When nb is a compile-time
 * constant (the specialised callers below) the loops unroll fully. */
HM_INLINE int hm_distance(const uint8_t *a, const uint8_t *b, Py_ssize_t nb)
{
    int d = 0;
    Py_ssize_t i = 0;
    for (; i + 8 <= nb; i += 8) {
        d += HM_POPCOUNT64(hm_load64(a + i) ^ hm_load64(b + i));
    }
    if (i + 4 <= nb) {
        d += HM_POPCOUNT64((uint64_t)(hm_load32(a + i) ^ hm_load32(b + i)));
        i += 4;
    }
    for (; i < nb; i++) {
        d += HM_POPCOUNT64((uint64_t)(a[i] ^ b[i]));
    }
    return d;
}

static int hm_resolve_threads(Py_ssize_t n_threads)
{
    if (n_threads < 1) {
        n_threads = 1;
    }
    return (int)n_threads;
}

static Py_ssize_t hm_chunk_rows(Py_ssize_t nb)
{
    Py_ssize_t rows = HM_CHUNK_BYTES / nb;
    return rows < 64 ? 64 : rows;
}

/* Dispatch a body macro on the number of bytes so that the common widths
 * (32, 64, 128 and 256 bits) get fully specialised loops. */
#define HM_DISPATCH(nb, CALL)   \
    switch (nb) {               \
    case 4:                     \
        CALL(4);                \
        break;                  \
    case 8:                     \
        CALL(8);                \
        break;                  \
    case 16:                    \
        CALL(16);               \
        break;                  \
    case 32:                    \
        CALL(32);               \
        break;                  \
    default:                    \
        CALL(nb);               \
        break;                  \
    }

/* Vector kernels for x86-64, built with GCC or clang whatever the -march and
 * used only where the CPU running the code has the instructions (checked once
 * at import): AVX-512 VPOPCNTDQ (eight 64-bit popcounts per instruction) or,
 * failing that, AVX2 (popcount by a nibble lookup table, four codes per step).
 * Define HM_PORTABLE to build the plain C kernels only, as on other CPUs. */
#if !defined(HM_PORTABLE) && (defined(__x86_64__) || defined(_M_X64)) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8))
#define HM_X86_SIMD 1
#include <immintrin.h>
#else
#define HM_X86_SIMD 0
#endif

/* Vector kernels in use: 0 none, 1 AVX2, 2 AVX-512. Set at import to the best
 * the CPU has; can be lowered for tests. */
static int hm_simd = 0;

/* The widths the vector kernels handle: 32, 64, 128 and 256 bits. */
#define HM_SIMD_WIDTH(nb) (hm_simd && ((nb) == 4 || (nb) == 8 || (nb) == 16 || (nb) == 32))

typedef struct hm_topk hm_topk;
typedef struct hm_hits hm_hits;
#if HM_X86_SIMD
static void hm_pairwise_avx512(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                               Py_ssize_t c1, Py_ssize_t nb, int32_t *row);
static int64_t hm_sum_avx512(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                             Py_ssize_t c1, Py_ssize_t nb);
static void hm_topk_scan_avx512(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                                Py_ssize_t c1, Py_ssize_t nb, hm_topk *s,
                                Py_ssize_t cap, Py_ssize_t k);
static int hm_radius_scan_avx512(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                                 Py_ssize_t c1, Py_ssize_t nb, int radius,
                                 hm_hits *h);
static void hm_pairwise_avx2(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                             Py_ssize_t c1, Py_ssize_t nb, int32_t *row);
static int64_t hm_sum_avx2(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                           Py_ssize_t c1, Py_ssize_t nb);
static void hm_topk_scan_avx2(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                              Py_ssize_t c1, Py_ssize_t nb, hm_topk *s,
                              Py_ssize_t cap, Py_ssize_t k);
static int hm_radius_scan_avx2(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                               Py_ssize_t c1, Py_ssize_t nb, int radius,
                               hm_hits *h);
#endif

/* ------------------------------------------------------------------------ */
/* Pairwise distances                                                       */
/* ------------------------------------------------------------------------ */

HM_INLINE void hm_pairwise_block(const uint8_t *q, const uint8_t *x,
                                 Py_ssize_t c0, Py_ssize_t c1, Py_ssize_t nb,
                                 int32_t *row)
{
    const uint8_t *xi = x + c0 * nb;
    for (Py_ssize_t i = c0; i < c1; i++, xi += nb) {
        row[i] = hm_distance(q, xi, nb);
    }
}

static void hm_pairwise_tile(const uint8_t *Q, Py_ssize_t q0, Py_ssize_t q1,
                             const uint8_t *X, Py_ssize_t n_db, Py_ssize_t nb,
                             int32_t *out)
{
    Py_ssize_t chunk = hm_chunk_rows(nb);
    for (Py_ssize_t c0 = 0; c0 < n_db; c0 += chunk) {
        Py_ssize_t c1 = c0 + chunk < n_db ? c0 + chunk : n_db;
        for (Py_ssize_t q = q0; q < q1; q++) {
            const uint8_t *qp = Q + q * nb;
            int32_t *row = out + q * n_db;
#if HM_X86_SIMD
            if (HM_SIMD_WIDTH(nb)) {
                (hm_simd == 2 ? hm_pairwise_avx512 : hm_pairwise_avx2)(qp, X, c0, c1, nb, row);
                continue;
            }
#endif
#define HM_CALL(NB) hm_pairwise_block(qp, X, c0, c1, NB, row)
            HM_DISPATCH(nb, HM_CALL)
#undef HM_CALL
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Sum of all pairwise distances: the XOR + popcount bound, no selection    */
/* ------------------------------------------------------------------------ */

HM_INLINE int64_t hm_sum_block(const uint8_t *q, const uint8_t *x,
                               Py_ssize_t c0, Py_ssize_t c1, Py_ssize_t nb)
{
    int64_t s = 0;
    const uint8_t *xi = x + c0 * nb;
    for (Py_ssize_t i = c0; i < c1; i++, xi += nb) {
        s += hm_distance(q, xi, nb);
    }
    return s;
}

static int64_t hm_sum_tile(const uint8_t *Q, Py_ssize_t q0, Py_ssize_t q1,
                           const uint8_t *X, Py_ssize_t n_db, Py_ssize_t nb)
{
    int64_t total = 0;
    Py_ssize_t chunk = hm_chunk_rows(nb);
    for (Py_ssize_t c0 = 0; c0 < n_db; c0 += chunk) {
        Py_ssize_t c1 = c0 + chunk < n_db ? c0 + chunk : n_db;
        for (Py_ssize_t q = q0; q < q1; q++) {
            const uint8_t *qp = Q + q * nb;
#if HM_X86_SIMD
            if (HM_SIMD_WIDTH(nb)) {
                total += (hm_simd == 2 ? hm_sum_avx512 : hm_sum_avx2)(qp, X, c0, c1, nb);
                continue;
            }
#endif
#define HM_CALL(NB) total += hm_sum_block(qp, X, c0, c1, NB)
            HM_DISPATCH(nb, HM_CALL)
#undef HM_CALL
        }
    }
    return total;
}

/* ------------------------------------------------------------------------ */
/* Exact top-k                                                              */
/* ------------------------------------------------------------------------ */

struct hm_topk {
    int32_t *dist;    /* candidate distances, in database order */
    int64_t *ids;     /* candidate indices, increasing            */
    int64_t *hist;    /* stored candidates per distance (valid below T) */
    Py_ssize_t size;  /* number of stored candidates */
    Py_ssize_t n_lt;  /* stored candidates with distance < T */
    int T;            /* store an item only if its distance is < T */
};

/* Drop candidates that can no longer reach the top k: keep every one below
 * T and the first (k - n_lt) at distance T. The buffer keeps its order. */
static void hm_topk_compact(hm_topk *s, Py_ssize_t k)
{
    Py_ssize_t need = k - s->n_lt;
    Py_ssize_t w = 0;
    for (Py_ssize_t r = 0; r < s->size; r++) {
        int d = s->dist[r];
        if (d < s->T || (d == s->T && need > 0)) {
            if (d == s->T) {
                need--;
            }
            s->dist[w] = d;
            s->ids[w] = s->ids[r];
            w++;
        }
    }
    s->size = w;
}

HM_NOINLINE void hm_topk_push(hm_topk *s, Py_ssize_t cap, Py_ssize_t k, int d,
                              int64_t id)
{
    if (s->size == cap) {
        hm_topk_compact(s, k);
    }
    s->dist[s->size] = d;
    s->ids[s->size] = id;
    s->size++;
    s->hist[d]++;
    s->n_lt++;
    /* Lower T while at least k stored candidates lie at T - 1 or below. */
    while (s->n_lt >= k) {
        s->T--;
        s->n_lt -= s->hist[s->T];
    }
}

/* Write the k best candidates sorted by (distance, index). */
static void hm_topk_finish(hm_topk *s, Py_ssize_t k, int32_t *od, int64_t *oi)
{
    int64_t pos = 0;
    for (int d = 0; d < s->T; d++) {
        int64_t c = s->hist[d];
        s->hist[d] = pos;
        pos += c;
    }
    Py_ssize_t need = k - s->n_lt;
    int64_t tail = s->n_lt;
    for (Py_ssize_t r = 0; r < s->size; r++) {
        int d = s->dist[r];
        if (d < s->T) {
            int64_t o = s->hist[d]++;
            od[o] = d;
            oi[o] = s->ids[r];
        }
        else if (d == s->T && need > 0) {
            od[tail] = d;
            oi[tail] = s->ids[r];
            tail++;
            need--;
        }
    }
}

HM_INLINE void hm_topk_scan(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                            Py_ssize_t c1, Py_ssize_t nb, hm_topk *s,
                            Py_ssize_t cap, Py_ssize_t k)
{
    int T = s->T;
    const uint8_t *xi = x + c0 * nb;
    for (Py_ssize_t i = c0; i < c1; i++, xi += nb) {
        int d = hm_distance(q, xi, nb);
        if (d < T) {
            hm_topk_push(s, cap, k, d, (int64_t)i);
            T = s->T;
        }
    }
}

/* Top-k for queries q0..q1 over the whole database. Returns 0, or -1 when
 * memory ran out. */
static int hm_knn_tile(const uint8_t *Q, Py_ssize_t q0, Py_ssize_t q1,
                       const uint8_t *X, Py_ssize_t n_db, Py_ssize_t nb,
                       Py_ssize_t k, int32_t *OD, int64_t *OI)
{
    Py_ssize_t nt = q1 - q0;
    Py_ssize_t cap = 2 * k + 16;
    Py_ssize_t n_hist = 8 * nb + 2;
    hm_topk st[HM_TILE];
    int32_t *dist = PyMem_RawMalloc((size_t)(nt * cap) * sizeof(int32_t));
    int64_t *ids = PyMem_RawMalloc((size_t)(nt * cap) * sizeof(int64_t));
    int64_t *hist = PyMem_RawCalloc((size_t)(nt * n_hist), sizeof(int64_t));
    if (dist == NULL || ids == NULL || hist == NULL) {
        PyMem_RawFree(dist);
        PyMem_RawFree(ids);
        PyMem_RawFree(hist);
        return -1;
    }
    for (Py_ssize_t t = 0; t < nt; t++) {
        st[t].dist = dist + t * cap;
        st[t].ids = ids + t * cap;
        st[t].hist = hist + t * n_hist;
        st[t].size = 0;
        st[t].n_lt = 0;
        st[t].T = (int)(8 * nb + 1);
    }

    Py_ssize_t chunk = hm_chunk_rows(nb);
    for (Py_ssize_t c0 = 0; c0 < n_db; c0 += chunk) {
        Py_ssize_t c1 = c0 + chunk < n_db ? c0 + chunk : n_db;
        for (Py_ssize_t t = 0; t < nt; t++) {
            const uint8_t *qp = Q + (q0 + t) * nb;
#if HM_X86_SIMD
            if (HM_SIMD_WIDTH(nb)) {
                (hm_simd == 2 ? hm_topk_scan_avx512 : hm_topk_scan_avx2)(qp, X, c0, c1, nb, &st[t], cap, k);
                continue;
            }
#endif
#define HM_CALL(NB) hm_topk_scan(qp, X, c0, c1, NB, &st[t], cap, k)
            HM_DISPATCH(nb, HM_CALL)
#undef HM_CALL
        }
    }

    for (Py_ssize_t t = 0; t < nt; t++) {
        hm_topk_finish(&st[t], k, OD + (q0 + t) * k, OI + (q0 + t) * k);
    }
    PyMem_RawFree(dist);
    PyMem_RawFree(ids);
    PyMem_RawFree(hist);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Radius search                                                            */
/* ------------------------------------------------------------------------ */

struct hm_hits {
    int32_t *dist;
    int64_t *ids;
    Py_ssize_t size;
    Py_ssize_t cap;
};

HM_NOINLINE int hm_hits_push(hm_hits *h, int d, int64_t id)
{
    if (h->size == h->cap) {
        Py_ssize_t cap = h->cap ? 2 * h->cap : 64;
        int32_t *nd = PyMem_RawRealloc(h->dist, (size_t)cap * sizeof(int32_t));
        if (nd == NULL) {
            return -1;
        }
        h->dist = nd;
        int64_t *ni = PyMem_RawRealloc(h->ids, (size_t)cap * sizeof(int64_t));
        if (ni == NULL) {
            return -1;
        }
        h->ids = ni;
        h->cap = cap;
    }
    h->dist[h->size] = d;
    h->ids[h->size] = id;
    h->size++;
    return 0;
}

HM_INLINE int hm_radius_scan(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                             Py_ssize_t c1, Py_ssize_t nb, int radius,
                             hm_hits *h)
{
    const uint8_t *xi = x + c0 * nb;
    for (Py_ssize_t i = c0; i < c1; i++, xi += nb) {
        int d = hm_distance(q, xi, nb);
        if (d <= radius) {
            if (hm_hits_push(h, d, (int64_t)i) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Stable counting sort of one query's hits by distance (0 .. radius). */
static int hm_hits_sort(hm_hits *h, int radius)
{
    if (h->size < 2) {
        return 0;
    }
    int64_t *count = PyMem_RawCalloc((size_t)radius + 2, sizeof(int64_t));
    int32_t *nd = PyMem_RawMalloc((size_t)h->size * sizeof(int32_t));
    int64_t *ni = PyMem_RawMalloc((size_t)h->size * sizeof(int64_t));
    if (count == NULL || nd == NULL || ni == NULL) {
        PyMem_RawFree(count);
        PyMem_RawFree(nd);
        PyMem_RawFree(ni);
        return -1;
    }
    for (Py_ssize_t r = 0; r < h->size; r++) {
        count[h->dist[r] + 1]++;
    }
    for (int d = 0; d <= radius; d++) {
        count[d + 1] += count[d];
    }
    for (Py_ssize_t r = 0; r < h->size; r++) {
        int64_t o = count[h->dist[r]]++;
        nd[o] = h->dist[r];
        ni[o] = h->ids[r];
    }
    PyMem_RawFree(count);
    PyMem_RawFree(h->dist);
    PyMem_RawFree(h->ids);
    h->dist = nd;
    h->ids = ni;
    h->cap = h->size;
    return 0;
}

#if HM_X86_SIMD
/* ------------------------------------------------------------------------ */
/* AVX-512 kernels: eight database codes per step                           */
/* ------------------------------------------------------------------------ */

#define HM_AVX512_TARGET __attribute__((target("avx512f,avx512vpopcntdq")))
#define HM_AVX512_INLINE static inline __attribute__((always_inline)) HM_AVX512_TARGET

/* The query repeated so that it lines up with eight database rows. */
HM_AVX512_INLINE __m512i hm_v_query(const uint8_t *q, const Py_ssize_t nb)
{
    if (nb == 4) {
        return _mm512_set1_epi64((long long)hm_load32(q));
    }
    if (nb == 8) {
        return _mm512_set1_epi64((long long)hm_load64(q));
    }
    if (nb == 16) {
        return _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)q));
    }
    return _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)q));
}

/* Distances of the query to eight consecutive rows, one per 64-bit lane. */
HM_AVX512_INLINE __m512i hm_v_dist8(const uint8_t *x, __m512i qv,
                                    const Py_ssize_t nb)
{
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    if (nb == 4) {
        __m512i v = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)x));
        return _mm512_popcnt_epi64(_mm512_xor_si512(v, qv));
    }
    if (nb == 8) {
        return _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(x), qv));
    }
    __m512i p0 = _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(x), qv));
    __m512i p1 =
        _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(x + 64), qv));
    __m512i a = _mm512_add_epi64(_mm512_permutex2var_epi64(p0, even, p1),
                                 _mm512_permutex2var_epi64(p0, odd, p1));
    if (nb == 16) {
        return a;
    }
    __m512i p2 =
        _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(x + 128), qv));
    __m512i p3 =
        _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(x + 192), qv));
    __m512i b = _mm512_add_epi64(_mm512_permutex2var_epi64(p2, even, p3),
                                 _mm512_permutex2var_epi64(p2, odd, p3));
    return _mm512_add_epi64(_mm512_permutex2var_epi64(a, even, b),
                            _mm512_permutex2var_epi64(a, odd, b));
}

HM_AVX512_INLINE void hm_v_pairwise(const uint8_t *q, const uint8_t *x,
                                    Py_ssize_t c0, Py_ssize_t c1,
                                    const Py_ssize_t nb, int32_t *row)
{
    __m512i qv = hm_v_query(q, nb);
    Py_ssize_t i = c0;
    for (; i + 8 <= c1; i += 8) {
        __m512i d = hm_v_dist8(x + i * nb, qv, nb);
        _mm256_storeu_si256((__m256i *)(row + i), _mm512_cvtepi64_epi32(d));
    }
    for (; i < c1; i++) {
        row[i] = hm_distance(q, x + i * nb, nb);
    }
}

HM_AVX512_INLINE int64_t hm_v_sum(const uint8_t *q, const uint8_t *x,
                                  Py_ssize_t c0, Py_ssize_t c1,
                                  const Py_ssize_t nb)
{
    __m512i qv = hm_v_query(q, nb);
    __m512i acc = _mm512_setzero_si512();
    Py_ssize_t i = c0;
    for (; i + 8 <= c1; i += 8) {
        acc = _mm512_add_epi64(acc, hm_v_dist8(x + i * nb, qv, nb));
    }
    int64_t s = _mm512_reduce_add_epi64(acc);
    for (; i < c1; i++) {
        s += hm_distance(q, x + i * nb, nb);
    }
    return s;
}

HM_AVX512_INLINE void hm_v_topk_scan(const uint8_t *q, const uint8_t *x,
                                     Py_ssize_t c0, Py_ssize_t c1,
                                     const Py_ssize_t nb, hm_topk *s,
                                     Py_ssize_t cap, Py_ssize_t k)
{
    __m512i qv = hm_v_query(q, nb);
    __m512i tv = _mm512_set1_epi64(s->T);
    Py_ssize_t i = c0;
    /* Sixteen rows per step: one branch for two vectors of distances. */
    for (; i + 16 <= c1; i += 16) {
        __m512i d0 = hm_v_dist8(x + i * nb, qv, nb);
        __m512i d1 = hm_v_dist8(x + (i + 8) * nb, qv, nb);
        unsigned m = (unsigned)_mm512_cmplt_epi64_mask(d0, tv) |
                     ((unsigned)_mm512_cmplt_epi64_mask(d1, tv) << 8);
        if (m) {
            int64_t dd[16];
            _mm512_storeu_si512(dd, d0);
            _mm512_storeu_si512(dd + 8, d1);
            /* Lanes in index order; T may drop between two of them. */
            while (m) {
                int j = __builtin_ctz(m);
                m &= m - 1;
                if (dd[j] < s->T) {
                    hm_topk_push(s, cap, k, (int)dd[j], (int64_t)(i + j));
                }
            }
            tv = _mm512_set1_epi64(s->T);
        }
    }
    for (; i + 8 <= c1; i += 8) {
        __m512i d = hm_v_dist8(x + i * nb, qv, nb);
        __mmask8 m = _mm512_cmplt_epi64_mask(d, tv);
        if (m) {
            int64_t dd[8];
            _mm512_storeu_si512(dd, d);
            while (m) {
                int j = __builtin_ctz(m);
                m &= (__mmask8)(m - 1);
                if (dd[j] < s->T) {
                    hm_topk_push(s, cap, k, (int)dd[j], (int64_t)(i + j));
                }
            }
            tv = _mm512_set1_epi64(s->T);
        }
    }
    for (; i < c1; i++) {
        int d = hm_distance(q, x + i * nb, nb);
        if (d < s->T) {
            hm_topk_push(s, cap, k, d, (int64_t)i);
        }
    }
}

HM_AVX512_INLINE int hm_v_radius_scan(const uint8_t *q, const uint8_t *x,
                                      Py_ssize_t c0, Py_ssize_t c1,
                                      const Py_ssize_t nb, int radius,
                                      hm_hits *h)
{
    __m512i qv = hm_v_query(q, nb);
    __m512i rv = _mm512_set1_epi64(radius);
    Py_ssize_t i = c0;
    for (; i + 8 <= c1; i += 8) {
        __m512i d = hm_v_dist8(x + i * nb, qv, nb);
        __mmask8 m = _mm512_cmple_epi64_mask(d, rv);
        if (m) {
            int64_t dd[8];
            _mm512_storeu_si512(dd, d);
            while (m) {
                int j = __builtin_ctz(m);
                m &= (__mmask8)(m - 1);
                if (hm_hits_push(h, (int)dd[j], (int64_t)(i + j)) != 0) {
                    return -1;
                }
            }
        }
    }
    for (; i < c1; i++) {
        int d = hm_distance(q, x + i * nb, nb);
        if (d <= radius && hm_hits_push(h, d, (int64_t)i) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Entry points: one specialised body per width (4, 8, 16 or 32 bytes). */
#define HM_V_SWITCH(nb, CALL) \
    switch (nb) {             \
    case 4:                   \
        CALL(4);              \
    case 8:                   \
        CALL(8);              \
    case 16:                  \
        CALL(16);             \
    default:                  \
        CALL(32);             \
    }

HM_AVX512_TARGET static void hm_pairwise_avx512(const uint8_t *q,
                                                const uint8_t *x, Py_ssize_t c0,
                                                Py_ssize_t c1, Py_ssize_t nb,
                                                int32_t *row)
{
#define HM_CALL(NB) return hm_v_pairwise(q, x, c0, c1, NB, row)
    HM_V_SWITCH(nb, HM_CALL)
#undef HM_CALL
}

HM_AVX512_TARGET static int64_t hm_sum_avx512(const uint8_t *q, const uint8_t *x,
                                              Py_ssize_t c0, Py_ssize_t c1,
                                              Py_ssize_t nb)
{
#define HM_CALL(NB) return hm_v_sum(q, x, c0, c1, NB)
    HM_V_SWITCH(nb, HM_CALL)
#undef HM_CALL
}

HM_AVX512_TARGET static void hm_topk_scan_avx512(const uint8_t *q,
                                                 const uint8_t *x, Py_ssize_t c0,
                                                 Py_ssize_t c1, Py_ssize_t nb,
                                                 hm_topk *s, Py_ssize_t cap,
                                                 Py_ssize_t k)
{
#define HM_CALL(NB) return hm_v_topk_scan(q, x, c0, c1, NB, s, cap, k)
    HM_V_SWITCH(nb, HM_CALL)
#undef HM_CALL
}

HM_AVX512_TARGET static int hm_radius_scan_avx512(const uint8_t *q,
                                                  const uint8_t *x,
                                                  Py_ssize_t c0, Py_ssize_t c1,
                                                  Py_ssize_t nb, int radius,
                                                  hm_hits *h)
{
#define HM_CALL(NB) return hm_v_radius_scan(q, x, c0, c1, NB, radius, h)
    HM_V_SWITCH(nb, HM_CALL)
#undef HM_CALL
}

/* ------------------------------------------------------------------------ */
/* AVX2 kernels: four database codes per step                               */
/* ------------------------------------------------------------------------ */

#define HM_AVX2_TARGET __attribute__((target("avx2")))
#define HM_AVX2_INLINE static inline __attribute__((always_inline)) HM_AVX2_TARGET

/* The query repeated so that it lines up with four database rows. */
HM_AVX2_INLINE __m256i hm_a_query(const uint8_t *q, const Py_ssize_t nb)
{
    if (nb == 4) {
        return _mm256_set1_epi64x((long long)hm_load32(q));
    }
    if (nb == 8) {
        return _mm256_set1_epi64x((long long)hm_load64(q));
    }
    if (nb == 16) {
        return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)q));
    }
    return _mm256_loadu_si256((const __m256i *)q);
}

/* Popcount of each 64-bit lane: a 4-bit lookup table, then byte sums. */
HM_AVX2_INLINE __m256i hm_a_popcount64(__m256i v)
{
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3,
                                           3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3,
                                           2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0F);
    __m256i lo = _mm256_and_si256(v, low);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
    __m256i bytes = _mm256_add_epi8(_mm256_shuffle_epi8(table, lo),
                                    _mm256_shuffle_epi8(table, hi));
    return _mm256_sad_epu8(bytes, _mm256_setzero_si256());
}

/* Distances of the query to four consecutive rows, one per 64-bit lane. */
HM_AVX2_INLINE __m256i hm_a_dist4(const uint8_t *x, __m256i qv, const Py_ssize_t nb)
{
    if (nb == 4) {
        __m256i v = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)x));
        return hm_a_popcount64(_mm256_xor_si256(v, qv));
    }
    if (nb == 8) {
        __m256i v = _mm256_loadu_si256((const __m256i *)x);
        return hm_a_popcount64(_mm256_xor_si256(v, qv));
    }
    if (nb == 16) {
        /* a = rows 0, 1 and b = rows 2, 3, two words each. */
        __m256i a = hm_a_popcount64(
            _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)x), qv));
        __m256i b = hm_a_popcount64(
            _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(x + 32)), qv));
        __m256i s = _mm256_add_epi64(_mm256_unpacklo_epi64(a, b),
                                     _mm256_unpackhi_epi64(a, b));
        return _mm256_permute4x64_epi64(s, 0xD8); /* rows 0, 2, 1, 3 -> 0..3 */
    }
    /* nb == 32: one row per vector. */
    __m256i s0 = hm_a_popcount64(
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)x), qv));
    __m256i s1 = hm_a_popcount64(
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(x + 32)), qv));
    __m256i s2 = hm_a_popcount64(
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(x + 64)), qv));
    __m256i s3 = hm_a_popcount64(
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(x + 96)), qv));
    __m256i t01 = _mm256_add_epi64(_mm256_unpacklo_epi64(s0, s1),
                                   _mm256_unpackhi_epi64(s0, s1));
    __m256i t23 = _mm256_add_epi64(_mm256_unpacklo_epi64(s2, s3),
                                   _mm256_unpackhi_epi64(s2, s3));
    return _mm256_add_epi64(_mm256_permute2x128_si256(t01, t23, 0x20),
                            _mm256_permute2x128_si256(t01, t23, 0x31));
}

/* Bit j set when lane j of d is below t. */
HM_AVX2_INLINE unsigned hm_a_below(__m256i d, __m256i t)
{
    return (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(t, d)));
}

HM_AVX2_INLINE void hm_a_pairwise(const uint8_t *q, const uint8_t *x,
                                  Py_ssize_t c0, Py_ssize_t c1,
                                  const Py_ssize_t nb, int32_t *row)
{
    const __m256i low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    __m256i qv = hm_a_query(q, nb);
    Py_ssize_t i = c0;
    for (; i + 4 <= c1; i += 4) {
        __m256i d = _mm256_permutevar8x32_epi32(hm_a_dist4(x + i * nb, qv, nb),
                                                low_halves);
        _mm_storeu_si128((__m128i *)(row + i), _mm256_castsi256_si128(d));
    }
    for (; i < c1; i++) {
        row[i] = hm_distance(q, x + i * nb, nb);
    }
}

HM_AVX2_INLINE int64_t hm_a_sum(const uint8_t *q, const uint8_t *x, Py_ssize_t c0,
                                Py_ssize_t c1, const Py_ssize_t nb)
{
    __m256i qv = hm_a_query(q, nb);
    __m256i acc = _mm256_setzero_si256();
    Py_ssize_t i = c0;
    for (; i + 4 <= c1; i += 4) {
        acc = _mm256_add_epi64(acc, hm_a_dist4(x + i * nb, qv, nb));
    }
    int64_t lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, acc);
    int64_t s = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    for (; i < c1; i++) {
        s += hm_distance(q, x + i * nb, nb);
    }
    return s;
}

HM_AVX2_INLINE void hm_a_topk_scan(const uint8_t *q, const uint8_t *x,
                                   Py_ssize_t c0, Py_ssize_t c1,
                                   const Py_ssize_t nb, hm_topk *s,
                                   Py_ssize_t cap, Py_ssize_t k)
{
    __m256i qv = hm_a_query(q, nb);
    __m256i tv = _mm256_set1_epi64x(s->T);
    Py_ssize_t i = c0;
    /* Eight rows per step: one branch for two vectors of distances. */
    for (; i + 8 <= c1; i += 8) {
        __m256i d0 = hm_a_dist4(x + i * nb, qv, nb);
        __m256i d1 = hm_a_dist4(x + (i + 4) * nb, qv, nb);
        unsigned m = hm_a_below(d0, tv) | (hm_a_below(d1, tv) << 4);
        if (m) {
            int64_t dd[8];
            _mm256_storeu_si256((__m256i *)dd, d0);
            _mm256_storeu_si256((__m256i *)(dd + 4), d1);
            /* Lanes in index order; T may drop between two of them. */
            while (m) {
                int j = __builtin_ctz(m);
                m &= m - 1;
                if (dd[j] < s->T) {
                    hm_topk_push(s, cap, k, (int)dd[j], (int64_t)(i + j));
                }
            }
            tv = _mm256_set1_epi64x(s->T);
        }
    }
    for (; i < c1; i++) {
        int d = hm_distance(q, x + i * nb, nb);
        if (d < s->T) {
            hm_topk_push(s, cap, k, d, (int64_t)i);
        }
    }
}

HM_AVX2_INLINE int hm_a_radius_scan(const uint8_t *q, const uint8_t *x,
                                    Py_ssize_t c0, Py_ssize_t c1,
                                    const Py_ssize_t nb, int radius, hm_hits *h)
{
    __m256i qv = hm_a_query(q, nb);
    __m256i bound = _mm256_set1_epi64x((long long)radius + 1);
    Py_ssize_t i = c0;
    for (; i + 4 <= c1; i += 4) {
        __m256i d = hm_a_dist4(x + i * nb, qv, nb);
        unsigned m = hm_a_below(d, bound);
        if (m) {
            int64_t dd[4];
            _mm256_storeu_si256((__m256i *)dd, d);
            while (m) {
                int j = __builtin_ctz(m);
                m &= m - 1;
                if (hm_hits_push(h, (int)dd[j], (int64_t)(i + j)) != 0) {
                    return -1;
                }
            }
        }
    }
    for (; i < c1; i++) {
        int d = hm_distance(q, x + i * nb, nb);
        if (d <= radius && hm_hits_push(h, d, (int64_t)i) != 0) {
            return -1;
        }
    }
    return 0;
}

HM_AVX2_TARGET static void hm_pairwise_avx2(const uint8_t *q, const uint8_t *x,
                                            Py_ssize_t c0, Py_ssize_t c1,
                                            Py_ssize_t nb, int32_t *row)
{
#define HM_CALL(NB) return hm_a_pairwise(q, x, c0, c1, NB, row)
    HM_V_SWITCH(nb, HM_CALL)
#undef HM_CALL
}

HM_AVX2_TARGET static int64_t hm_sum_avx2(const uint8_t *q, const uint8_t *x,
                                          Py_ssize_t c0, Py_ssize_t c1,
                                          Py_ssize_t nb)
{
#define HM_CALL(NB) return hm_a_sum(q, x, c0, c1, NB)
    HM_V_SWITCH(nb, HM_CALL)
#undef HM_CALL
}

HM_AVX2_TARGET static void hm_topk_scan_avx2(const uint8_t *q, const uint8_t *x,
                                             Py_ssize_t c0, Py_ssize_t c1,
                                             Py_ssize_t nb, hm_topk *s,
                                             Py_ssize_t cap, Py_ssize_t k)
{
#define HM_CALL(NB) return hm_a_topk_scan(q, x, c0, c1, NB, s, cap, k)
    HM_V_SWITCH(nb, HM_CALL)
#undef HM_CALL
}

HM_AVX2_TARGET static int hm_radius_scan_avx2(const uint8_t *q, const uint8_t *x,
                                              Py_ssize_t c0, Py_ssize_t c1,
                                              Py_ssize_t nb, int radius,
                                              hm_hits *h)
{
#define HM_CALL(NB) return hm_a_radius_scan(q, x, c0, c1, NB, radius, h)
    HM_V_SWITCH(nb, HM_CALL)
#undef HM_CALL
}
#endif /* HM_X86_SIMD */

static int hm_radius_tile(const uint8_t *Q, Py_ssize_t q0, Py_ssize_t q1,
                          const uint8_t *X, Py_ssize_t n_db, Py_ssize_t nb,
                          int radius, hm_hits *hits)
{
    Py_ssize_t chunk = hm_chunk_rows(nb);
    for (Py_ssize_t c0 = 0; c0 < n_db; c0 += chunk) {
        Py_ssize_t c1 = c0 + chunk < n_db ? c0 + chunk : n_db;
        for (Py_ssize_t q = q0; q < q1; q++) {
            const uint8_t *qp = Q + q * nb;
            int rc = 0;
#if HM_X86_SIMD
            if (HM_SIMD_WIDTH(nb)) {
                if ((hm_simd == 2 ? hm_radius_scan_avx512 : hm_radius_scan_avx2)(qp, X, c0, c1, nb, radius, &hits[q]) != 0) {
                    return -1;
                }
                continue;
            }
#endif
#define HM_CALL(NB) rc = hm_radius_scan(qp, X, c0, c1, NB, radius, &hits[q])
            HM_DISPATCH(nb, HM_CALL)
#undef HM_CALL
            if (rc != 0) {
                return -1;
            }
        }
    }
    for (Py_ssize_t q = q0; q < q1; q++) {
        if (hm_hits_sort(&hits[q], radius) != 0) {
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Python bindings                                                          */
/* ------------------------------------------------------------------------ */

/* Check the code buffers and return the number of rows of each. */
static int hm_check_codes(Py_buffer *qb, Py_buffer *xb, Py_ssize_t nb,
                          Py_ssize_t *n_q, Py_ssize_t *n_db)
{
    if (nb < 1) {
        PyErr_Format(PyExc_ValueError, "n_bytes must be >= 1, got %zd", nb);
        return -1;
    }
    if (qb->len % nb != 0 || xb->len % nb != 0) {
        PyErr_Format(PyExc_ValueError,
                     "code buffers of %zd and %zd bytes are not whole rows of "
                     "%zd bytes",
                     qb->len, xb->len, nb);
        return -1;
    }
    *n_q = qb->len / nb;
    *n_db = xb->len / nb;
    return 0;
}

PyDoc_STRVAR(hm_pairwise_doc,
             "pairwise(queries, database, n_bytes, out, n_threads)\n\n"
             "Write all distances into the int32 buffer out (n_q * n_db).");

static PyObject *hm_py_pairwise(PyObject *self, PyObject *args)
{
    Py_buffer qb, xb, ob;
    Py_ssize_t nb, n_threads, n_q, n_db;
    if (!PyArg_ParseTuple(args, "y*y*nw*n", &qb, &xb, &nb, &ob, &n_threads)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (hm_check_codes(&qb, &xb, nb, &n_q, &n_db) != 0) {
        goto done;
    }
    if (ob.len != n_q * n_db * (Py_ssize_t)sizeof(int32_t)) {
        PyErr_Format(PyExc_ValueError,
                     "out must hold %zd int32 values, got %zd bytes",
                     n_q * n_db, ob.len);
        goto done;
    }
    const uint8_t *Q = qb.buf, *X = xb.buf;
    int32_t *out = ob.buf;
    int nt = hm_resolve_threads(n_threads);
    Py_ssize_t n_tiles = (n_q + HM_TILE - 1) / HM_TILE;
    Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#endif
    for (Py_ssize_t t = 0; t < n_tiles; t++) {
        Py_ssize_t q0 = t * HM_TILE;
        Py_ssize_t q1 = q0 + HM_TILE < n_q ? q0 + HM_TILE : n_q;
        hm_pairwise_tile(Q, q0, q1, X, n_db, nb, out);
    }
    Py_END_ALLOW_THREADS
    (void)nt;
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&qb);
    PyBuffer_Release(&xb);
    PyBuffer_Release(&ob);
    return result;
}

PyDoc_STRVAR(hm_distance_sum_doc,
             "distance_sum(queries, database, n_bytes, n_threads) -> int\n\n"
             "Sum of all pairwise distances (XOR and popcount only).");

static PyObject *hm_py_distance_sum(PyObject *self, PyObject *args)
{
    Py_buffer qb, xb;
    Py_ssize_t nb, n_threads, n_q, n_db;
    if (!PyArg_ParseTuple(args, "y*y*nn", &qb, &xb, &nb, &n_threads)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (hm_check_codes(&qb, &xb, nb, &n_q, &n_db) != 0) {
        goto done;
    }
    const uint8_t *Q = qb.buf, *X = xb.buf;
    int nt = hm_resolve_threads(n_threads);
    Py_ssize_t n_tiles = (n_q + HM_TILE - 1) / HM_TILE;
    long long total = 0;
    Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) reduction(+ : total)
#endif
    for (Py_ssize_t t = 0; t < n_tiles; t++) {
        Py_ssize_t q0 = t * HM_TILE;
        Py_ssize_t q1 = q0 + HM_TILE < n_q ? q0 + HM_TILE : n_q;
        total += hm_sum_tile(Q, q0, q1, X, n_db, nb);
    }
    Py_END_ALLOW_THREADS
    (void)nt;
    result = PyLong_FromLongLong(total);
done:
    PyBuffer_Release(&qb);
    PyBuffer_Release(&xb);
    return result;
}

PyDoc_STRVAR(hm_knn_doc,
             "knn(queries, database, n_bytes, k, out_dist, out_ids, n_threads)\n\n"
             "Exact top-k by (distance, index); 1 <= k <= n_database. Writes "
             "int32 distances and int64 indices, n_q * k each.");

static PyObject *hm_py_knn(PyObject *self, PyObject *args)
{
    Py_buffer qb, xb, db, ib;
    Py_ssize_t nb, k, n_threads, n_q, n_db;
    if (!PyArg_ParseTuple(args, "y*y*nnw*w*n", &qb, &xb, &nb, &k, &db, &ib,
                          &n_threads)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (hm_check_codes(&qb, &xb, nb, &n_q, &n_db) != 0) {
        goto done;
    }
    if (k < 1 || k > n_db) {
        PyErr_Format(PyExc_ValueError, "k must be in [1, %zd], got %zd", n_db, k);
        goto done;
    }
    if (db.len != n_q * k * (Py_ssize_t)sizeof(int32_t) ||
        ib.len != n_q * k * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_Format(PyExc_ValueError,
                     "outputs must hold %zd int32 and int64 values", n_q * k);
        goto done;
    }
    const uint8_t *Q = qb.buf, *X = xb.buf;
    int32_t *OD = db.buf;
    int64_t *OI = ib.buf;
    int nt = hm_resolve_threads(n_threads);
    /* Fewer queries per tile when k is large, to bound the tile's buffers. */
    Py_ssize_t per_query = (2 * k + 16) * 12 + (8 * nb + 2) * 8;
    Py_ssize_t tile = ((Py_ssize_t)1 << 23) / per_query;
    tile = tile < 1 ? 1 : (tile > HM_TILE ? HM_TILE : tile);
    Py_ssize_t n_tiles = (n_q + tile - 1) / tile;
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#endif
    for (Py_ssize_t t = 0; t < n_tiles; t++) {
        Py_ssize_t q0 = t * tile;
        Py_ssize_t q1 = q0 + tile < n_q ? q0 + tile : n_q;
        if (hm_knn_tile(Q, q0, q1, X, n_db, nb, k, OD, OI) != 0) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        }
    }
    Py_END_ALLOW_THREADS
    (void)nt;
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&qb);
    PyBuffer_Release(&xb);
    PyBuffer_Release(&db);
    PyBuffer_Release(&ib);
    return result;
}

PyDoc_STRVAR(hm_radius_doc,
             "radius(queries, database, n_bytes, radius, out_lims, n_threads)"
             " -> (bytearray, bytearray)\n\n"
             "All items within the radius (distance <= radius). Fills the int64 "
             "buffer out_lims (n_q + 1) and returns the int32 distances and "
             "int64 indices, each query's hits sorted by (distance, index).");

static PyObject *hm_py_radius(PyObject *self, PyObject *args)
{
    Py_buffer qb, xb, lb;
    Py_ssize_t nb, radius, n_threads, n_q, n_db;
    if (!PyArg_ParseTuple(args, "y*y*nnw*n", &qb, &xb, &nb, &radius, &lb,
                          &n_threads)) {
        return NULL;
    }
    PyObject *result = NULL;
    hm_hits *hits = NULL;
    if (hm_check_codes(&qb, &xb, nb, &n_q, &n_db) != 0) {
        goto done;
    }
    if (radius < 0) {
        PyErr_Format(PyExc_ValueError, "radius must be >= 0, got %zd", radius);
        goto done;
    }
    if (radius > 8 * nb) {
        radius = 8 * nb;
    }
    if (lb.len != (n_q + 1) * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_Format(PyExc_ValueError, "out_lims must hold %zd int64 values",
                     n_q + 1);
        goto done;
    }
    hits = PyMem_RawCalloc((size_t)(n_q ? n_q : 1), sizeof(hm_hits));
    if (hits == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    const uint8_t *Q = qb.buf, *X = xb.buf;
    int nt = hm_resolve_threads(n_threads);
    int r = (int)radius;
    Py_ssize_t n_tiles = (n_q + HM_TILE - 1) / HM_TILE;
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#endif
    for (Py_ssize_t t = 0; t < n_tiles; t++) {
        Py_ssize_t q0 = t * HM_TILE;
        Py_ssize_t q1 = q0 + HM_TILE < n_q ? q0 + HM_TILE : n_q;
        if (hm_radius_tile(Q, q0, q1, X, n_db, nb, r, hits) != 0) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        }
    }
    Py_END_ALLOW_THREADS
    (void)nt;
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }

    int64_t *lims = lb.buf;
    lims[0] = 0;
    for (Py_ssize_t q = 0; q < n_q; q++) {
        lims[q + 1] = lims[q] + hits[q].size;
    }
    Py_ssize_t total = (Py_ssize_t)lims[n_q];
    PyObject *dist = PyByteArray_FromStringAndSize(
        NULL, total * (Py_ssize_t)sizeof(int32_t));
    PyObject *ids = PyByteArray_FromStringAndSize(
        NULL, total * (Py_ssize_t)sizeof(int64_t));
    if (dist == NULL || ids == NULL) {
        Py_XDECREF(dist);
        Py_XDECREF(ids);
        goto done;
    }
    int32_t *dp = (int32_t *)PyByteArray_AS_STRING(dist);
    int64_t *ip = (int64_t *)PyByteArray_AS_STRING(ids);
    for (Py_ssize_t q = 0; q < n_q; q++) {
        if (hits[q].size) {
            memcpy(dp + lims[q], hits[q].dist, hits[q].size * sizeof(int32_t));
            memcpy(ip + lims[q], hits[q].ids, hits[q].size * sizeof(int64_t));
        }
    }
    result = Py_BuildValue("(NN)", dist, ids);
done:
    if (hits != NULL) {
        for (Py_ssize_t q = 0; q < n_q; q++) {
            PyMem_RawFree(hits[q].dist);
            PyMem_RawFree(hits[q].ids);
        }
        PyMem_RawFree(hits);
    }
    PyBuffer_Release(&qb);
    PyBuffer_Release(&xb);
    PyBuffer_Release(&lb);
    return result;
}

PyDoc_STRVAR(hm_openmp_doc,
             "openmp() -> bool\n\nWhether the kernels were built with OpenMP.");

static PyObject *hm_py_openmp(PyObject *self, PyObject *noargs)
{
#ifdef _OPENMP
    Py_RETURN_TRUE;
#else
    Py_RETURN_FALSE;
#endif
}

PyDoc_STRVAR(hm_set_simd_doc,
             "set_simd(level) -> int\n\nUse the vector kernels up to level (0 "
             "none, 1 AVX2, 2 AVX-512), capped by what the CPU has; returns the "
             "level in use.");

/* Best vector level this CPU supports. */
static int hm_cpu_simd_level(void)
{
#if HM_X86_SIMD
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512vpopcntdq")) {
        return 2;
    }
    if (__builtin_cpu_supports("avx2")) {
        return 1;
    }
#endif
    return 0;
}

static PyObject *hm_py_set_simd(PyObject *self, PyObject *arg)
{
    long level = PyLong_AsLong(arg);
    if (level == -1 && PyErr_Occurred()) {
        return NULL;
    }
    int best = hm_cpu_simd_level();
    hm_simd = level < 0 ? 0 : (level > best ? best : (int)level);
    return PyLong_FromLong(hm_simd);
}

static PyMethodDef hm_methods[] = {
    {"pairwise", hm_py_pairwise, METH_VARARGS, hm_pairwise_doc},
    {"distance_sum", hm_py_distance_sum, METH_VARARGS, hm_distance_sum_doc},
    {"knn", hm_py_knn, METH_VARARGS, hm_knn_doc},
    {"radius", hm_py_radius, METH_VARARGS, hm_radius_doc},
    {"openmp", hm_py_openmp, METH_NOARGS, hm_openmp_doc},
    {"set_simd", hm_py_set_simd, METH_O, hm_set_simd_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef hm_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_hamming",
    .m_doc = "Compiled XOR + popcount kernels of hashmodal.search.",
    .m_size = -1,
    .m_methods = hm_methods,
};

PyMODINIT_FUNC PyInit__hamming(void)
{
    hm_simd = hm_cpu_simd_level();
    return PyModule_Create(&hm_module);
}
