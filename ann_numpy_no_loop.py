"""The worked example written out, no loop, every number: the post's network or your own.

Prints, in the order of Mazur's post, every intermediate value of the first updates of
the 2-2-2 network: the net input and output of each neuron, E_o1, E_o2, E_total, each
chain-rule factor, dE_total/dw for all eight weights (and the biases when they are
trained), every updated weight and the error after the update. Each line shows its
formula. For the post's network, the post's published value stands beside ours,
rounded as the post rounds it, with ✓ when they agree and ✗ when they do not.

--check FILE checks a hand calculation (one value a line: `name value`, or this script's CSV or
JSON output) against ours, finds the first wrong value, and names the common mistakes that
reproduce it. Exit status with --check: 0 when every line was checked and every value is right
(or only carried rounding), 1 otherwise.

An exercise of another shape (--layers, --hidden-activation, --output-activation, the losses bce
and ce, several training examples with --reduction, --biases none; see docs/checking.md, "Exercises
of any shape") is written out and checked the same way, in the names carried to its shape.

Iteration N is the state after N weight updates; iteration 0 is the initial weights.

examples:
  python ann_numpy_no_loop.py                                   # the post's two updates
  python ann_numpy_no_loop.py --order sequential --iterations 1
  python ann_numpy_no_loop.py --weights 0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8 --format latex
  python ann_numpy_no_loop.py --example examples/exercise.json --format markdown
  python ann_numpy_no_loop.py --example examples/exercise.json --check examples/hand_calculation.txt
  python ann_numpy_no_loop.py --json                            # every value as one JSON document
  python ann_numpy_no_loop.py --format xlsx --output worked.xlsx --learning-rates 0.1,0.5,1,2   # a live spreadsheet
  python ann_numpy_no_loop.py --check my_sheet.xlsx             # a spreadsheet checked (docs/spreadsheet.md)
  python ann_numpy_no_loop.py --example examples/exercise_3-2-2.json --check examples/hand_calculation_3-2-2.txt
  python ann_numpy_no_loop.py --layers 2,1 --output-activation linear --inputs "1,2;3,4" --targets "1;2" \
      --weights 0.1,0.2 --biases none --reduction mean --iterations 1
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
import json
import sys

from backprop import cli, exercise, files, formats, hand_check, spreadsheet, written_out
from backprop.worked_example import ORDERS

PROG = "ann_numpy_no_loop.py"
FORMATS = (*formats.FORMATS, "xlsx")


def rates(text: str) -> list:
    """--learning-rates 0.1,0.2,0.5: up to 8 positive finite numbers."""
    try:
        values = [float(x) for x in text.split(",")]
    except ValueError:
        raise cli.ArgumentTypeError(f"{text!r} is not a list of numbers (0.1,0.5,1)") from None
    if not 1 <= len(values) <= 8 or not all(0 < v < 1e6 for v in values):
        raise cli.ArgumentTypeError(f"{text!r}: 1 to 8 learning rates, each above 0 and below 10^6")
    return values


def main(argv=None) -> int:
    parser = cli.ArgumentParser(PROG, __doc__)
    parser.add_argument("--order", choices=ORDERS,
                        help="parallel (the post's arithmetic, default) or sequential (the updated w5..w8 "
                        "in the hidden layer); an --example file may name it")  # fmt: skip
    parser.add_argument(
        "--iterations", type=lambda text: cli.whole_number(text, 1, hand_check.MAX_UPDATES), default=2, metavar="K",
        help=f"how many updates to write out, 1..{hand_check.MAX_UPDATES} (default 2)",
    )  # fmt: skip
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default); markdown: a table; latex: an align* block with the numbers "
                        "substituted; csv: name,value; json: every value at full precision; xlsx: a workbook "
                        "of live formulas (with --output FILE.xlsx, docs/spreadsheet.md)")  # fmt: skip
    parser.add_argument("--output", type=cli.path, metavar="FILE.xlsx", help="where --format xlsx writes")
    parser.add_argument("--training-updates", type=lambda text: cli.whole_number(text, 1, spreadsheet.MAX_TRAINING),
                        metavar="N",
                        help=f"--format xlsx: rows of the training sheet, 1..{spreadsheet.MAX_TRAINING} (default 100)")
    parser.add_argument("--learning-rates", type=rates, metavar="R1,R2,…",
                        help="--format xlsx: one block of training columns per learning rate, one chart")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument("--digits", type=lambda text: cli.whole_number(text, 1, 17), default=9, metavar="D",
                        help="decimals printed (default 9, as the post)")  # fmt: skip
    parser.add_argument("--check", type=cli.path, metavar="FILE",
                        help="check a hand calculation, one value a line (name value); see README")  # fmt: skip
    exercise.add_arguments(parser)
    args, ex = exercise.parse_args(parser, argv, any_shape=True)
    fmt = "json" if args.json else args.format
    arithmetic = written_out.plain(ex, args.order)

    if fmt == "xlsx" or args.output:
        return write_xlsx(parser, args, ex, arithmetic)
    if args.training_updates or args.learning_rates:
        parser.error("--training-updates and --learning-rates go with --format xlsx")
    if args.check:
        if fmt not in ("text", "json"):
            parser.error("--check reports as text or JSON (--json)")
        network_given = args.example is not None or any(
            getattr(args, flag) is not None for flag in ("inputs", "targets", "weights", "b1", "b2"))
        return check(args.check, ex, arithmetic, args.digits, fmt == "json", network_given, args.example_description)

    try:
        sys.stdout.write(formats.render(ex, arithmetic, args.iterations, fmt, args.digits))
    except written_out.NotFinite as exc:
        return cli.fail(PROG, f"{exc}: use smaller numbers")
    return 0


def write_xlsx(parser, args, ex, arithmetic) -> int:
    """--format xlsx --output FILE.xlsx: the live spreadsheet."""
    if args.check or args.json:
        parser.error("--format xlsx writes a workbook: not with --check or --json")
    if args.format != "xlsx" or not args.output:
        parser.error("--output FILE.xlsx goes with --format xlsx (and --format xlsx needs it)")
    if not args.output.lower().endswith(".xlsx"):
        parser.error(f"--output {files.quoted(args.output)}: a workbook's name ends in .xlsx")
    why = spreadsheet.unsupported(ex, bool(args.training_updates or args.learning_rates))
    if why:
        parser.error(why)
    try:
        data = spreadsheet.workbook_bytes(ex, arithmetic, args.iterations, args.training_updates or 100,
                                           args.learning_rates)
    except spreadsheet.MissingPackage as exc:
        return cli.fail(PROG, f"--format xlsx {exc}")
    except written_out.NotFinite as exc:
        return cli.fail(PROG, f"{exc}: use smaller numbers")
    except ValueError as exc:  # a formula without an Excel form (spreadsheet.excel_formula)
        return cli.fail(PROG, f"--format xlsx: {exc}")
    try:
        files.atomic_write(args.output, data)
    except OSError as exc:
        return cli.fail(PROG, f"cannot write {args.output}: {exc.strerror or exc}")
    plural = "s" if args.iterations > 1 else ""
    training = "" if ex.is_general() else f", training ({args.training_updates or 100} updates)"
    print(f"wrote {args.output}: sheets network, worked example ({args.iterations} update{plural}){training}")
    return 0


def check(path, ex, arithmetic, digits, as_json, network_given=True, description=None) -> int:
    """--check FILE: the report, exit 0 when every value is right or carried rounding, 1 otherwise. A
    workbook's stored values are found by their labels and checked as a text file's, the cell where a
    text file has its line."""
    workbook = spreadsheet.is_workbook_path(path)
    try:
        if workbook:
            known = hand_check.known_names(ex, arithmetic, hand_check.MAX_UPDATES)
            text, entries = "", spreadsheet.read_entries(path, known, hand_check.normalise)
        else:
            text, entries = files.read_text(path, files.MAX_INPUT_BYTES).replace("\r\n", "\n"), None
        report = hand_check.check_text(ex, arithmetic, text, path, digits, network_given=network_given,
                                       description=description, entries=entries)  # fmt: skip
    except files.TooLarge as exc:
        return cli.fail(PROG, f"{path}: {exc}, too long for a hand calculation", 2)
    except spreadsheet.MissingPackage as exc:
        return cli.fail(PROG, f"--check {path} {exc}")
    except (spreadsheet.NotAWorkbook, hand_check.BadCheckFile) as exc:
        return cli.fail(PROG, str(exc), 2)
    except spreadsheet.NoStoredValues as exc:
        return cli.fail(PROG, str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        return cli.fail(PROG, f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")
    except written_out.NotFinite as exc:
        return cli.fail(PROG, f"{exc}: use smaller numbers")
    if not report["values"] and workbook:
        return cli.fail(PROG, f"{path}: no cell labelled with a name of the worked example, nothing was checked "
                        "(labels as this script prints them: net_h1, out_o1, dE_total/dw5, w5+, …)")  # fmt: skip
    if not report["values"]:
        first = report["unchecked"][0] if report["unchecked"] else None
        why = f"; line {first['line']}, {first['name']}: {first['reason']}" if first else ""
        return cli.fail(PROG, f"{path}: no name of the worked example, nothing was checked "
                        f"(names as this script prints them: net_h1, out_o1, dE_total/dw5, w5+, …){why}")  # fmt: skip
    print(json.dumps(report, indent=2, ensure_ascii=False) if as_json else "\n".join(hand_check.report_lines(report)))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    cli.run(main, "ann_numpy_no_loop.py")
