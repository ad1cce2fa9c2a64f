"""Draw Mazur's 2-2-2 network itself, from our numbers: the post's diagram with live values.

Writes one of:
  network_diagram.png   (default) the network at iteration 0 and after --iterations updates:
                        each edge labelled with its weight's name and value, its width
                        proportional to |w|, its colour the sign (blue w >= 0, red w < 0);
                        each neuron's net input and output; the targets and the errors
  backward_pass.png     (--backward-pass) the first update of --order on one picture: the
                        forward values, each neuron's delta, dE_total/dw and the updated weight
                        on each edge, E_total and its two parts, in ann_numpy_no_loop.py's names
  PATH.gif or PATH.mp4  (--animate PATH) training as an animation: the diagram beside the
                        error curve, frames at iteration 0 and at log-spaced iterations up to
                        --iterations; PATH is taken as given (not under --outdir), and only the
                        animation is written. .mp4 needs ffmpeg; without it, one line and exit 1.

--order parallel (default: the post's arithmetic), sequential, or both (side by side).
Iteration N is the state after N updates; iteration 0 is the initial weights.

examples:
  python plot_network.py                                # figures/network_diagram.png
  python plot_network.py --backward-pass                # figures/backward_pass.png
  python plot_network.py --animate figures/training.gif
  python plot_network.py --order both --iterations 1000 --weights 0.1,-0.2,0.3,0.4,-0.5,0.6,0.7,-0.8
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
import argparse
import math
import os

import matplotlib
import numpy as np

from backprop import cli, diagram, exercise, files, general_diagram, plotting, progress, training
from backprop.training import TrainingDiverged
from backprop.worked_example import ORDERS, step

PROG = "plot_network.py"
ANIMATIONS = (".gif", ".mp4")
MAX_FRAMES = 1000
MAX_CURVE_ROWS = 2000  # the error curve of an animation: about this many recorded iterations


def animation_path(text: str) -> str:
    cli.path(text)
    if os.path.splitext(text)[1].lower() not in ANIMATIONS:
        raise argparse.ArgumentTypeError(f"{text!r} does not end in .gif or .mp4")
    return text


def fps_value(text: str) -> float:
    value = cli.positive_real(text)
    if value > 100:
        raise argparse.ArgumentTypeError(f"{text} is above 100")
    return value


def build_parser():
    p = plotting.parser(PROG, __doc__)
    p.add_argument("--order", choices=(*ORDERS, "both"),
                   help="parallel (the post's arithmetic, default), sequential, or both side by side")  # fmt: skip
    what = p.add_mutually_exclusive_group()
    what.add_argument("--backward-pass", action="store_true",
                      help="draw the first update (backward_pass.png) instead of the trained network")  # fmt: skip
    what.add_argument("--animate", type=animation_path, metavar="PATH.gif",
                      help="write training as an animation to PATH (.gif; .mp4 needs ffmpeg), only that")  # fmt: skip
    p.add_argument("--frames", type=lambda text: cli.whole_number(text, 3, MAX_FRAMES), default=60, metavar="F",
                   help=f"frames of the animation, 3..{MAX_FRAMES}: iteration 0 and the distinct rounded values of "
                   "geomspace(1, N, F − 1) (default 60)")  # fmt: skip
    p.add_argument("--fps", type=fps_value, default=10, help="frames per second of the animation (default 10)")
    progress.add_quiet(p)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args, ex = exercise.parse_args(parser, argv, any_shape=True)
    if args.animate and args.show:
        parser.error("--animate writes a file only; leave out --show")
    order = args.order or ex.order or "parallel"
    orders = ORDERS if order == "both" else (order,)
    if args.animate:
        matplotlib.use("Agg")
        return animate(args, ex, orders)

    def figures() -> dict:
        if ex.is_general():  # an exercise of another shape (general_diagram.py)
            return general_diagram.figures(args, ex, orders)
        if args.backward_pass:
            return {"backward_pass": diagram.backward_pass_figure(first_updates(orders, ex), ex)}
        trained = {o: training.train(o, args.iterations, **ex.training(), record_every=0) for o in orders}
        return {"network_diagram": diagram.network_figure(trained, args.iterations)}

    return plotting.write_figures(PROG, args, figures)


def first_updates(orders, ex: exercise.Exercise) -> dict:
    """{order: worked_example.Step} of the exercise's first update; TrainingDiverged on overflow."""
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            return {o: step(o, **ex.training()) for o in orders}
    except FloatingPointError:
        raise training.diverged(1, ex.learning_rate, "the update that makes it") from None


def animate(args, ex: exercise.Exercise, orders) -> int:
    """--animate PATH: train each order once to N, then write the frames with matplotlib's writer."""
    from matplotlib import animation

    path = args.animate
    mp4 = path.lower().endswith(".mp4")
    if mp4 and not animation.writers.is_available("ffmpeg"):
        return cli.fail(PROG, f"cannot write {path}: .mp4 needs ffmpeg, which is not installed; write a .gif instead")
    reason = files.why_unwritable(path)
    if reason:
        return cli.fail(PROG, f"cannot write {path}: {reason}")
    n = args.iterations
    frames = diagram.frame_iterations(n, args.frames)
    every = max(1, math.ceil(n / MAX_CURVE_ROWS))
    try:
        if ex.is_general():  # an exercise of another shape (general_diagram.py)
            fig, update = general_diagram.animation(args, ex, orders, frames, every)
        else:
            trained = {o: training.train(o, n, **ex.training(), record_every=every, checkpoints=frames)
                       for o in orders}  # fmt: skip
            fig, update = diagram.animation_figure(trained, frames)
    except TrainingDiverged as exc:
        return cli.fail(PROG, str(exc))
    writer = animation.FFMpegWriter(fps=args.fps) if mp4 else diagram.GifWriter(fps=args.fps)
    movie = animation.FuncAnimation(fig, update, frames=len(frames), blit=False, cache_frame_data=False)
    try:
        with files.replacing(path) as tmp, progress.bar(len(frames), "frame", quiet=args.quiet) as bar:
            movie.save(tmp, writer=writer, dpi=args.dpi, progress_callback=lambda i, n: bar.to(i + 1))
    except OSError as exc:
        return cli.fail(PROG, f"cannot write {path}: {exc.strerror or exc}")
    print(path)
    return 0


if __name__ == "__main__":
    cli.run(main, PROG)
