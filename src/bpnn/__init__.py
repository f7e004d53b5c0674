"""bpnn: neural networks trained by error backpropagation."""
