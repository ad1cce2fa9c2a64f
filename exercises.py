"""A class set: a different exercise for every student, the answer keys kept apart (generate), and a
class's hand calculations graded with the mistake named (grade). See docs/classroom.md.

generate TEMPLATE.json: an --example file (see ann_numpy_no_loop.py) with two optional keys more,
`vary` (some of weights, inputs, targets, learning_rate, biases; default weights and inputs) and
`decimals` (default 2). Writes DIR/<id>/exercise.json, sheet.md, sheet.tex (to hand out),
DIR/keys/<id>/key.md, key.tex, key.csv, key.json (the worked example) and DIR/class.csv.

grade SUBMISSIONS: one file a student, named after the id (id.txt, id.csv, id.json or id.xlsx, as
--check reads them), checked against DIR/<id>/exercise.json. Writes grades.csv, a feedback file a student
in <grades>_feedback/, the class summary on stdout. Exit status 0 when every student was graded.

examples:
  python exercises.py generate examples/class_template.json --students examples/roster.csv --seed 7 --outdir class
  python exercises.py generate examples/class_template.json --count 30 --seed 7 --outdir class30
  python exercises.py grade handed_in --exercises class --out grades.csv --plot grades.png
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
import os
import sys

from backprop import classroom, cli, files

PROG = "exercises.py"


def generate(args) -> int:
    template = classroom.read_template(args.template)
    if args.students:
        students = classroom.read_roster(args.students)
    else:
        students = [(str(i), "") for i in range(1, args.count + 1)]
    written = classroom.class_files(template, students, args.seed)
    classroom.refuse_outdir(args.outdir, written, args.force)
    classroom.write_all(args.outdir, written)
    print(
        f"{len(students)} exercises in {args.outdir}/<id>/, their keys in {args.outdir}/keys/<id>/, "
        f"the class in {args.outdir}/class.csv"
    )
    return 0


def progress_bar(quiet: bool):
    """tqdm's bar on stderr when stderr is a terminal, tqdm is installed and --quiet is not given."""
    if quiet or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return lambda items: tqdm(items, desc="grading", unit=" students", file=sys.stderr, leave=False)


def grade(args) -> int:
    if args.out == "-" or files.is_stream(args.out):
        return cli.fail(PROG, "--out names a file: the feedback folder goes beside it", 2)
    out = os.path.abspath(args.out)
    feedback = os.path.splitext(out)[0] + "_feedback"
    for path in [out, *([args.plot] if args.plot else [])]:
        reason = files.why_not_output(path)
        if reason:
            return cli.fail(PROG, f"cannot write {path}: {reason}; nothing written")
    if not os.path.isdir(args.submissions):
        return cli.fail(
            PROG, f"{args.submissions} is not a folder of submissions", 2 if os.path.exists(args.submissions) else 1
        )
    grades = classroom.grade_class(args.submissions, args.exercises, progress_bar(args.quiet))
    try:
        os.makedirs(feedback, exist_ok=True)
        for g in grades:
            if g.feedback is not None:
                files.atomic_write(os.path.join(feedback, f"{g.sid}.txt"), g.feedback)
        files.write_output(out, classroom.grades_csv(grades))
        if args.plot:
            figure = classroom.plot(grades)
            with files.replacing(args.plot) as tmp:
                figure.savefig(tmp, format=os.path.splitext(args.plot)[1][1:] or "png")
    except OSError as exc:
        return cli.fail(PROG, f"cannot write the grades: {exc.strerror or exc}")
    print("\n".join(classroom.summary(grades)))
    roster = [g for g in grades if g.status != "unknown id"]
    return 0 if all(g.status == "graded" for g in roster) else 1


def main(argv=None) -> int:
    parser = cli.ArgumentParser(PROG, __doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{generate,grade}")
    gen = commands.add_parser(
        "generate", doc="An exercise and its key for every student.", help="an exercise and its key for every student"
    )
    gen.add_argument(
        "template",
        type=cli.path,
        metavar="TEMPLATE.json",
        help="an --example file with the optional keys vary and decimals",
    )
    who = gen.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--students",
        type=cli.path,
        metavar="ROSTER.csv",
        help="a CSV with a header line and the columns id,name (others ignored)",
    )
    who.add_argument(
        "--count", type=lambda text: cli.whole_number(text, 1, 100_000), metavar="N", help="students with the ids 1..N"
    )
    gen.add_argument(
        "--seed",
        type=lambda text: cli.whole_number(text, 0, 2**63 - 1),
        required=True,
        metavar="S",
        help="the class's seed: the same seed and id give the same exercise",
    )
    gen.add_argument("--outdir", type=cli.path, required=True, metavar="DIR", help="the class folder")
    gen.add_argument("--force", action="store_true", help="write into DIR even when it holds other files")
    grd = commands.add_parser(
        "grade", doc="Check every student's hand calculation.", help="check every student's hand calculation"
    )
    grd.add_argument(
        "submissions", type=cli.path, metavar="SUBMISSIONS", help="a folder with one file a student, named after the id"
    )
    grd.add_argument("--exercises", type=cli.path, required=True, metavar="DIR", help="the folder generate wrote")
    grd.add_argument(
        "--out",
        type=cli.path,
        required=True,
        metavar="GRADES.csv",
        help="the grades; the feedback goes into GRADES_feedback/ beside it",
    )
    grd.add_argument("--plot", type=cli.path, metavar="PATH", help="a figure: first mistakes and the scores")
    grd.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        return generate(args) if args.command == "generate" else grade(args)
    except classroom.Bad as exc:
        return cli.fail(PROG, str(exc), 2)
    except classroom.Failed as exc:
        return cli.fail(PROG, str(exc))


if __name__ == "__main__":
    cli.run(main, PROG)
