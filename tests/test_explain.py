"""``Network.explain``: the record of one training step, checked against independent computations.

Independent references: PyTorch autograd on a twin network (every z, a, dL/da, delta, gradient,
updated weight and both losses), the engine's finite differences (``numerical_gradients``, which
only evaluates the loss), and seed 002's published first iteration.
"""

import numpy as np
import pytest

import bpnn
from bpnn.explain.render import render
from bpnn.explain.step import TrainingStep, explain_step

# (hidden activations, output activation, loss, uses the fused output delta)
CASES = [
    (["sigmoid"], "sigmoid", "mse", False),
    (["tanh", "relu"], "identity", "mse", True),
    (["relu"], "sigmoid", "binary_crossentropy", True),
    (["tanh"], "softmax", "categorical_crossentropy", True),
    (["sigmoid"], "softmax", "mse", False),
    (["leaky_relu"], "tanh", "mse", False),
]


def make_case(hidden, out_act, loss, m, seed=0, alpha=0.0, bias=True):
    rng = np.random.default_rng(seed)
    sizes = [3] + [4] * len(hidden) + [3]
    acts = hidden + [out_act]
    layers = [
        bpnn.Dense(a, b, act, use_bias=bias, bias_init=bpnn.core.initializers.Uniform(-0.5, 0.5) if bias else "zeros")
        for a, b, act in zip(sizes[:-1], sizes[1:], acts)
    ]
    net = bpnn.Network(layers, loss=loss, seed=seed, alpha=alpha)
    X = rng.normal(size=(m, 3))
    if loss == "categorical_crossentropy":
        Y = np.eye(3)[rng.integers(0, 3, size=m)]
    elif loss == "binary_crossentropy":
        Y = rng.integers(0, 2, size=(m, 3)).astype(float)
    else:
        Y = rng.uniform(size=(m, 3))
    return net, X, Y


def torch_twin(net, X, Y, lr):
    """Forward, loss, autograd backward and the update, in PyTorch (float64)."""
    torch = pytest.importorskip("torch")
    fns = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "identity": lambda t: t,
        "softmax": lambda t: torch.softmax(t, dim=1),
        "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.01),
    }
    params = [
        (
            torch.tensor(ly.weights, requires_grad=True),
            None if ly.bias is None else torch.tensor(ly.bias, requires_grad=True),
        )
        for ly in net.layers
    ]
    names = [ly.activation.name for ly in net.layers]
    y = torch.tensor(Y)
    m = len(X)

    def forward(ps, keep):
        a = torch.tensor(X)
        zs, acts = [], []
        for (W, b), name in zip(ps, names):
            z = a @ W + (0 if b is None else b)
            a = fns[name](z)
            if keep:
                z.retain_grad()
                a.retain_grad()
            zs.append(z)
            acts.append(a)
        p = acts[-1]
        loss_name = net.loss_fn.name
        if loss_name == "mse":
            loss = 0.5 * ((p - y) ** 2).sum(1).mean()
        elif loss_name == "binary_crossentropy":
            loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).sum(1).mean()
        else:
            loss = -(y * torch.log(p)).sum(1).mean()
        loss = loss + net.alpha / (2 * m) * sum((W**2).sum() for W, _ in ps)
        return zs, acts, loss

    zs, acts, loss = forward(params, True)
    loss.backward()
    new = [(W.detach() - lr * W.grad, None if b is None else b.detach() - lr * b.grad) for W, b in params]
    _, _, loss_after = forward(new, False)
    return {
        "z": [z.detach().numpy() for z in zs],
        "a": [a.detach().numpy() for a in acts],
        "grad_a": [a.grad.numpy() for a in acts],
        "delta": [z.grad.numpy() for z in zs],
        "dW": [W.grad.numpy() for W, _ in params],
        "db": [None if b is None else b.grad.numpy() for _, b in params],
        "new_W": [W.numpy() for W, _ in new],
        "new_b": [None if b is None else b.numpy() for _, b in new],
        "loss": loss.item(),
        "loss_after": loss_after.item(),
    }


