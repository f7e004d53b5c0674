"""The ``bpnn`` command: run the seed experiments, or watch one step of backpropagation.

    bpnn demo NAME [--epochs N] [--learning-rate LR] [--hidden 25,50,25] [--activation NAME]
                   [--batch-size N|full] [--seed N] [--out DIR] [--json] [--quiet]
    bpnn explain [--layers 2,2,2] [--activation sigmoid] [--loss mse] [--weights ...] [--biases ... | --no-bias]
                 [--inputs ...] [--targets ...] [--seed N] [--learning-rate LR] [--format text|markdown|json]
    --lang en|zh (every command): the language of the words; by default the locale's (LANG, LC_ALL)

Exit status 0 on success; 2 with one line ``bpnn: error: ...`` on standard error for bad
arguments or bad data (no traceback, no usage dump).
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys

import numpy as np

from bpnn.cli.argtypes import add_command, non_negative_int, positive_int
from bpnn.cli.lang import add_lang_option, choose, current, fail, usage_line


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``bpnn: error: ...`` and exit status 2."""

    def error(self, message: str):
        self.exit(2, usage_line(message, self.prog) + "\n")


# -- argument types: each raises ArgumentTypeError with a message that says what was expected --

_positive_int = positive_int
_seed = non_negative_int


def _digits(text: str) -> int:
    if not (text.isdigit() and int(text) <= 17):
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 17; got {text!r}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0; got {text!r}") from None
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number > 0; got {text!r}")
    return value


def _widths(text: str) -> tuple[int, ...]:
    """``"25,50,25"`` -> ``(25, 50, 25)``."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() and int(p) >= 1 for p in parts):
        raise argparse.ArgumentTypeError(f"expected comma-separated layer widths >= 1 such as 25,50,25; got {text!r}")
    return tuple(int(p) for p in parts)


def _hidden_activation(text: str) -> str:
    from bpnn.core.activations import ACTIVATIONS

    names = sorted(ACTIVATIONS.names(hidden=True, aliases=True))  # the registry's hidden-layer ones
    if text.lower() not in names:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(names)}; got {text!r}")
    return text.lower()


#: What --batch-size full parses to: not None, which means "not given" (the demo's default).
FULL_BATCH = "full"


def _batch_size(text: str):
    if text.lower() in ("full", "none"):
        return FULL_BATCH
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1 or 'full'; got {text!r}") from None


def _numbers(text: str, what: str) -> list[list[float]]:
    """``"0.1,0.88;0.5,0.2"`` -> ``[[0.1, 0.88], [0.5, 0.2]]`` (groups separated by ';')."""
    groups = []
    for group in text.split(";"):
        try:
            row = [float(v) for v in group.split(",")]
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}; got {text!r}") from None
        if not all(np.isfinite(row)):
            raise argparse.ArgumentTypeError(f"expected finite numbers in {what}; got {text!r}")
        groups.append(row)
    return groups


def _rows(what):
    def parse(text):
        return _numbers(text, what)

    return parse


# -- demo -----------------------------------------------------------------------------

_OVERRIDES = {
    "epochs": (("--epochs",), dict(type=_positive_int, metavar="N", help="training epochs (iterations)")),
    "learning_rate": (
        ("--learning-rate", "--lr"),
        dict(type=_positive_float, metavar="LR", help="step size of gradient descent"),
    ),
    "hidden": (("--hidden",), dict(type=_widths, metavar="W1,W2,...", help="hidden layer widths, e.g. 25,50,25")),
    "activation": (
        ("--activation",),
        dict(
            type=_hidden_activation, metavar="NAME", help="activation of the hidden layers (sigmoid, tanh, relu, ...)"
        ),
    ),
    "batch_size": (
        ("--batch-size",),
        dict(type=_batch_size, metavar="N|full", help="samples per update: 1 (one at a time), N, or full"),
    ),
    "seed": (("--seed",), dict(type=_seed, metavar="N", help="seed of the initial weights and the shuffling")),
}


class _NotApplicable(argparse.Action):
    """An option that other demos take but this one does not: say so plainly."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(f"{option_string} does not apply to this demo; its settings are listed by --help")


