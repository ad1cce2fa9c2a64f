"""convergence_test.py: the tables against DESIGN.md §2 and the seed README, the README block."""

import json
import re

import numpy as np
import pytest
from conftest import assert_one_line_error, run_script

import ann_numpy
import ann_numpy_original
import convergence_test
from backprop import cli, training

START, END = "<!-- convergence-tables:start -->", "<!-- convergence-tables:end -->"

# DESIGN.md §2: iteration -> (parallel error, sequential error, parallel prediction, sequential prediction)
REFERENCE = {
    0: ("0.2983711088", "0.2983711088", "[0.75136507, 0.77292847]", "[0.75136507, 0.77292847]"),
    1: ("0.2910277737", "0.2910279239", "[0.74208811, 0.77528497]", "[0.74208844, 0.77528538]"),
    10: ("0.2209185921", "0.2209163375", "[0.64517373, 0.79406246]", "[0.64517168, 0.79406732]"),
    10000: ("0.0000351019", "0.0000350848", "[0.01591362, 0.98406427]", "[0.01591220, 0.98406573]"),
}

# The seed README's tables (seeds/001), row label -> (sequential prediction, parallel prediction,
# sequential error, parallel error), as printed there.
SEED = {
    1: ([0.75136507, 0.77292847], [0.74208811, 0.77528497], 0.2983711088, 0.2983711088),
    2: ([0.74208844, 0.77528538], [0.73247687, 0.77758193], 0.2910279239, 0.2910277737),
    5: ([0.71228562, 0.78200785], [0.70172928, 0.78413744], 0.2682329155, 0.2682327612),
    10: ([0.65689948, 0.79217359], [0.64517373, 0.79406246], 0.2288071136, 0.2288087405),
    100: ([0.17704935, 0.87728867], [0.17580714, 0.87774294], 0.0203046657, 0.0203118271),
    1000: ([0.04406920, 0.95728851], [0.04405289, 0.95730291], 0.0011153760, 0.0011157856),
    10000: ([0.01591276, 0.98406517], [0.01591362, 0.98406427], 0.0000350915, 0.0000351085),
}


def test_markdown_tables_equal_the_reference_table():
    result = run_script("convergence_test.py", "--counts", "0,1,10,10000")
    assert result.returncode == 0, result.stderr
    for n, (par_e, seq_e, par_p, seq_p) in REFERENCE.items():
        prediction_row = f"| {n:,} | `{seq_p}` | `{par_p}` | `[0.01, 0.99]` |"
        assert prediction_row in result.stdout
        assert re.search(rf"^\| {n:,} \| `{seq_e}` \| `{par_e}` \| `[+-]\d\.\d{{10}}` \|$", result.stdout, re.M)


def test_seed_readme_numbers_under_its_own_convention():
    # Its error column and sequential predictions are before the N-th update, its parallel ones after.
    seq, par = ann_numpy.train(10000), ann_numpy_original.train(10000)
    for n, (seq_p, par_p, seq_e, par_e) in SEED.items():
        assert np.round(seq.output[n - 1], 8).tolist() == pytest.approx(seq_p, abs=1e-12)
        assert np.round(par.output[n], 8).tolist() == pytest.approx(par_p, abs=1e-12)
        assert round(float(seq.error[n - 1]), 10) == pytest.approx(seq_e, abs=1e-15)
        assert round(float(par.error[n - 1]), 10) == pytest.approx(par_e, abs=1e-15)


def test_one_training_pass_per_method(monkeypatch):
    calls = {"sequential": [], "parallel": []}
    real = training.train

    def counting(order, n, *args, **kwargs):
        calls[order].append(n)
        return real(order, n, *args, **kwargs)

    monkeypatch.setattr(training, "train", counting)
    convergence_test.build_rows(cli.DEFAULT_COUNTS)
    assert calls == {"sequential": [10000], "parallel": [10000]}


def test_readme_block_is_current(root):
    result = run_script("convergence_test.py", "--check", root / "README.md")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def readme_copy(root, tmp_path):
    path = tmp_path / "README.md"
    path.write_bytes((root / "README.md").read_bytes())
    return path


def test_update_changes_only_the_marked_block(readme_copy):
    original = readme_copy.read_bytes()
    head, rest = original.split(START.encode())
    _, tail = rest.split(END.encode())
    stale = head + START.encode() + b"\nstale\n" + END.encode() + tail
    readme_copy.write_bytes(stale)
    readme_copy.chmod(0o644)
    result = run_script("convergence_test.py", "--update", readme_copy)
    assert result.returncode == 0, result.stderr
    updated = readme_copy.read_bytes()
    assert updated.startswith(head + START.encode()) and updated.endswith(END.encode() + tail)
    assert updated == original  # the block regenerated is the committed one
    assert readme_copy.stat().st_mode & 0o777 == 0o644  # the atomic replacement keeps the permissions


def test_check_fails_on_one_altered_digit(readme_copy):
    text = readme_copy.read_text(encoding="utf-8")
    altered = text.replace("`0.2910279239`", "`0.2910279238`", 1)
    assert altered != text
    readme_copy.write_text(altered, encoding="utf-8")
    result = run_script("convergence_test.py", "--check", readme_copy)
    assert_one_line_error(result, "convergence_test.py", 1)
    assert "-| 1 | `0.2910279238`" in result.stdout and "+| 1 | `0.2910279239`" in result.stdout


@pytest.mark.parametrize("content", ["# no markers here\n", f"{START}\n{END}\n{START}\n{END}\n", f"{END}\n{START}\n"])
def test_bad_markers_leave_the_file_untouched(tmp_path, content):
    path = tmp_path / "README.md"
    path.write_bytes(content.encode())
    result = run_script("convergence_test.py", "--update", path)
    assert_one_line_error(result, "convergence_test.py", 1)
    assert path.read_bytes() == content.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_unreadable_readme(tmp_path):
    result = run_script("convergence_test.py", "--update", tmp_path / "missing" / "README.md")
    assert_one_line_error(result, "convergence_test.py", 1)


@pytest.mark.parametrize("counts", ["-1", "abc", "1,,2", "100000001", "1.5"])
def test_bad_counts(counts):
    assert_one_line_error(run_script("convergence_test.py", "--counts", counts), "convergence_test.py", 2)


def test_csv_and_json_formats():
    rows = run_script("convergence_test.py", "--counts", "1,10", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("iteration,sequential_out_o1") and len(rows) == 3
    assert round(float(rows[2].split(",")[8]), 10) == 0.2209185921  # parallel error after 10
    doc = json.loads(run_script("convergence_test.py", "--counts", "10", "--format", "json").stdout)
    assert round(doc["rows"][0]["sequential"]["error"], 10) == 0.2209163375
