/*
 * Compiled counting kernels of hashmodal.metrics.
 *
 * Input: a block of distances (int32, n_block x n_database, row-major) with
 * values 0 .. n_levels - 1 for ranked items and n_levels (or more) for items
 * left out of the ranking, and the relevance of each pair (uint8, 0 or 1).
 *
 * counts():   per query and distance, the number of items and of relevant
 *             items (what the tie-aware metrics need).
 * ap_index(): per query, the sum of precision over the relevant items in the
 *             top k when ties are ordered by database index, the number of
 *             those items, and the number of relevant ranked items R. One
 *             pass in database order counts items per distance and notes, for
 *             each relevant item, how many items and relevant items of its
 *             distance came before it (a stable counting sort): its rank is
 *             then the start of its distance group plus the items of that
 *             group before it, and the relevant items up to it are the
 *             relevant count before its group plus those before it in it.
 *
 * Both are O(n_database + n_levels) per query, release the GIL and share
 * queries among OpenMP threads.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int check_size(Py_buffer *b, Py_ssize_t n, const char *what)
{
    if (b->len != n) {
        PyErr_Format(PyExc_ValueError, "%s buffer has %zd bytes, expected %zd",
                     what, b->len, n);
        return -1;
    }
    return 0;
}

static PyObject *hm_counts(PyObject *self, PyObject *args)
{
    Py_buffer db, rb, ib, ob;
    Py_ssize_t n_block, n_db, n_levels;
    int bad = 0;
    if (!PyArg_ParseTuple(args, "y*y*nnnw*w*", &db, &rb, &n_block, &n_db,
                          &n_levels, &ib, &ob)) {
        return NULL;
    }
    if (check_size(&db, n_block * n_db * 4, "distance") ||
        check_size(&rb, n_block * n_db, "relevance") ||
        check_size(&ib, n_block * n_levels * 8, "item count") ||
        check_size(&ob, n_block * n_levels * 8, "relevant count")) {
        bad = 1;
    }
    if (!bad) {
        const int32_t *dist = (const int32_t *)db.buf;
        const uint8_t *rel = (const uint8_t *)rb.buf;
        int64_t *items = (int64_t *)ib.buf;
        int64_t *relc = (int64_t *)ob.buf;
        Py_BEGIN_ALLOW_THREADS
        memset(items, 0, (size_t)(n_block * n_levels) * 8);
        memset(relc, 0, (size_t)(n_block * n_levels) * 8);
#pragma omp parallel for schedule(static)
        for (Py_ssize_t q = 0; q < n_block; q++) {
            const int32_t *d = dist + q * n_db;
            const uint8_t *r = rel + q * n_db;
            int64_t *ci = items + q * n_levels;
            int64_t *cr = relc + q * n_levels;
            for (Py_ssize_t j = 0; j < n_db; j++) {
                int32_t v = d[j];
                if (v >= 0 && v < n_levels) {
                    ci[v]++;
                    cr[v] += r[j] != 0;
                }
            }
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&db);
    PyBuffer_Release(&rb);
    PyBuffer_Release(&ib);
    PyBuffer_Release(&ob);
    if (bad) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *hm_ap_index(PyObject *self, PyObject *args)
{
    Py_buffer db, rb, sb, hb, nb;
    Py_ssize_t n_block, n_db, n_levels, k;
    int bad = 0, oom = 0;
    if (!PyArg_ParseTuple(args, "y*y*nnnnw*w*w*", &db, &rb, &n_block, &n_db,
                          &n_levels, &k, &sb, &hb, &nb)) {
        return NULL;
    }
    if (check_size(&db, n_block * n_db * 4, "distance") ||
        check_size(&rb, n_block * n_db, "relevance") ||
        check_size(&sb, n_block * 8, "precision sum") ||
        check_size(&hb, n_block * 8, "hit count") ||
        check_size(&nb, n_block * 8, "relevant count")) {
        bad = 1;
    }
    if (!bad) {
        const int32_t *dist = (const int32_t *)db.buf;
        const uint8_t *rel = (const uint8_t *)rb.buf;
        double *sums = (double *)sb.buf;
        int64_t *hits = (int64_t *)hb.buf;
        int64_t *n_rel = (int64_t *)nb.buf;
        Py_BEGIN_ALLOW_THREADS
#pragma omp parallel
        {
            /* Per thread: counts by distance (items, relevant items) and, for
             * each relevant item met, its distance and how many items and
             * relevant items of that distance came before it. */
            int64_t *start = malloc((size_t)(2 * (n_levels + 1)) * 8);
            int32_t *seen = malloc((size_t)(n_db + 1) * 3 * 4);
            if (start == NULL || seen == NULL) {
#pragma omp atomic write
                oom = 1;
            }
            int64_t *rstart = start + (n_levels + 1);
