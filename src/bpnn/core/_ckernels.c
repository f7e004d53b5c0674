/*
 * bpnn.core._ckernels: the few loops of a training step that NumPy does in several passes over
 * memory, each done here in one. Optional: bpnn computes the same numbers with NumPy
 * without it (see bpnn/_native.py, which checks the arguments before calling in here).
 *
 *   adam_pass(param, grad, m, v, scalars)   Adam's update, in place, element by element:
 *       m = m * beta_1 + g * c_1
 *       v = v * beta_2 + g * c_2 * g
 *       m = 0 where |m| < tiny;  v = 0 where v < tiny   (no subnormal state; v >= 0)
 *       p = p - m / (sqrt(v) + eps_hat) * alpha_t
 *     with scalars = (beta_1, c_1, beta_2, c_2, eps_hat, alpha_t, tiny) in the parameters'
 *     dtype, tiny the dtype's smallest normal number (optimizers.Adam._update's NumPy rule,
 *     in the same order);
 *   bias_relu(z, bias)                      z = max(z + bias, 0) in place, bias added to
 *     every row (Dense.forward's `z += b` then ReLU's np.maximum(z, 0));
 *   relu_backward(grad, a, out)             out = grad * (a > 0) (ReLU.backward).
 *
 * Built with -ffp-contract=off so that no multiply-add is fused (each operation rounds as
 * NumPy's does) and without -ffast-math: the results are bit for bit NumPy's
 * (tests/test_fast_path.py and tests/test_native.py check it). Where GCC can, each loop is
 * compiled three times (AVX-512, AVX2, baseline x86-64) and the CPU picks one at load time;
 * the same IEEE operations on wider registers round the same way.
 *
 * Why C and not numba: importing numba costs about 125 MB of resident memory, this module
 * a few kilobytes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define WIDE __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define WIDE
#endif

/* -- the loops ------------------------------------------------------------------------ */

/* An entry of m or v below the smallest normal number becomes +0.0 (NaN stays NaN): a
 * weight whose gradient stays zero would otherwise keep a subnormal m forever, and the CPU
 * computes with subnormals many times slower (see optimizers.Adam). */
#define ADAM_BODY(T, SQRT)                                                            \
    const T beta_1 = s[0], c_1 = s[1], beta_2 = s[2], c_2 = s[3], eps_hat = s[4],     \
            alpha_t = s[5], tiny = s[6];                                              \
    for (Py_ssize_t i = 0; i < n; i++) {                                              \
        T mi = m[i] * beta_1 + g[i] * c_1;                                            \
        T vi = v[i] * beta_2 + g[i] * c_2 * g[i];                                     \
        if (mi < tiny && mi > -tiny)                                                  \
            mi = 0;                                                                   \
        if (vi < tiny) /* v >= 0 */                                                   \
            vi = 0;                                                                   \
        m[i] = mi;                                                                    \
        v[i] = vi;                                                                    \
        p[i] -= mi / (SQRT(vi) + eps_hat) * alpha_t;                                  \
    }

WIDE static void
adam_f(float *p, const float *g, float *m, float *v,
       const float *s, Py_ssize_t n)
{
    ADAM_BODY(float, sqrtf)
}

WIDE static void
adam_d(double *p, const double *g, double *m, double *v,
       const double *s, Py_ssize_t n)
{
    ADAM_BODY(double, sqrt)
}

/* NumPy's maximum(x, 0): x where x > 0 or x is NaN, else +0.0 (so -0.0 gives +0.0, NaN stays NaN) */
#define BIAS_RELU_BODY(T)                                                             \
    for (Py_ssize_t r = 0; r < rows; r++) {                                           \
        T *zr = z + r * cols;                                                         \
        for (Py_ssize_t j = 0; j < cols; j++) {                                       \
            T x = zr[j] + b[j];                                                       \
            zr[j] = (x > 0 || x != x) ? x : (T)0;                                    \
        }                                                                             \
    }

WIDE static void
bias_relu_f(float *z, const float *b, Py_ssize_t rows, Py_ssize_t cols)
{
    BIAS_RELU_BODY(float)
}

WIDE static void
bias_relu_d(double *z, const double *b, Py_ssize_t rows, Py_ssize_t cols)
{
    BIAS_RELU_BODY(double)
}

/* grad times the 0/1 mask, as NumPy multiplies by a boolean: NaN * 0 stays NaN */
#define RELU_BACK_BODY(T)                                                             \
    for (Py_ssize_t i = 0; i < n; i++)                                                \
        out[i] = g[i] * (a[i] > 0 ? (T)1 : (T)0);

WIDE static void
relu_back_f(const float *g, const float *a, float *out, Py_ssize_t n)
{
    RELU_BACK_BODY(float)
}

WIDE static void
relu_back_d(const double *g, const double *a, double *out, Py_ssize_t n)
{
    RELU_BACK_BODY(double)
}

/* -- arguments -------------------------------------------------------------------------- */

/* A C-contiguous float32 ('f') or float64 ('d') buffer; *kind is 'f' or 'd' on success. */
static int
get(PyObject *obj, Py_buffer *view, int writable, const char *func, const char *name, char *kind)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s: '%s' must be a C-contiguous%s float array", func, name,
                     writable ? ", writable" : "");
        return -1;
    }
    const char *f = view->format ? view->format : "B";
    char k = strcmp(f, "f") == 0 ? 'f' : strcmp(f, "d") == 0 ? 'd' : 0;
    if (!k) {
        PyErr_Format(PyExc_TypeError, "%s: '%s' must be float32 or float64, not format '%s'", func, name, f);
        PyBuffer_Release(view);
        return -1;
    }
    if (*kind && k != *kind) {
        PyErr_Format(PyExc_TypeError, "%s: every array must have the dtype of the first; '%s' has another", func,
                     name);
        PyBuffer_Release(view);
        return -1;
    }
    *kind = k;
    return 0;
}