def _format_default(value) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return "full" if value is None else str(value)


def _add_demo_parsers(sub) -> None:
    from bpnn.demos.seeds import DEMOS

    demo = add_command(sub, "demo")
    names = demo.add_subparsers(dest="demo", metavar="NAME", required=True, parser_class=_Parser)
    for name, d in DEMOS.items():
        defaults = {k: p.default for k, p in inspect.signature(d.run).parameters.items()}
        p = names.add_parser(
            name,
            help=f"{d.summary} (seed {d.seed_document})",
            description=inspect.cleandoc(d.run.__doc__ or d.summary).split("\n\n")[0],
        )
        for option in d.options:
            flags, kwargs = _OVERRIDES[option]
            default = defaults[option]
            shown = "50 (10 with --data-dir)" if name == "digits" and option == "epochs" else _format_default(default)
            p.add_argument(
                *flags, dest=option, default=None, **{**kwargs, "help": f"{kwargs['help']} (default {shown})"}
            )
        for option in set(_OVERRIDES) - set(d.options):
            flags, _ = _OVERRIDES[option]
            p.add_argument(*flags, nargs="?", action=_NotApplicable, help=argparse.SUPPRESS)
        if "data_dir" in defaults:
            p.add_argument(
                "--data-dir",
                metavar="DIR",
                help="folder with the MNIST IDX files "
                "(train-images-idx3-ubyte[.gz], ...); default: scikit-learn's 8x8 digits",
            )
        p.add_argument("--out", metavar="DIR", help="save the pictures in DIR (created if missing)")
        p.add_argument("--json", action="store_true", help="print the final figures as JSON only")
        p.add_argument("--quiet", action="store_true", help="no progress bar or periodic lines")
        add_lang_option(p)
        p.set_defaults(func=_run_demo, demo=name)


def _json_ready(value):
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _run_demo(args) -> int:
    from bpnn.demos.seeds import DEMOS

    d = DEMOS[args.demo]
    kwargs = {k: getattr(args, k) for k in d.options if getattr(args, k) is not None}
    if kwargs.get("batch_size") == FULL_BATCH:
        kwargs["batch_size"] = None  # the whole training set per update, as asked
    if getattr(args, "data_dir", None) is not None:
        kwargs["data_dir"] = args.data_dir
    quiet = args.quiet or args.json
    echo = (lambda line: None) if args.json else (lambda line: print(line, flush=True))
    result = d.run(**kwargs, out_dir=args.out, echo=echo, progress="quiet" if quiet else "auto", lang=args.lang)
    if args.json:
        result = {k: v for k, v in result.items() if k != "network"}
        print(json.dumps(_json_ready(result), indent=2))
    return 0


# -- explain ----------------------------------------------------------------------------


