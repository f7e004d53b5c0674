/*
 * bpnn._cadam: Adam's update of one parameter array in one pass over memory.
 *
 * The same arithmetic as optimizers.Adam._update (and _fast._adam_pass), in the same
 * order and precision, element by element:
 *
 *     m = m * beta_1 + g * c_1
 *     v = v * beta_2 + g * c_2 * g
 *     p = p - m / (sqrt(v) / root + epsilon) * lr_t
 *
 * with the seven constants (beta_1, c_1, beta_2, c_2, root, epsilon, lr_t) given as an
 * array of the parameters' dtype. Built with -ffp-contract=off so that no multiply-add is
 * fused (each operation rounds as NumPy's does) and without -ffast-math; the results are
 * bit for bit those of the NumPy rule (tests/test_fast_path.py checks it).
 *
 * Why C and not numba: importing numba costs about 125 MB of resident memory, this module
 * a few kilobytes. It is an optional extension (setup.py): without a C compiler bpnn
 * installs without it and uses numba, if installed, or NumPy.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#define ADAM_LOOP(T, SQRT)                                                          \
    do {                                                                            \
        T *p = (T *)bp.buf, *m = (T *)bm.buf, *v = (T *)bv.buf;                     \
        const T *g = (const T *)bg.buf, *s = (const T *)bs.buf;                     \
        const T beta_1 = s[0], c_1 = s[1], beta_2 = s[2], c_2 = s[3], root = s[4],  \
                epsilon = s[5], lr_t = s[6];                                        \
        for (Py_ssize_t i = 0; i < n; i++) {                                        \
            T mi = m[i] * beta_1 + g[i] * c_1;                                      \
            T vi = v[i] * beta_2 + g[i] * c_2 * g[i];                               \
            m[i] = mi;                                                              \
            v[i] = vi;                                                              \
            p[i] -= mi / (SQRT(vi) / root + epsilon) * lr_t;                        \
        }                                                                           \
    } while (0)

static int
get(PyObject *obj, Py_buffer *view, int writable, const char *name)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError,
                     "adam_pass: '%s' must be a C-contiguous%s float array", name,
                     writable ? ", writable" : "");
        return -1;
    }
    return 0;
}

static PyObject *
adam_pass(PyObject *self, PyObject *args)
{
    PyObject *op, *og, *om, *ov, *os;
    Py_buffer bp, bg, bm, bv, bs;
    if (!PyArg_ParseTuple(args, "OOOOO:adam_pass", &op, &og, &om, &ov, &os))
        return NULL;
    if (get(op, &bp, 1, "param") < 0)
        return NULL;
    if (get(og, &bg, 0, "grad") < 0) {
        PyBuffer_Release(&bp);
        return NULL;
    }
    if (get(om, &bm, 1, "m") < 0) {
        PyBuffer_Release(&bp); PyBuffer_Release(&bg);
        return NULL;
    }
    if (get(ov, &bv, 1, "v") < 0) {
        PyBuffer_Release(&bp); PyBuffer_Release(&bg); PyBuffer_Release(&bm);
        return NULL;
    }
    if (get(os, &bs, 0, "scalars") < 0) {
        PyBuffer_Release(&bp); PyBuffer_Release(&bg); PyBuffer_Release(&bm); PyBuffer_Release(&bv);
        return NULL;
    }
    PyObject *result = NULL;
    const char *f = bp.format ? bp.format : "B";
    int is_float = strcmp(f, "f") == 0, is_double = strcmp(f, "d") == 0;
    Py_ssize_t item = bp.itemsize, n = item ? bp.len / item : 0;
    if (!(is_float || is_double)) {
        PyErr_Format(PyExc_TypeError, "adam_pass: 'param' must be float32 or float64, not format '%s'", f);
    }
    else if (strcmp(bg.format ? bg.format : "B", f) || strcmp(bm.format ? bm.format : "B", f)
             || strcmp(bv.format ? bv.format : "B", f) || strcmp(bs.format ? bs.format : "B", f)) {
        PyErr_SetString(PyExc_TypeError, "adam_pass: every array must have the dtype of 'param'");
    }
    else if (bg.len != bp.len || bm.len != bp.len || bv.len != bp.len) {
        PyErr_SetString(PyExc_ValueError, "adam_pass: 'param', 'grad', 'm' and 'v' must have the same size");
    }
    else if (bs.len != 7 * item) {
        PyErr_SetString(PyExc_ValueError, "adam_pass: 'scalars' must hold 7 numbers");
    }
    else {
        Py_BEGIN_ALLOW_THREADS
        if (is_float)
            ADAM_LOOP(float, sqrtf);
        else
            ADAM_LOOP(double, sqrt);
        Py_END_ALLOW_THREADS
        result = Py_None;
        Py_INCREF(result);
    }
    PyBuffer_Release(&bp); PyBuffer_Release(&bg); PyBuffer_Release(&bm);
    PyBuffer_Release(&bv); PyBuffer_Release(&bs);
    return result;
}

static PyMethodDef methods[] = {
    {"adam_pass", adam_pass, METH_VARARGS,
     "adam_pass(param, grad, m, v, scalars): Adam's update in place, one pass (see bpnn._fast)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_cadam", "Adam's update in one pass (optional C extension of bpnn).", -1, methods,
};

PyMODINIT_FUNC
PyInit__cadam(void)
{
    return PyModule_Create(&module);
}