#pragma omp for schedule(static)
            for (Py_ssize_t q = 0; q < n_block; q++) {
                if (start == NULL || seen == NULL) {
                    continue;
                }
                const int32_t *d = dist + q * n_db;
                const uint8_t *r = rel + q * n_db;
                memset(start, 0, (size_t)(2 * (n_levels + 1)) * 8);
                /* One pass in database order: the running counts at an
                 * item's distance are its place inside its tie group. The
                 * record is written for every item and kept (m advances)
                 * only for relevant ones, so the loop has no branch on
                 * relevance. Left-out items (distance n_levels or more) go to
                 * the spare last bin and are never kept. */
                Py_ssize_t m = 0;
                for (Py_ssize_t j = 0; j < n_db; j++) {
                    int32_t v = d[j];
                    v = (v >= 0 && v < n_levels) ? v : (int32_t)n_levels;
                    int keep = (r[j] != 0) & (v < n_levels);
                    seen[3 * m] = v;
                    seen[3 * m + 1] = (int32_t)start[v];
                    seen[3 * m + 2] = (int32_t)rstart[v];
                    start[v]++;
                    rstart[v] += keep;
                    m += keep;
                }
                int64_t acc = 0, racc = 0;
                for (Py_ssize_t v = 0; v < n_levels; v++) {
                    int64_t c = start[v], cr = rstart[v];
                    start[v] = acc;
                    rstart[v] = racc;
                    acc += c;
                    racc += cr;
                }
                double total = 0.0;
                int64_t found = 0;
                for (Py_ssize_t i = 0; i < m; i++) {
                    int32_t v = seen[3 * i];
                    int64_t pos = start[v] + seen[3 * i + 1];
                    if (pos < k) {
                        int64_t rank_rel = rstart[v] + seen[3 * i + 2] + 1;
                        total += (double)rank_rel / (double)(pos + 1);
                        found++;
                    }
                }
                sums[q] = total;
                hits[q] = found;
                n_rel[q] = (int64_t)m;
            }
            free(start);
            free(seen);
        }
        Py_END_ALLOW_THREADS
        if (oom) {
            PyErr_NoMemory();
            bad = 1;
        }
    }
    PyBuffer_Release(&db);
    PyBuffer_Release(&rb);
    PyBuffer_Release(&sb);
    PyBuffer_Release(&hb);
    PyBuffer_Release(&nb);
    if (bad) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef hm_methods[] = {
    {"counts", hm_counts, METH_VARARGS,
     "counts(dist, rel, n_block, n_database, n_levels, items_out, rel_out)"},
    {"ap_index", hm_ap_index, METH_VARARGS,
     "ap_index(dist, rel, n_block, n_database, n_levels, k, sums_out, hits_out, "
     "n_relevant_out)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef hm_module = {
    PyModuleDef_HEAD_INIT, "_counting",
    "Counting kernels of hashmodal.metrics (see _counting.c).", -1, hm_methods,
};

PyMODINIT_FUNC PyInit__counting(void) { return PyModule_Create(&hm_module); }