def _add_explain_parser(sub) -> None:
    from bpnn.core.losses import LOSSES

    p = add_command(
        sub,
        "explain",
        epilog="Seed 002's worked example:\n"
        "  bpnn explain --layers 2,2,2 --activation sigmoid --loss mse --weights 1 --no-bias \\\n"
        "               --inputs 0.1,0.88 --targets 0.55,1 --learning-rate 0.5\n"
        "Numbers not given are drawn at random from --seed.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--layers",
        type=_widths,
        default=(2, 2, 2),
        metavar="N0,N1,...",
        help="layer widths from input to output (default 2,2,2)",
    )
    p.add_argument(
        "--activation",
        default="sigmoid",
        metavar="NAME[,NAME...]",
        help="one activation for every layer, or one per layer, e.g. relu,softmax (default sigmoid)",
    )
    p.add_argument(
        "--loss",
        default="mse",
        choices=sorted(LOSSES),
        metavar="NAME",
        help=f"loss function: {', '.join(sorted(LOSSES))} (default mse)",
    )
    p.add_argument(
        "--weights",
        type=_rows(
            "one number, or each layer's weights row by row (w_11,w_12,...,w_21,...) with layers separated by ';'"
        ),
        metavar="SPEC",
        help="one number for every weight, or each layer's weights row by row "
        "(w_11,w_12,...,w_21,...), layers separated by ';' (default: random)",
    )
    bias = p.add_mutually_exclusive_group()
    bias.add_argument(
        "--biases",
        type=_rows("one number, or each layer's biases with layers separated by ';'"),
        metavar="SPEC",
        help="one number for every bias, or each layer's biases, layers separated by ';' (default 0)",
    )
    bias.add_argument("--no-bias", action="store_true", help="layers without bias (as in seed 002)")
    p.add_argument(
        "--inputs",
        type=_rows("comma-separated inputs, samples separated by ';'"),
        metavar="X",
        help="one sample's inputs x1,x2,...; several samples separated by ';' (default: random)",
    )
    p.add_argument(
        "--targets",
        type=_rows("comma-separated targets, samples separated by ';'"),
        metavar="Y",
        help="the targets, shaped like --inputs (default: random)",
    )
    p.add_argument(
        "--samples",
        type=_positive_int,
        default=1,
        metavar="M",
        help="number of random samples when --inputs is not given (default 1)",
    )
    p.add_argument("--seed", type=_seed, default=0, metavar="N", help="seed of the random numbers (default 0)")
    p.add_argument(
        "--learning-rate", "--lr", type=_positive_float, default=0.5, metavar="LR", help="step size (default 0.5)"
    )
    p.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="plain text, Markdown with LaTeX, or the raw record as JSON (default text)",
    )
    p.add_argument("--digits", type=_digits, default=6, metavar="D", help="decimals shown, 0 to 17 (default 6)")
    add_lang_option(p)
    p.set_defaults(func=_run_explain)


def _per_layer(spec, sizes, what, shape_of):
    """Expand a --weights/--biases spec into one array per layer."""
    if spec is None:
        return None
    n_layers = len(sizes) - 1
    if len(spec) == 1 and len(spec[0]) == 1:
        return [np.full(shape_of(i), spec[0][0]) for i in range(n_layers)]
    if len(spec) != n_layers:
        raise ValueError(
            f"--{what} must give one number or {n_layers} groups separated by ';' "
            f"(one per layer); got {len(spec)} group(s)"
        )
    arrays = []
    for i, values in enumerate(spec):
        shape = shape_of(i)
        if len(values) != int(np.prod(shape)):
            raise ValueError(
                f"--{what}: layer {i + 1} ({sizes[i]} → {sizes[i + 1]}) needs {int(np.prod(shape))} "
                f"numbers; got {len(values)}"
            )
        arrays.append(np.array(values, dtype=float).reshape(shape))
    return arrays


def _samples(spec, width, what) -> np.ndarray:
    arr = np.array(spec, dtype=float) if all(len(r) == len(spec[0]) for r in spec) else None
    if arr is None or arr.shape[1] != width:
        got = sorted({len(r) for r in spec})
        raise ValueError(
            f"--{what} must give {width} numbers per sample (samples separated by ';'); got {', '.join(map(str, got))}"
        )
    return arr


