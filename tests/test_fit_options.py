"""``Network.fit`` presents the training loop's one signature and documentation."""

import inspect

import numpy as np
import pytest

import bpnn
from bpnn.training.loop import train


def test_fit_shows_the_loops_signature_and_docs():
    fit = inspect.signature(bpnn.Network.fit).parameters
    loop = inspect.signature(train).parameters
    assert list(fit)[1:] == list(loop)[1:]  # self for net, then the same options
    assert all(fit[name].default == loop[name].default for name in list(loop)[1:])
    assert bpnn.Network.fit.__doc__ == train.__doc__
    assert "epochs : int, default=100" in bpnn.Network.fit.__doc__


def test_the_core_documents_no_fit_option():
    """The options are written once, in the training loop, not again in the core."""
    source = inspect.getsource(bpnn.core.network)
    for option in ("epochs : int", "batch_size : int", "resume_from :", "fast : bool"):
        assert option not in source


def test_an_unknown_fit_option_is_named():
    net = bpnn.Network([bpnn.Dense(2, 1)], seed=0)
    with pytest.raises(TypeError, match="'epoch'.*it takes epochs, learning_rate"):
        net.fit(np.ones((3, 2)), np.ones((3, 1)), epoch=3)
