"""bpnn's benchmark suite (issue 6): bpnn against scikit-learn, PyTorch and a per-sample
NumPy loop, each next to the GEMM-only floor. Run ``python -m benchmarks``."""
