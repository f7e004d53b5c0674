"""Running the ``bpnn`` command in-process, for the command-line tests."""

from bpnn.cli.main import main


def run(capsys, *argv):
    """``bpnn ARGV...``: its exit status, standard output and standard error."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse exits on bad options
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def error_line(capsys, *argv) -> str:
    """Run a command that must fail: status 2, one stderr line 'bpnn: error: ...', no traceback."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert err.startswith("bpnn: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()
