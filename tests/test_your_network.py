"""The network flags in every 2-2-2 script: your own network is trained, named, and kept out of README's blocks."""

import json

import plain_example
import pytest
from conftest import assert_one_line_error, call

import analyze_convergence
import ann_numpy
import ann_numpy_original
import convergence_test
import plot_convergence
from backprop import exercise, plotting

NET = dict(x=(0.3, 0.8), t=(0.2, 0.7), w=(0.9, -0.4, 0.1, 0.65, -0.3, 0.8, 0.55, -0.75), b1=(0.1, 0.25),
           b2=(-0.2, -0.2), eta=0.7)  # fmt: skip
FLAGS = ["--inputs", "0.3,0.8", "--targets", "0.2,0.7", "--weights", "0.9,-0.4,0.1,0.65,-0.3,0.8,0.55,-0.75",
         "--b1", "0.1,0.25", "--b2", "-0.2", "--learning-rate", "0.7"]  # fmt: skip


@pytest.mark.parametrize(("main", "order"), [(ann_numpy.main, "sequential"), (ann_numpy_original.main, "parallel")])
def test_the_training_scripts_train_your_network(main, order, capsys):
    status, out, _ = call(main, "3", "--json", *FLAGS, capsys=capsys)
    doc = json.loads(out)
    plain = plain_example.example(NET["x"], NET["t"], NET["w"], NET["b1"], NET["b2"], NET["eta"], order, updates=3)
    assert status == 0 and doc["network"]["posts_network"] is False and doc["target"] == [0.2, 0.7]
    final = [plain[f"w{k}+@3"] for k in range(1, 9)]
    assert [*doc["w1"][0], *doc["w1"][1], *doc["w2"][0], *doc["w2"][1]] == pytest.approx(final, rel=1e-12)
    assert doc["final_error"] == pytest.approx(plain["E_total+@3"], rel=1e-12)
    status, out, _ = call(main, "1", *FLAGS, capsys=capsys)
    assert out.splitlines()[0].startswith("your network: inputs i1, i2 = 0.3, 0.8; targets t1, t2 = 0.2, 0.7;")


def test_the_gradient_check_takes_your_network(capsys):
    status, out, _ = call(ann_numpy_original.main, "--check-gradients", "--biases", "per-neuron", *FLAGS,
                          capsys=capsys)  # fmt: skip
    assert status == 0 and "initial weights of your network" in out and out.rstrip().endswith("all checks passed")


def test_the_tables_name_your_network_and_its_targets(capsys):
    status, out, _ = call(convergence_test.main, "--counts", "0,2", *FLAGS, capsys=capsys)
    assert status == 0 and out.startswith("your network:") and "learning rate 0.7" in out
    assert "| 2 | `[" in out and "`[0.2, 0.7]`" in out


@pytest.mark.parametrize(("main", "readme", "page"), [(convergence_test.main, "--update", "README.md"),
                                                     (analyze_convergence.main, "--check", "docs/reconciliation.md")])
def test_readme_blocks_refuse_another_network(main, readme, page, root, capsys):
    before = (root / page).read_bytes()
    result = call(main, readme, root / page, "--targets", "0.1,0.9", capsys=capsys)
    assert_one_line_error(result, main.__module__ + ".py", 2)
    assert "post's network" in result[2] and (root / page).read_bytes() == before


def test_the_analysis_of_your_network_leaves_out_the_reconciliation(capsys):
    status, out, _ = call(analyze_convergence.main, "--iterations", "10000", *FLAGS, capsys=capsys)
    assert status == 0 and out.splitlines()[1].startswith("your network:")
    assert "4. Reconciliation with the blog post: made for the post's network and settings only" in out
    assert "Verdict" not in out


def test_figure_titles_name_your_network():
    ex = exercise.Exercise(NET["x"], NET["t"], NET["w"], NET["b1"], NET["b2"], NET["eta"])
    figures = plot_convergence.draw(*plotting.train_both(20, ex))
    for fig in figures.values():
        title = fig.get_suptitle()
        assert "your network: inputs i1, i2 = 0.3, 0.8; targets t1, t2 = 0.2, 0.7" in title
        assert "w1..w8 = 0.9, -0.4, 0.1, 0.65, -0.3, 0.8, 0.55, -0.75; b1 = 0.1, 0.25; b2 = -0.2" in title
    post = plot_convergence.draw(*plotting.train_both(20))
    assert all("your network" not in fig.get_suptitle() for fig in post.values())


@pytest.mark.parametrize("main", [convergence_test.main, analyze_convergence.main, ann_numpy.main])
def test_a_network_that_diverges_is_one_line_and_status_1(main, capsys):
    result = call(main, "--learning-rate", "1e300", "--weights=1e300,1,1,1,1,1,1,1", capsys=capsys)
    assert_one_line_error(result, main.__module__ + ".py", 1)
    assert "training diverged at iteration 1" in result[2]


def test_targets_lie_in_the_range_of_a_sigmoid(tmp_path, capsys):
    result = call(ann_numpy.main, "--targets", "1.5,0.5", capsys=capsys)
    assert_one_line_error(result, "ann_numpy.py", 2)
    assert "target 1.5 is outside [0, 1]" in result[2]
    example = tmp_path / "ex.json"
    example.write_text('{"targets": [0.5, -1]}', encoding="utf-8")
    result = call(ann_numpy.main, "--example", example, capsys=capsys)
    assert_one_line_error(result, "ann_numpy.py", 2)
    assert "target -1 is outside [0, 1]" in result[2]
