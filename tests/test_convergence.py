"""convergence_test.py: its tables against the plain-Python loop, and the README block it keeps."""

import csv
import io
import json

import plain_loop
import pytest
from conftest import assert_one_line_error, call

import convergence_test
from backprop import cli, training

START, END = "<!-- convergence-tables:start -->", "<!-- convergence-tables:end -->"
PROG = "convergence_test.py"


@pytest.fixture(scope="session")
def plain():
    return {order: plain_loop.trajectory(order, 100) for order in ("sequential", "parallel")}


def test_markdown_tables_are_the_plain_loops_numbers(plain, capsys):
    status, out, _ = call(convergence_test.main, "--counts", "0,1,10,100", capsys=capsys)
    assert status == 0
    for n in (0, 1, 10, 100):
        seq, par = plain["sequential"][n][1], plain["parallel"][n][1]
        assert f"| {n:,} | `[{seq[2]:.8f}, {seq[3]:.8f}]` | `[{par[2]:.8f}, {par[3]:.8f}]` | `[0.01, 0.99]` |" in out
        assert f"| {n:,} | `{seq[4]:.10f}` | `{par[4]:.10f}` | `{seq[4] - par[4]:+.10f}` |" in out


def test_one_training_pass_per_method(monkeypatch):
    calls = {"sequential": [], "parallel": []}
    real = training.train

    def counting(order, n, *args, **kwargs):
        calls[order].append(n)
        return real(order, n, *args, **kwargs)

    monkeypatch.setattr(training, "train", counting)
    convergence_test.build_rows([0, 5, 37, 2])
    assert calls == {"sequential": [37], "parallel": [37]}


@pytest.fixture(scope="session")
def default_rows():
    return convergence_test.build_rows(cli.DEFAULT_COUNTS)


@pytest.fixture
def trained_once(default_rows, monkeypatch):
    """The README's default rows, trained once for the tests that run main() with the defaults."""
    real = convergence_test.build_rows
    def build_rows(counts, ex):
        return default_rows if list(counts) == list(cli.DEFAULT_COUNTS) and ex.is_post() else real(counts, ex)

    monkeypatch.setattr(convergence_test, "build_rows", build_rows)


def test_readme_block_is_current(root, trained_once, capsys):
    status, out, err = call(convergence_test.main, "--check", root / "README.md", capsys=capsys)
    assert status == 0, out + err


@pytest.fixture
def readme_copy(root, tmp_path):
    path = tmp_path / "README.md"
    path.write_bytes((root / "README.md").read_bytes())
    return path


def test_update_changes_only_the_marked_block(readme_copy, trained_once, capsys):
    original = readme_copy.read_bytes()
    head, rest = original.split(START.encode())
    _, tail = rest.split(END.encode())
    readme_copy.write_bytes(head + START.encode() + b"\nstale\n" + END.encode() + tail)
    readme_copy.chmod(0o644)
    status, _, err = call(convergence_test.main, "--update", readme_copy, capsys=capsys)
    assert status == 0, err
    assert readme_copy.read_bytes() == original  # the block regenerated is the committed one, the rest untouched
    assert readme_copy.stat().st_mode & 0o777 == 0o644  # the atomic replacement keeps the permissions
    assert sorted(p.name for p in readme_copy.parent.iterdir()) == [".README.md.lock", "README.md"]  # no .tmp-*


def test_check_fails_on_one_altered_digit(readme_copy, plain, trained_once, capsys):
    shown = f"`{plain['sequential'][1][1][4]:.10f}`"
    text = readme_copy.read_text(encoding="utf-8")
    altered = text.replace(shown, shown[:-2] + str((int(shown[-2]) + 1) % 10) + "`", 1)
    assert altered != text
    readme_copy.write_text(altered, encoding="utf-8")
    status, out, err = call(convergence_test.main, "--check", readme_copy, capsys=capsys)
    assert_one_line_error((status, out, err), PROG, 1)
    assert f"+| 1 | {shown}" in out and "-| 1 | `" in out


@pytest.mark.parametrize("content", ["# no markers here\n", f"{START}\n{END}\n{START}\n{END}\n", f"{END}\n{START}\n"])
def test_bad_markers_leave_the_file_untouched(tmp_path, content, capsys):
    path = tmp_path / "README.md"
    path.write_bytes(content.encode())
    result = call(convergence_test.main, "--counts", "1", "--update", path, capsys=capsys)
    assert_one_line_error(result, PROG, 1)
    assert path.read_bytes() == content.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_unreadable_readme(tmp_path, capsys):
    result = call(convergence_test.main, "--counts", "1", "--update", tmp_path / "missing" / "README.md", capsys=capsys)
    assert_one_line_error(result, PROG, 1)


BAD_USAGE = [["--counts", c] for c in ("-1", "abc", "1,,2", "100000001", "1.5")] + [
    ["--format", "csv", "--check", "README.md"], ["--update", "a", "--check", "b"]]  # fmt: skip


@pytest.mark.parametrize("args", BAD_USAGE)
def test_bad_usage(args, capsys):
    assert_one_line_error(call(convergence_test.main, *args, capsys=capsys), PROG, 2)


def test_csv_and_json_formats(plain, capsys):
    _, out, _ = call(convergence_test.main, "--counts", "1,10", "--format", "csv", capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["iteration"] for row in rows] == ["1", "10"]
    assert float(rows[1]["parallel_E_total"]) == pytest.approx(plain["parallel"][10][1][4], rel=1e-12)
    _, out, _ = call(convergence_test.main, "--counts", "10", "--format", "json", capsys=capsys)
    doc = json.loads(out)
    assert doc["rows"][0]["sequential"]["error"] == pytest.approx(plain["sequential"][10][1][4], rel=1e-12)
    assert doc["rows"][0]["sequential"]["prediction"] == pytest.approx(plain["sequential"][10][1][2:4], rel=1e-12)