@pytest.mark.parametrize("m", [1, 3])
@pytest.mark.parametrize("hidden,out_act,loss,fused", CASES)
def test_every_number_matches_pytorch(hidden, out_act, loss, fused, m):
    net, X, Y = make_case(hidden, out_act, loss, m)
    step = net.explain(X, Y, learning_rate=0.3)
    ref = torch_twin(net, X, Y, 0.3)
    close = dict(rtol=1e-9, atol=1e-12)
    assert step.loss == pytest.approx(ref["loss"], rel=1e-12)
    assert step.loss_after == pytest.approx(ref["loss_after"], rel=1e-12)
    for i, ly in enumerate(step.layers):
        np.testing.assert_allclose(ly.z, ref["z"][i], **close)
        np.testing.assert_allclose(ly.a, ref["a"][i], **close)
        np.testing.assert_allclose(ly.delta, ref["delta"][i], **close)
        np.testing.assert_allclose(ly.grad_weights, ref["dW"][i], **close)
        np.testing.assert_allclose(ly.grad_bias, ref["db"][i], **close)
        np.testing.assert_allclose(ly.new_weights, ref["new_W"][i], **close)
        np.testing.assert_allclose(ly.new_bias, ref["new_b"][i], **close)
        if i < len(step.layers) - 1 or not ly.fused:
            np.testing.assert_allclose(ly.grad_a, ref["grad_a"][i], **close)
    assert step.layers[-1].fused is fused
    assert [ly.index for ly in step.layers] == list(range(1, len(hidden) + 2))


def test_l2_penalty_is_in_the_loss_and_the_gradients():
    net, X, Y = make_case(["tanh"], "sigmoid", "mse", 2, alpha=0.3)
    step = net.explain(X, Y, learning_rate=0.1)
    ref = torch_twin(net, X, Y, 0.1)
    assert step.alpha == 0.3
    assert step.loss == pytest.approx(ref["loss"], rel=1e-12)
    for i, ly in enumerate(step.layers):
        np.testing.assert_allclose(ly.grad_weights, ref["dW"][i], rtol=1e-10)