def _run_explain(args) -> int:
    from bpnn.core import Dense, Network
    from bpnn.explain.render import render

    sizes = list(args.layers)
    if len(sizes) < 2:
        raise ValueError(f"--layers needs at least two widths (inputs and outputs); got {','.join(map(str, sizes))}")
    n_layers = len(sizes) - 1
    acts = [a.strip() for a in args.activation.split(",")]
    if len(acts) == 1:
        acts = acts * n_layers
    if len(acts) != n_layers:
        raise ValueError(f"--activation must give one name or {n_layers} names (one per layer); got {len(acts)}")
    weights = _per_layer(args.weights, sizes, "weights", lambda i: (sizes[i], sizes[i + 1]))
    biases = _per_layer(args.biases, sizes, "biases", lambda i: (sizes[i + 1],))
    layers = [
        Dense(
            sizes[i],
            sizes[i + 1],
            acts[i],
            weights=None if weights is None else weights[i],
            bias=False if args.no_bias else (None if biases is None else biases[i]),
        )
        for i in range(n_layers)
    ]
    net = Network(layers, loss=args.loss, seed=args.seed)

    rng = np.random.default_rng([args.seed, 1])  # a stream apart from the weights'
    if args.inputs is not None:
        X = _samples(args.inputs, sizes[0], "inputs")
    else:
        X = np.round(rng.uniform(0.0, 1.0, size=(args.samples, sizes[0])), 2)
    m, k = len(X), sizes[-1]
    if args.targets is not None:
        Y = _samples(args.targets, k, "targets")
        if len(Y) != m:
            raise ValueError(f"--targets must give one sample per sample of --inputs ({m}); got {len(Y)}")
    elif net.loss_fn.name == "categorical_crossentropy":
        Y = np.eye(k)[rng.integers(0, k, size=m)]
    elif net.loss_fn.name == "binary_crossentropy":
        Y = rng.integers(0, 2, size=(m, k)).astype(float)
    else:
        Y = np.round(rng.uniform(0.0, 1.0, size=(m, k)), 2)
    step = net.explain(X, Y, args.learning_rate)
    if args.format == "json":
        print(json.dumps(step.to_dict(), indent=2))
    else:
        sys.stdout.write(render(step, args.format, args.digits, lang=args.lang))
    return 0


# -- playground ----------------------------------------------------------------------------


def _port(text: str) -> int:
    if not (text.isdigit() and 1 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535; got {text!r}")
    return int(text)


def _add_playground_parser(sub) -> None:
    p = add_command(sub, "playground")
    p.add_argument("--port", type=_port, default=8765, metavar="N", help="port to listen on (default 8765)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="address to listen on (default 127.0.0.1: this computer only; any other needs the link's token)",
    )
    p.add_argument(
        "--token",
        action="store_true",
        help="require a random token in the link on this computer too (always on beyond it)",
    )
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    add_lang_option(p)
    p.set_defaults(func=_run_playground)


def _run_playground(args) -> int:
    try:
        from bpnn.playground.server import serve
    except ImportError as exc:
        raise ValueError(
            f"the playground needs the 'playground' extra ({exc.name or exc} is missing): "
            "pip install starlette uvicorn websockets python-multipart "
            "(or, in bpnn's folder, pip install -e '.[playground]')"
        ) from None
    serve(host=args.host, port=args.port, open_browser=not args.no_browser, token=args.token, lang=current().lang)
    return 0


# -- main ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from bpnn import __version__

    parser = _Parser(
        prog="bpnn",
        description="Neural networks trained by error backpropagation.",
        epilog="Try: bpnn demo moons, bpnn demo worked-example, bpnn explain. Each command has --help.",
    )
    parser.add_argument("--version", action="version", version=f"bpnn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)
    _add_demo_parsers(sub)
    _add_explain_parser(sub)
    from bpnn.cli.tables import add_table_commands

    add_table_commands(sub)  # train, predict, info, export
    _add_playground_parser(sub)
    from bpnn.cli.forecast import add_forecast_parser

    add_forecast_parser(sub)  # forecast: series, lags, baselines
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit status."""
    from bpnn.training.loop import DivergenceError

    choose(argv)
    args = build_parser().parse_args(argv)
    if hasattr(args, "run"):  # the table commands report their own errors
        return args.run(args)
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (bpnn explain | head): stop quietly, as other command-line tools do
        sys.stdout = None
        return 0
    except (ValueError, TypeError, OSError, DivergenceError) as exc:
        return fail(str(exc) or type(exc).__name__)
    except KeyboardInterrupt:
        # one line and status 2, as for every other way a command can end early
        return fail("interrupted (Ctrl-C)")
    except MemoryError:
        return fail("out of memory; try a smaller network or fewer rows")


if __name__ == "__main__":
    sys.exit(main())