/* Fill views[0..count) from objs; on failure release what was taken and return -1. */
static int
get_all(PyObject **objs, Py_buffer *views, const int *writable, const char *const *names, int count,
        const char *func, char *kind)
{
    for (int i = 0; i < count; i++) {
        if (get(objs[i], &views[i], writable[i], func, names[i], kind) < 0) {
            while (i--)
                PyBuffer_Release(&views[i]);
            return -1;
        }
    }
    return 0;
}

static void
release_all(Py_buffer *views, int count)
{
    for (int i = 0; i < count; i++)
        PyBuffer_Release(&views[i]);
}

static Py_ssize_t
items(const Py_buffer *view)
{
    return view->itemsize ? view->len / view->itemsize : 0;
}

/* -- the functions ---------------------------------------------------------------------- */

static PyObject *
adam_pass(PyObject *self, PyObject *args)
{
    PyObject *o[5];
    Py_buffer b[5];
    static const int writable[5] = {1, 0, 1, 1, 0};
    static const char *const names[5] = {"param", "grad", "m", "v", "scalars"};
    char kind = 0;
    if (!PyArg_ParseTuple(args, "OOOOO:adam_pass", &o[0], &o[1], &o[2], &o[3], &o[4]))
        return NULL;
    if (get_all(o, b, writable, names, 5, "adam_pass", &kind) < 0)
        return NULL;
    Py_ssize_t n = items(&b[0]);
    PyObject *result = NULL;
    if (items(&b[1]) != n || items(&b[2]) != n || items(&b[3]) != n)
        PyErr_SetString(PyExc_ValueError, "adam_pass: 'param', 'grad', 'm' and 'v' must have the same size");
    else if (items(&b[4]) != 7)
        PyErr_SetString(PyExc_ValueError, "adam_pass: 'scalars' must hold 7 numbers");
    else if (b[0].buf == b[1].buf || b[0].buf == b[2].buf || b[0].buf == b[3].buf || b[2].buf == b[3].buf)
        PyErr_SetString(PyExc_ValueError, "adam_pass: 'param', 'grad', 'm' and 'v' must be different arrays");
    else {
        Py_BEGIN_ALLOW_THREADS
        if (kind == 'f')
            adam_f(b[0].buf, b[1].buf, b[2].buf, b[3].buf, b[4].buf, n);
        else
            adam_d(b[0].buf, b[1].buf, b[2].buf, b[3].buf, b[4].buf, n);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    release_all(b, 5);
    return result;
}

static PyObject *
bias_relu(PyObject *self, PyObject *args)
{
    PyObject *o[2];
    Py_buffer b[2];
    static const int writable[2] = {1, 0};
    static const char *const names[2] = {"z", "bias"};
    char kind = 0;
    if (!PyArg_ParseTuple(args, "OO:bias_relu", &o[0], &o[1]))
        return NULL;
    if (get_all(o, b, writable, names, 2, "bias_relu", &kind) < 0)
        return NULL;
    Py_ssize_t cols = items(&b[1]);
    PyObject *result = NULL;
    if (b[0].ndim != 2 || b[1].ndim != 1 || b[0].shape[1] != cols)
        PyErr_Format(PyExc_ValueError, "bias_relu: 'z' must be 2-D and 'bias' 1-D with one entry per column of 'z'"
                     " (got %d-D and %d-D)", b[0].ndim, b[1].ndim);
    else {
        Py_BEGIN_ALLOW_THREADS
        if (kind == 'f')
            bias_relu_f(b[0].buf, b[1].buf, b[0].shape[0], cols);
        else
            bias_relu_d(b[0].buf, b[1].buf, b[0].shape[0], cols);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    release_all(b, 2);
    return result;
}

static PyObject *
relu_backward(PyObject *self, PyObject *args)
{
    PyObject *o[3];
    Py_buffer b[3];
    static const int writable[3] = {0, 0, 1};
    static const char *const names[3] = {"grad", "a", "out"};
    char kind = 0;
    if (!PyArg_ParseTuple(args, "OOO:relu_backward", &o[0], &o[1], &o[2]))
        return NULL;
    if (get_all(o, b, writable, names, 3, "relu_backward", &kind) < 0)
        return NULL;
    Py_ssize_t n = items(&b[0]);
    PyObject *result = NULL;
    if (items(&b[1]) != n || items(&b[2]) != n)
        PyErr_SetString(PyExc_ValueError, "relu_backward: 'grad', 'a' and 'out' must have the same size");
    else {
        Py_BEGIN_ALLOW_THREADS
        if (kind == 'f')
            relu_back_f(b[0].buf, b[1].buf, b[2].buf, n);
        else
            relu_back_d(b[0].buf, b[1].buf, b[2].buf, n);
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    release_all(b, 3);
    return result;
}

static PyMethodDef methods[] = {
    {"adam_pass", adam_pass, METH_VARARGS,
     "adam_pass(param, grad, m, v, scalars): Adam's update in place, in one pass (see bpnn.core._native)."},
    {"bias_relu", bias_relu, METH_VARARGS,
     "bias_relu(z, bias): z = max(z + bias, 0) in place, bias added to every row (see bpnn.core._native)."},
    {"relu_backward", relu_backward, METH_VARARGS,
     "relu_backward(grad, a, out): out = grad * (a > 0) (see bpnn.core._native)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ckernels", "bpnn's optional C kernels: Adam's update, bias + ReLU, ReLU's backward.",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__ckernels(void)
{
    return PyModule_Create(&module);
}