@pytest.mark.parametrize("hidden,out_act,loss,fused", CASES)
def test_gradients_match_finite_differences(hidden, out_act, loss, fused):
    """Without PyTorch: the loss's finite differences give dW and db, and with one sample
    db is the delta itself, so every delta is checked too."""
    net, X, Y = make_case(hidden, out_act, loss, 1, seed=4)
    step = net.explain(X, Y, learning_rate=0.1)
    numeric = bpnn.numerical_gradients(net, X, Y)
    for ly, dW, db in zip(step.layers, numeric[0::2], numeric[1::2]):
        np.testing.assert_allclose(ly.grad_weights, dW, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(ly.delta[0], db, rtol=1e-7, atol=1e-10)


def test_the_record_is_the_engines_own_step():
    """The gradients are those of Network.backward and the update that of one full-batch fit epoch;
    the network's weights are left as they were."""
    net, X, Y = make_case(["sigmoid", "tanh"], "sigmoid", "binary_crossentropy", 4, seed=2)
    before = net.get_weights()
    step = net.explain(X, Y, learning_rate=0.7)
    for got, want in zip(net.get_weights(), before):
        np.testing.assert_array_equal(got, want)
    for (dW, db), (eW, eb) in zip(step.gradients(), net.backward(X, Y)):
        np.testing.assert_array_equal(dW, eW)
        np.testing.assert_array_equal(db, eb)
    net.fit(X, Y, epochs=1, learning_rate=0.7)
    after = net.get_weights()
    for ly, W, b in zip(step.layers, after[0::2], after[1::2]):
        # to the last bit or two: fit may run a compiled loop that sums in another order
        np.testing.assert_allclose(ly.new_weights, W, rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(ly.new_bias, b, rtol=1e-13, atol=1e-16)
    assert step.loss_after == pytest.approx(net.loss(X, Y), rel=1e-14)


def test_seed002_first_iteration_is_the_published_one():
    net = bpnn.Network(
        [
            bpnn.Dense(2, 2, "sigmoid", weights=np.ones((2, 2)), use_bias=False),
            bpnn.Dense(2, 2, "sigmoid", weights=np.ones((2, 2)), use_bias=False),
        ],
        loss="mse",
    )
    step = explain_step(net, [0.10, 0.88], [0.55, 1.0], 0.5)  # one sample may be 1-D
    h, o = step.layers
    assert h.bias is None and h.grad_bias is None and h.new_bias is None
    np.testing.assert_allclose(h.z, [[0.98, 0.98]], atol=5e-7)
    np.testing.assert_allclose(h.a, [[0.727108, 0.727108]], atol=5e-7)
    np.testing.assert_allclose(o.z, [[1.454216, 1.454216]], atol=5e-7)
    np.testing.assert_allclose(o.a, [[0.810646, 0.810646]], atol=5e-7)
    assert step.loss == pytest.approx(0.0518956728931, abs=1e-12)  # the blog prints all digits of this one
    # blog: diff_w5..w8 = 0.029091, 0.029091, -0.021134, -0.021134 (w5 = W2[0,0], w6 = W2[1,0], ...)
    np.testing.assert_allclose(o.grad_weights, [[0.029091, -0.021134], [0.029091, -0.021134]], atol=5e-7)
    np.testing.assert_allclose(h.grad_weights, [[0.000217, 0.000217], [0.001911, 0.001911]], atol=5e-7)
    np.testing.assert_allclose(o.new_weights, [[0.985455, 1.010567], [0.985455, 1.010567]], atol=5e-7)
    np.testing.assert_allclose(h.new_weights, [[0.999891, 0.999891], [0.999045, 0.999045]], atol=5e-7)


def test_to_dict_is_json_ready():
    import json

    net, X, Y = make_case(["relu"], "softmax", "categorical_crossentropy", 2)
    step = net.explain(X, Y)
    data = json.loads(json.dumps(step.to_dict()))
    assert data["sizes"] == [3, 4, 3]
    assert data["layers"][1]["fused"] is True
    np.testing.assert_allclose(data["layers"][0]["delta"], step.layers[0].delta)
    assert data["loss"] == step.loss


def test_explain_rejects_bad_input():
    net, X, Y = make_case(["sigmoid"], "sigmoid", "mse", 2)
    with pytest.raises(ValueError, match="learning_rate"):
        net.explain(X, Y, learning_rate=-1)
    with pytest.raises(ValueError, match="'X'.*3 columns"):
        net.explain(X[:, :2], Y)

    class Odd:
        def forward(self, X, training=False):
            return X

        def backward(self, g, need_input_grad=True):
            return g

    odd = bpnn.Network([Odd(), bpnn.Dense(3, 3, "sigmoid")], seed=0)
    with pytest.raises(TypeError, match="layer 1 is Odd"):
        odd.explain(X, Y)


# -- rendering ------------------------------------------------------------------------------


def test_text_shows_each_quantity_with_its_record_value():
    net, X, Y = make_case(["tanh"], "sigmoid", "mse", 1, seed=3)
    step = net.explain(X, Y, 0.25)
    text = render(step, "text", digits=8)
    ly1, ly2 = step.layers
    for needle in (
        "z_2^[1] = ",
        f"= {ly1.z[0, 1]:.8f}",
        f"= {ly1.a[0, 1]:.8f}",
        f"= {ly2.delta[0, 2]:.8f}",
        "∂L/∂w_31^[1] = a_3^[0]·δ_1^[1]",
        f"= {ly1.grad_weights[2, 0]:.8f}",
        f"w_31^[1] ← {ly1.weights[2, 0]:.8f} - 0.25·",
        f"= {ly1.new_weights[2, 0]:.8f}",
        "b_2^[2] ← ",
        f"= {ly2.new_bias[1]:.8f}",
        "L = ",
        f"= {step.loss:.8f}",
        "tanh'(z) = 1 - a²",
        "σ'(z) = a(1 - a)",
    ):
        assert needle in text, needle


def test_a_batch_shows_one_value_per_sample_and_sums_the_gradients():
    net, X, Y = make_case(["sigmoid"], "softmax", "categorical_crossentropy", 2, seed=5)
    step = net.explain(X, Y, 0.1)
    text = render(step, "text", digits=5)
    z = step.layers[0].z[:, 1]
    assert f"= ({z[0]:.5f}, {z[1]:.5f})" in text
    d = step.layers[1].delta[:, 0]
    a = step.layers[0].a[:, 2]

    def factor(v):  # a negative factor is written in parentheses
        return f"({v:.5f})" if v < 0 else f"{v:.5f}"

    expected = (
        f"∂L/∂w_31^[2] = Σ_s a_3^[1]·δ_1^[2] = {factor(a[0])}·{factor(d[0])} + {factor(a[1])}·{factor(d[1])}"
        f" = {a @ d:.5f}"
    )
    assert expected in text
    assert "(a_j^[2] - y_j)/m" in text  # the fused softmax + cross-entropy delta carries 1/m


def _last_numbers(lines, head_pattern, cont_pattern, label_of=lambda label: label):
    """{label: value} from rendered equations: the last number of each one, following
    continuation lines (``cont_pattern``) that belong to the equation above them."""
    import re

    values, label, body = {}, None, ""
    for line in lines:
        head, cont = re.match(head_pattern, line), re.match(cont_pattern, line)
        if cont and label:
            body += " = " + cont.group(1)
            continue
        if label:
            values[label] = float(re.findall(r"-?\d+\.\d+", body)[-1])
            label = None
        if head:
            label, body = label_of(head.group(1)), head.group(2)
    if label:
        values[label] = float(re.findall(r"-?\d+\.\d+", body)[-1])
    return values


def _equation_values(text):
    """{label: value} from the text format: the last number of each equation."""
    return _last_numbers(text.splitlines(), r"^ {4}(\S+) (?:=|←) (.*)$", r"^ {5,}= (.*)$")


def _latex_values(markdown):
    """{label: value} from the Markdown format, labels converted back to the text style."""
    import re

    def plain(tex):
        tex = tex.replace(r"\delta", "δ")
        frac = re.fullmatch(r"\\frac\{\\partial L\}\{\\partial (.*)\}", tex)
        if frac:
            return "∂L/∂" + plain(frac.group(1))
        sym = re.fullmatch(r"(\S+?)\^\{\[(\d+)\]\}_\{(\d+)\}", tex)
        return f"{sym.group(1)}_{sym.group(3)}^[{sym.group(2)}]" if sym else tex

    return _last_numbers(
        markdown.splitlines(), r"^(\S.*?) &(?:=|\\leftarrow) (.*?)( \\\\)?$", r"^&= (.*?)( \\\\)?$", plain
    )


@pytest.mark.parametrize(
    "case", [(["sigmoid"], "sigmoid", "mse", 1), (["relu"], "softmax", "categorical_crossentropy", 2)]
)
def test_markdown_and_text_show_the_same_numbers(case):
    hidden, out_act, loss, m = case
    net, X, Y = make_case(hidden, out_act, loss, m, seed=7)
    step = net.explain(X, Y, 0.2)
    text = _equation_values(render(step, "text"))
    md_doc = render(step, "markdown")
    md = _latex_values(md_doc)
    if m == 1:
        assert text == md and len(text) > 30
    else:  # batches show tuples; compare the scalar equations (loss, gradients, updates)
        assert {k: v for k, v in text.items() if k.startswith(("∂L", "w_", "b_", "L"))} == {
            k: v for k, v in md.items() if k.startswith(("∂L", "w_", "b_", "L"))
        }
    assert md_doc.count("$$") % 2 == 0 and r"\begin{aligned}" in md_doc
    assert md_doc.count(r"\begin{aligned}") == md_doc.count(r"\end{aligned}")
    assert "w^{[2]}_{11}" in md_doc and r"\delta^{[1]}_{1}" in md_doc


def test_the_labels_follow_the_weight_layout():
    """w_ij^[l] is weights[i-1, j-1]: joins neuron i below to neuron j above."""
    W1 = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    net = bpnn.Network([bpnn.Dense(2, 3, "identity", weights=W1, use_bias=False)], loss="mse")
    step = net.explain([[1.0, 10.0]], [[0.0, 0.0, 0.0]], 1.0)
    values = _equation_values(render(step))
    for i in range(2):
        for j in range(3):
            assert values[f"∂L/∂w_{i + 1}{j + 1}^[1]"] == pytest.approx(step.layers[0].grad_weights[i, j], abs=1e-6)
    # z_3 = w_13 * 1 + w_23 * 10 = 0.3 + 6.0
    assert values["z_3^[1]"] == pytest.approx(6.3)


def test_render_rejects_bad_arguments():
    net, X, Y = make_case(["sigmoid"], "sigmoid", "mse", 1)
    step = net.explain(X, Y)
    assert isinstance(step, TrainingStep)
    with pytest.raises(ValueError, match="'format'.*'html'"):
        render(step, "html")
    with pytest.raises(ValueError, match="'digits'"):
        render(step, "text", digits=-1)


@pytest.mark.parametrize("module", ["bpnn.explain.step", "bpnn.explain.render", "bpnn.demos.progress"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
